package org.vhostcheck.conformance.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vhostcheck.model.VhostcheckException;

/**
 * One change to one kernel function, applied to the build copy of that function by conformance/kernel/edit.pl:
 * {@code find} (the exact text, which must occur once in the function) becomes {@code replace}. A kernel
 * mutant is a list of them; {@code label} names it in build errors.
 */
public record KernelEdit(String label, String file, String function, String find, String replace) {

    /** Writes the edits as edit.pl reads them (N.meta, N.find, N.replace) into a fresh {@code dir}. */
    static void write(Path dir, List<KernelEdit> edits) {
        try {
            Kernels.deleteTree(dir);
            Files.createDirectories(dir);
            int n = 0;
            for (KernelEdit e : edits) {
                n++;
                Files.writeString(dir.resolve(n + ".meta"), e.label() + "\t" + e.file() + "\t" + e.function() + "\n",
                        StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(n + ".find"), e.find(), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(n + ".replace"), e.replace(), StandardCharsets.UTF_8);
            }
        } catch (IOException x) {
            throw new VhostcheckException(dir + ": cannot write the kernel edits: " + x.getMessage());
        }
    }
}
