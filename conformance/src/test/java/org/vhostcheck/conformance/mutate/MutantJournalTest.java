package org.vhostcheck.conformance.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated mutant's outcome is run once per set of inputs: read back after a stop, never across a changed input. */
class MutantJournalTest {
    @Test
    void aStoppedRunGoesOnAndAChangedInputStartsAgain(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("spec"));
        Files.writeString(home.resolve("spec/A.tla"), "---- MODULE A ----\n====\n");
        GeneratedMutants.Mutant m = new GeneratedMutants.Mutant("f:10:<to<=", "linux-6.12", "drivers/vhost/vhost.c", "f", 10, "<to<=",
                "if (a < b)", "a < b", "a <= b");
        Mutation.Result r = new Mutation.Result(m.id(), "generated", null, m.target(), "<to<= in f: if (a < b)",
                List.of(new Mutation.Place(m.file(), "f", 10)), List.of("ring"), true,
                new Mutation.FirstDivergence("VirtQueue", "t.ndjson", 5, "WalkDesc", "ret", "0", "-22"), null, List.of(), null,
                1.5, 2.5, m.source(), false);
        List<String> runs = new ArrayList<>();

        MutantJournal j = MutantJournal.open(home, null, true);
        assertFalse(j.has(m));
        assertEquals(r, j.get(m, () -> { runs.add(m.id()); return r; }));
        assertEquals(1, runs.size());

        // the next run (a new process) reads it back: the same outcome, not run again
        MutantJournal again = MutantJournal.open(home, null, true);
        assertTrue(again.has(m));
        assertEquals(r, again.get(m, () -> { runs.add(m.id()); return r; }));
        assertEquals(1, runs.size());
        assertEquals(j.file(), again.file());

        // a run that measures itself reads nothing; a run restricted to some models has a journal of its own
        assertFalse(MutantJournal.open(home, null, false).has(m));
        assertNotEquals(j.file(), MutantJournal.open(home, List.of("VirtQueue"), true).file());
        // one changed spec byte: another journal
        Files.writeString(home.resolve("spec/A.tla"), "---- MODULE A ----\n\n====\n");
        MutantJournal changed = MutantJournal.open(home, null, true);
        assertNotEquals(j.file(), changed.file());
        assertFalse(changed.has(m));
    }
}
