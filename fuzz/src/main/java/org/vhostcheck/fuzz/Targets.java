package org.vhostcheck.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fuzz targets by name: the class Jazzer drives ({@code fuzzerTestOneInput}) and the
 * {@code FuzzTargetsTest} method whose regression corpus is
 * fuzz/src/test/resources/org/vhostcheck/fuzz/FuzzTargetsTestInputs/&lt;method&gt;.
 */
public final class Targets {
    public record Target(String name, Class<?> type, String testMethod, String what) {
    }

    public static final Map<String, Target> ALL = new LinkedHashMap<>();

    static {
        add("iotlb", IotlbTarget.class, "iotlb", "Java IOTLB operation sequences vs spec/Iotlb.tla");
        add("dirtylog", DirtyLogTarget.class, "dirtyLog", "dirty-log arithmetic and log writes vs their contracts");
        add("ring", RingTarget.class, "ring", "Java ring model (VirtQueue) operation sequences vs spec/VirtQueue.tla");
        add("u64", U64Target.class, "u64", "U64 operators and U64Reg sequences vs exact arithmetic");
        add("trace", TraceTarget.class, "trace", "NDJSON trace replay");
        add("manifest", ManifestTarget.class, "manifest", "spec/manifest.json");
        add("tlc-output", TlcOutputTarget.class, "tlcOutput", "TLC -tool output, trace states and values");
        add("claim", ClaimTarget.class, "claim", "claims/*.json");
    }

    private Targets() {
    }

    private static void add(String name, Class<?> type, String method, String what) {
        ALL.put(name, new Target(name, type, method, what));
    }

    /** The regression corpus of a target, under the project root. */
    public static java.nio.file.Path corpus(java.nio.file.Path home, Target t) {
        return home.resolve("fuzz/src/test/resources/org/vhostcheck/fuzz/FuzzTargetsTestInputs").resolve(t.testMethod());
    }
}
