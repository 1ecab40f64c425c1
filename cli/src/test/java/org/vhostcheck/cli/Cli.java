package org.vhostcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.vhostcheck.model.Project;

/** Runs the command line in-process and captures what it prints. */
record Cli(int exit, String out, String err) {
    static final Path HOME = Project.home();
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static Cli run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * One run printed as text, with the JSON document the same report would print under --json: for tests that
     * check both renderings without running the command twice. Returns the text run and the JSON.
     */
    static Both runBoth(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new PrintStream(json, true, StandardCharsets.UTF_8));
        Cli text = new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        return new Both(text, new Cli(exit, json.toString(StandardCharsets.UTF_8), text.err()));
    }

    record Both(Cli text, Cli json) {
    }

    /** stdout parsed as one JSON document with nothing after it. */
    JsonNode json() {
        try {
            return STRICT.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON document: " + e.getMessage() + "\n" + out, e);
        }
    }

    /** Bad input: exit 2, nothing on stdout, and the error as exactly one "vhostcheck: " line, no stack trace. */
    String assertBadInput() {
        assertEquals(Main.BAD_INPUT, exit, "exit code; stderr: " + err);
        assertEquals("", out, "nothing on stdout");
        List<String> errors = Arrays.stream(err.split("\n")).filter(l -> l.startsWith("vhostcheck: ")).toList();
        assertEquals(1, errors.size(), "one error line: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
        assertTrue(err.stripTrailing().endsWith(errors.get(0)), "the error line comes last: " + err);
        return errors.get(0);
    }

    /** A project root under {@code dir} holding a copy of spec/. */
    static Path copyHome(Path dir) {
        try (Stream<Path> files = Files.walk(HOME.resolve("spec"))) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(HOME.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static void replace(Path file, String from, String to) {
        try {
            String s = Files.readString(file);
            assertTrue(s.contains(from), file + " contains " + from);
            Files.writeString(file, s.replace(from, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
