package org.vhostcheck.conformance.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.vhostcheck.model.Project;

/**
 * The kernel targets (conformance/kernel/kernels.conf) and their harness builds. A target is built
 * once per JVM by conformance/kernel/build.sh into {@code <home>/target/kernel/<target>} (or the
 * directory named by the system property {@code vhostcheck.kernel.dir}); kernel code lives only there.
 */
public final class Kernels {
    public static final List<String> TARGETS = List.of("linux-6.1", "linux-6.12");

    /** What building a target gave: the Debian version it was built from, or why it is unavailable. */
    public record Build(String target, String version, Path bin, String unavailable, double seconds) {
        public boolean available() {
            return unavailable == null;
        }

        public Path exe(String part) {
            return bin.resolve("vhc-" + part);
        }
    }

    private static final Map<String, Build> BUILT = new ConcurrentHashMap<>();

    private Kernels() {
    }

    public static Path workDir(Path home) {
        String d = System.getProperty("vhostcheck.kernel.dir");
        return d != null ? Path.of(d).toAbsolutePath() : home.resolve("target/kernel");
    }

    public static Build build(String target) {
        return build(Project.home(), target);
    }

    /**
     * Builds (once per JVM) the harness parts of one target. Packages that cannot be fetched give an
     * unavailable build (the suites say SKIPPED and why); any other failure is an error with build.sh's output.
     */
    public static synchronized Build build(Path home, String target) {
        Build b = BUILT.get(target);
        if (b == null) {
            b = build(home, workDir(home), target, System.getProperty("vhostcheck.kernel.version." + target));
            BUILT.put(target, b);
        }
        return b;
    }

    /**
     * Builds one target into {@code work}, from the Debian version pinned in kernels.conf or from
     * {@code version} when not null (a maintainer checking a newer release; the system property
     * vhostcheck.kernel.version.TARGET sets it for {@link #build(Path, String)}). Not cached.
     */
    public static Build build(Path home, Path work, String target, String version) {
        if (!TARGETS.contains(target)) {
            throw new KernelCrash("unknown kernel target '" + target + "' (known: " + String.join(", ", TARGETS) + ")");
        }
        Path script = home.resolve("conformance/kernel/build.sh");
        long t0 = System.nanoTime();
        Build b;
        try {
            Files.createDirectories(work);
            Path log = work.resolve(target + ".build.log");
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), target, work.toString())
                    .redirectErrorStream(false).redirectError(log.toFile());
            if (version != null) {
                pb.environment().put("VHC_VERSION_" + target.replace('-', '_').replace('.', '_'), version);
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            String err = Files.readString(log, StandardCharsets.UTF_8).strip();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (rc == 3) {
                b = new Build(target, null, null, lastLine(err), secs);
            } else if (rc != 0) {
                throw new KernelCrash("building the " + target + " harness failed (exit " + rc + "; log " + log + "):\n"
                        + tail(err));
            } else {
                b = new Build(target, out, work.resolve(target).resolve("bin"), null, secs);
            }
        } catch (IOException e) {
            throw new KernelCrash("building the " + target + " harness: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelCrash("building the " + target + " harness: interrupted");
        }
        return b;
    }

    private static String lastLine(String s) {
        String[] lines = s.split("\n");
        return lines.length == 0 ? "unknown reason" : lines[lines.length - 1];
    }

    private static String tail(String s) {
        return s.length() > 3000 ? "...\n" + s.substring(s.length() - 3000) : s;
    }
}
