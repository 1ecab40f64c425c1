package org.vhostcheck.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project root: where spec/manifest.json lives. */
public final class Project {
    private Project() {
    }

    /**
     * The root named by the system property {@code vhostcheck.home} (set by the launcher and
     * by Maven), else the nearest folder at or above the working directory holding
     * spec/manifest.json.
     */
    public static Path home() {
        String prop = System.getProperty("vhostcheck.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("spec/manifest.json"))) {
                return p;
            }
        }
        throw new VhostcheckException("cannot find the project root (spec/manifest.json) above "
                + Path.of("").toAbsolutePath() + "; set -Dvhostcheck.home");
    }
}
