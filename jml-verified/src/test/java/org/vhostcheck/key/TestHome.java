package org.vhostcheck.key;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project root: surefire passes it as vhostcheck.home; from an IDE, the module's parent. */
final class TestHome {

    private TestHome() {
    }

    static Path get() {
        String prop = System.getProperty("vhostcheck.home");
        Path home = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isRegularFile(Expectations.defaultFile(home))) {
            throw new IllegalStateException("not a vhostcheck checkout (no jml-verified/proofs.json): " + home);
        }
        return home.toAbsolutePath().normalize();
    }
}
