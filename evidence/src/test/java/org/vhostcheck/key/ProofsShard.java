package org.vhostcheck.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves one shard of the contracts of jml-verified/src/main/jml with KeY and holds the outcome to
 * jml-verified/proofs.json: fixed code must close, every broken twin must stay open. Surefire runs the
 * shards in two JVMs at once (KeY proves on one core); together they prove every contract KeY finds. A closed
 * case is re-checked from its saved proof (jml-verified/saved-proofs/, replayed rule by rule); one that had to be
 * searched fails the shard with the command that saves it. Twins are searched, once a build: a JVM of the cli tests
 * (triage, review) that needs the same twin waits for this search's outcome (TwinSearches) instead of repeating it.
 */
abstract class ProofsShard {

    void proveShard(int shard) throws Exception {
        Path home = TestHome.get();
        List<Expectation> all = Expectations.load(Expectations.defaultFile(home));
        List<Expectation> expected = Expectations.inShard(all, shard);
        List<ProofResult> results = KeyProver.proveAll(home, Expectations.shardPattern(all, shard),
                line -> System.out.println("[shard " + shard + "] " + line));
        List<String> problems = new java.util.ArrayList<>(Expectations.check(expected, results));
        // a closed case searched instead of replayed costs CI minutes: its saved proof is missing or stale
        problems.addAll(SavedProofs.notReplayed(results));
        Path dir = ProofReport.defaultDir(home).resolve("proofs-shard-" + shard);
        ProofReport.write(dir, expected, results, problems);
        System.out.print(Files.readString(dir.resolve(ProofReport.TEXT)));

        assertTrue(problems.isEmpty(), "KeY results of shard " + shard + " differ from proofs.json:\n  "
                + String.join("\n  ", problems));
    }
}
