package org.vhostcheck.conformance.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's own tools/virtio/vringh_test (vringh.c as host against virtio_ring.c as guest, in
 * userspace) built from a target's tree with ASan + UBSan and run in its variants by
 * conformance/kernel/vringh_test.sh: an extra check of the trees the harness extracts from.
 */
public final class VringhTest {
    /** vringh_test.sh's exit code for a sanitizer report (ASAN_OPTIONS exitcode, leaks included). */
    public static final int SANITIZER_EXIT = 66;
    /** vringh_test.sh's exit code for an UBSan report. */
    public static final int UBSAN_EXIT = 67;

    private static final Pattern FRAME = Pattern.compile("^\\s+#\\d+ 0x[0-9a-f]+ in (\\S+) (\\S+)");
    private static final Pattern TEST_FILE = Pattern.compile("(^|/)tools/virtio/vringh_test\\.c:\\d+");

    /**
     * One run of the tool: its options (without "--", joined by ','; "plain" for none), exit code, wall
     * seconds, the last lines of its output and the file holding all of it.
     */
    public record Run(String variant, int exitCode, double seconds, String outputTail, Path log) {
        public boolean passed() {
            return exitCode == 0;
        }

        /**
         * The tool's own checks all passed: no err/assert line, no ASan or UBSan error, exactly the
         * test program's own leaks ({@link #expectedLeaks}) and the exit code they give, and a parallel
         * run's guest finished.
         */
        public boolean checksPassed() {
            Set<String> leaks = expectedLeaks(this);
            return toolErrors().isEmpty() && sanitizerErrors().isEmpty() && leakSites().equals(leaks)
                    && exitCode == (leaks.isEmpty() ? 0 : SANITIZER_EXIT)
                    && (!has("parallel") || output().contains("\nGuest: notified "));
        }

        public boolean has(String option) {
            return List.of(variant.split(",")).contains(option);
        }

        public String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KernelCrash("reading " + log + ": " + e.getMessage());
            }
        }

        /**
         * Where LeakSanitizer says memory leaked, as "Direct|Indirect callee <- caller": caller is the
         * first frame in tools/virtio/vringh_test.c (the test), callee the frame it called (the kernel
         * entry point that allocated).
         */
        public Set<String> leakSites() {
            Set<String> sites = new TreeSet<>();
            String kind = null;
            String callee = null;
            for (String line : output().split("\n")) {
                if (line.startsWith("Direct leak of") || line.startsWith("Indirect leak of")) {
                    kind = line.substring(0, line.indexOf(' '));
                    callee = null;
                    continue;
                }
                Matcher m = FRAME.matcher(line);
                if (kind == null || !m.find()) {
                    if (!line.isBlank()) {
                        kind = null;
                    }
                    continue;
                }
                if (TEST_FILE.matcher(m.group(2)).find()) {
                    sites.add(kind + " " + (callee == null ? "?" : callee) + " <- " + m.group(1));
                    kind = null;
                } else {
                    callee = m.group(1);
                }
            }
            return sites;
        }

        /** Sanitizer reports other than leaks: ASan errors and UBSan runtime errors. */
        public List<String> sanitizerErrors() {
            return output().lines().filter(l -> l.contains("ERROR: AddressSanitizer") || l.contains("runtime error:"))
                    .toList();
        }

        /** The tool's own failures: err/errx/assert print "vringh_test: ..." (program name) to stderr. */
        public List<String> toolErrors() {
            return output().lines().filter(l -> l.startsWith("vringh_test:")).toList();
        }
    }

    /** A target's runs; unavailable says why there are none (Debian's packages could not be fetched). */
    public record Result(String target, String version, double buildSeconds, List<Run> runs, String unavailable) {
        public boolean available() {
            return unavailable == null;
        }

        public boolean passed() {
            return available() && !runs.isEmpty() && runs.stream().allMatch(Run::passed);
        }

        public Optional<Run> run(String variant) {
            return runs.stream().filter(r -> r.variant().equals(variant)).findFirst();
        }
    }

    private VringhTest() {
    }

    /**
     * The leaks LeakSanitizer finds, both in tools/virtio/vringh_test.c itself (not in vringh.c or
     * virtio_ring.c), on 6.1 and 6.12 alike:
     * - serial with --indirect: the "weird (but legal!) indirect" block assigns vq = vring_new_virtqueue(...)
     *   again without vring_del_virtqueue() of the first queue (made at the top of main); only the second
     *   is deleted. The first queue's struct (direct) and its two state arrays (indirect) leak.
     * - --parallel without --fast-vringh: the host loop calls vringh_iov_init() on its two-entry stack
     *   iovecs before every vringh_getdesc_user() and never vringh_iov_cleanup(), so each time a chain
     *   needs more entries the iovec vringh allocates (resize_iovec, VRINGH_IOV_ALLOCATED) is dropped.
     *   --fast-vringh takes heads with vringh_get_head() and no iov, so nothing leaks.
     * The runs exit with the sanitizer's code instead of 0, after the test's own checks all passed: no
     * "vringh_test:" err/assert line (the parallel host also reports a failed guest child that way), and
     * the parallel guest printed its final line. (The host's final printf is lost in a leaking run: it is
     * buffered, and LeakSanitizer ends the process at exit before stdio is flushed.)
     */
    public static Set<String> expectedLeaks(Run run) {
        if (run.has("parallel")) {
            return run.has("fast-vringh") ? Set.of() : Set.of("Direct vringh_getdesc_user <- parallel_test");
        }
        return run.has("indirect")
                ? Set.of("Direct vring_new_virtqueue <- main", "Indirect vring_new_virtqueue <- main")
                : Set.of();
    }


    /** The default variant set (vringh_test.sh's own matrix). */
    public static Result run(Path home, String target) {
        return run(home, target, "default");
    }

    /**
     * Builds the target's tree (Kernels.build) and runs vringh_test.sh with a matrix: "default" (vringh_test.sh's
     * own), "full" (every option combination) or "sample" (two serial variants, for mvn verify).
     */
    public static Result run(Path home, String target, String matrix) {
        if (!List.of("default", "full", "sample").contains(matrix)) {
            throw new IllegalArgumentException("vringh_test matrix: " + matrix);
        }
        Kernels.Build b = Kernels.build(home, target);
        if (!b.available()) {
            return new Result(target, null, 0, List.of(), b.unavailable());
        }
        Path work = Kernels.workDir(home);
        Path log = work.resolve(target + ".vringh_test.log");
        List<String> cmd = new ArrayList<>(List.of("nice", "bash",
                home.resolve("conformance/kernel/vringh_test.sh").toString(), target, work.toString()));
        cmd.add(matrix);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            String err = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (rc == 3) {
                String[] lines = err.split("\n");
                return new Result(target, null, 0, List.of(), lines[lines.length - 1]);
            }
            if (rc != 0) {
                throw new KernelCrash("vringh_test.sh " + target + " failed (exit " + rc + "; log " + log + "):\n" + err);
            }
            return parse(target, out, work.resolve(target).resolve("vringh_test/logs"));
        } catch (IOException e) {
            throw new KernelCrash("vringh_test.sh " + target + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelCrash("vringh_test.sh " + target + ": interrupted");
        }
    }

    static Result parse(String target, String out, Path logs) throws IOException {
        String version = null;
        double build = 0;
        List<Run> runs = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length == 2 && f[0].equals("version")) {
                version = f[1];
            } else if (f.length == 3 && f[0].equals("build")) {
                build = Double.parseDouble(f[2]);
            } else if (f.length == 3) {
                Path log = logs.resolve(f[0] + ".log");
                List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
                String tail = String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
                runs.add(new Run(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), tail, log));
            } else if (!line.isBlank()) {
                throw new KernelCrash("vringh_test.sh " + target + ": unexpected line '" + line + "'");
            }
        }
        return new Result(target, version, build, List.copyOf(runs), null);
    }
}
