package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The replayer's view of one Java reference model: the same actions, parameters and state as
 * the spec (DESIGN.md: one Java method per spec action). State is exchanged in the trace
 * encoding (the spec's View: u64 as "0x..." strings).
 */
public interface Machine {
    /** The spec actions this machine implements. */
    List<String> actions();

    /** The Init action (its parameters, if the spec's Init is parametric). */
    void init(JsonNode params);

    /** Puts the model in a state taken from a trace (graph edges start anywhere). */
    void restore(JsonNode state);

    /** Takes one action; throws {@link ReplayException} if it is not enabled or unknown. */
    void apply(String action, JsonNode params);

    ObjectNode state();

    /** Top-level state fields that are TLA+ sets: compared without regard to order. */
    default java.util.Set<String> setFields() {
        return java.util.Set.of();
    }
}
