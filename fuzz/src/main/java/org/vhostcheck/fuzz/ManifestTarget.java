package org.vhostcheck.fuzz;

import static org.vhostcheck.fuzz.Oracle.check;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.file.Path;
import java.util.List;
import org.vhostcheck.model.Manifest;
import org.vhostcheck.model.VhostcheckException;

/** spec/manifest.json ({@link Manifest#load}) on any bytes, then model selection by name. */
public final class ManifestTarget {
    private ManifestTarget() {
    }

    /** Jazzer calls this once before fuzzing: loads (and instruments) the parser outside the per-input timeout. */
    public static void fuzzerInitialize() {
        Oracle.parser(() -> Manifest.load(Scratch.write("manifest.json",
                "{\"models\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), false));
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) {
        String name = d.consumeString(40);
        Path f = Scratch.write("manifest.json", d.consumeRemainingAsBytes());
        Oracle.parser(() -> {
            Manifest m = Manifest.load(f, false);
            check(m.select(null, true).size() == m.entries().size(), "every entry is selected");
            try {
                List<Manifest.Entry> e = m.select(List.of(name), true);
                check(e.size() == 1 && e.get(0).name().equals(name), "select finds the entry named");
            } catch (VhostcheckException e) {
                Oracle.oneLine(e);
                check(m.entries().stream().noneMatch(x -> x.name().equals(name)), "select refuses only unknown names");
            }
        });
    }
}
