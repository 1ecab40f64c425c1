package org.vhostcheck.key;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves every contract of jml-verified/src/main/jml with KeY and holds the outcome to
 * jml-verified/proofs.json: fixed code must close, every broken twin must stay open.
 */
class ProofsTest {

    @Test
    void everyContractEndsAsProofsJsonSays() throws Exception {
        Path home = TestHome.get();
        List<Expectation> expected = Expectations.load(Expectations.defaultFile(home));
        List<ProofResult> results = KeyProver.proveAll(home, System.out::println);
        List<String> problems = Expectations.check(expected, results);
        Path dir = ProofReport.defaultDir(home);
        ProofReport.write(dir, expected, results, problems);
        System.out.print(Files.readString(dir.resolve(ProofReport.TEXT)));

        assertTrue(problems.isEmpty(), "KeY results differ from proofs.json:\n  " + String.join("\n  ", problems));
    }
}
