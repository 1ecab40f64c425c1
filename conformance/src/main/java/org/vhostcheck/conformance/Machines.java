package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Which Java model replays which spec (the "spec" field of a trace header). */
public final class Machines {
    private static final Map<String, Function<JsonNode, Machine>> BY_SPEC = Map.of(
            "U64Reg", U64RegMachine::new,
            "DirtyLog", DirtyLogMachine::new,
            "Iotlb", IotlbMachine::new,
            "VirtQueue", VirtQueueMachine::new);

    private Machines() {
    }

    public static Set<String> specs() {
        return BY_SPEC.keySet();
    }

    public static boolean has(String spec) {
        return BY_SPEC.containsKey(spec);
    }

    public static Machine create(String spec, JsonNode constants) {
        Function<JsonNode, Machine> f = BY_SPEC.get(spec);
        if (f == null) {
            throw new ReplayException("no Java model for spec '" + spec + "' (known: " + String.join(", ", BY_SPEC.keySet()) + ")");
        }
        return f.apply(constants);
    }
}
