package org.vhostcheck.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A project file read into records, strictly: an unknown field, a duplicate key or trailing text is one line naming the file. */
public final class StrictJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {
    }

    /** Reads {@code file} as a {@code type}; {@code what} names it when it is missing ("guards file"). */
    public static <T> T read(Path file, Class<T> type, String what) {
        try {
            return JSON.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw new VhostcheckException(file + ": no such " + what);
        } catch (UnrecognizedPropertyException e) {
            throw new VhostcheckException(file + ": unknown field '" + JsonProblem.cut(e.getPropertyName()) + "'");
        } catch (JsonMappingException e) {
            throw new VhostcheckException(file + ": " + JsonProblem.of(e));
        } catch (JsonProcessingException e) {
            throw new VhostcheckException(file + ": not valid JSON: " + JsonProblem.of(e));
        } catch (IOException e) {
            throw new VhostcheckException(file + ": cannot read: " + e.getMessage());
        }
    }
}
