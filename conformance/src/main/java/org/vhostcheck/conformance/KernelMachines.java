package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.BiFunction;
import org.vhostcheck.conformance.kernel.KernelProcess;

/**
 * Which kernel harness part replays which spec, and the machine that turns a spec step into requests
 * to it (the kernel twin of {@link Machines}).
 */
public final class KernelMachines {
    /** A harness part (conformance/kernel/parts/NAME) and the machine that drives it. */
    public record Part(String name, BiFunction<JsonNode, KernelProcess, Machine> machine) {
    }

    private static final Map<String, Part> BY_SPEC = Map.of(
            "DirtyLog", new Part("dirtylog", KernelDirtyLogMachine::new),
            "Iotlb", new Part("iotlb", KernelIotlbMachine::new),
            "VirtQueue", new Part("ring", KernelVirtQueueMachine::new));

    private KernelMachines() {
    }

    /** The specs a harness part replays. */
    public static java.util.List<String> specsOf(String part) {
        return BY_SPEC.entrySet().stream().filter(e -> e.getValue().name().equals(part)).map(Map.Entry::getKey).sorted().toList();
    }

    /** The specs a kernel harness part replays. */
    public static java.util.Set<String> specs() {
        return new java.util.TreeSet<>(BY_SPEC.keySet());
    }

    public static boolean has(String spec) {
        return BY_SPEC.containsKey(spec);
    }

    public static Part part(String spec) {
        Part p = BY_SPEC.get(spec);
        if (p == null) {
            throw new ReplayException("no kernel harness part for spec '" + spec + "' (known: "
                    + String.join(", ", BY_SPEC.keySet()) + ")");
        }
        return p;
    }
}
