package org.vhostcheck.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One scratch folder per JVM for the parser targets that read files (the parsers' real entry points take paths). */
final class Scratch {
    private static Path dir;

    private Scratch() {
    }

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("vhostcheck-fuzz-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir.toFile().deleteOnExit();
        }
        return dir;
    }

    /** Writes {@code bytes} to the scratch file {@code name} and returns its path. */
    static Path write(String name, byte[] bytes) {
        Path f = dir().resolve(name);
        try {
            Files.write(f, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        f.toFile().deleteOnExit();
        return f;
    }
}
