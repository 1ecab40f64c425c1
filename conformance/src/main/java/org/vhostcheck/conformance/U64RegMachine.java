package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.vhostcheck.ref.U64Reg;

import static org.vhostcheck.conformance.Fields.bool;

/** spec/U64Reg.tla against org.vhostcheck.ref.U64Reg (proven by KeY). */
final class U64RegMachine implements Machine {
    private final int maxSteps;
    private U64Reg m;

    U64RegMachine(JsonNode constants) {
        this.maxSteps = Fields.intConst(constants, "MaxSteps", 0, Integer.MAX_VALUE);
        this.m = new U64Reg(maxSteps);
    }

    @Override
    public List<String> actions() {
        return List.of("Load", "AddReg", "SubReg", "LtReg", "PageOfReg", "PageOffsetReg", "TruncU32Reg");
    }

    @Override
    public void init(JsonNode params) {
        m = new U64Reg(maxSteps);
    }

    @Override
    public void restore(JsonNode s) {
        m.restore(Hex.parse(s.get("reg"), "state.reg"), bool(s, "carry"), Fields.intIn(s, "steps", 0, maxSteps));
    }

    @Override
    public void apply(String action, JsonNode p) {
        boolean enabled = switch (action) {
            case "Load" -> m.Load(Hex.parse(p.get("v"), "params.v"));
            case "AddReg" -> m.AddReg(Hex.parse(p.get("v"), "params.v"));
            case "SubReg" -> m.SubReg(Hex.parse(p.get("v"), "params.v"));
            case "LtReg" -> m.LtReg(Hex.parse(p.get("v"), "params.v"));
            case "PageOfReg" -> m.PageOfReg();
            case "PageOffsetReg" -> m.PageOffsetReg();
            case "TruncU32Reg" -> m.TruncU32Reg();
            default -> throw new ReplayException("unknown action '" + action + "'");
        };
        if (!enabled) {
            throw new ReplayException(action + " is not enabled in the Java model");
        }
    }

    @Override
    public ObjectNode state() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("reg", Hex.of(m.reg));
        o.put("carry", m.carry);
        o.put("steps", m.steps);
        return o;
    }
}
