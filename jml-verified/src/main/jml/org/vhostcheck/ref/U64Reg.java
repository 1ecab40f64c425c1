package org.vhostcheck.ref;

/**
 * A one-register u64 machine, mirroring spec/U64Reg.tla: it exists to test the trace pipeline
 * (TLC trace, Java replay, kernel harness) on exact u64 arithmetic. Every action is named exactly
 * as in the spec and returns whether it was enabled; a disabled action changes nothing.
 *
 * <p>{@code U(x)} below is the unsigned value of a bit pattern, as in {@link U64}.
 */
public final class U64Reg {

    /** The register, a u64 bit pattern. */
    public long reg;
    /** Carry (AddReg), borrow (SubReg) or comparison result (LtReg) of the last action. */
    public boolean carry;
    /** Actions taken so far. */
    public int steps;
    /** Bound on steps (the spec's constant MaxSteps). */
    public final int maxSteps;

    //@ public invariant 0 <= steps && steps <= maxSteps;
    // Java guarantees these ranges, but KeY's javaSemantics does not know them for values read
    // from the heap (KeY issue #1324): without them no step counter or u64 call can be proven.
    //@ public invariant maxSteps <= Integer.MAX_VALUE;
    //@ public invariant Long.MIN_VALUE <= reg && reg <= Long.MAX_VALUE;

    // spec/U64Reg.tla Init: reg = 0, carry = FALSE, steps = 0
    /*@ public normal_behavior
      @   requires maxSteps >= 0;
      @   ensures reg == 0 && !carry && steps == 0 && this.maxSteps == maxSteps;
      @   assignable \nothing;
      @*/
    public U64Reg(int maxSteps) {
        this.maxSteps = maxSteps;
    }

    // replay: put the machine into a state read from a trace
    /*@ public normal_behavior
      @   requires 0 <= steps && steps <= maxSteps;
      @   ensures this.reg == reg && this.carry == carry && this.steps == steps;
      @   assignable this.reg, this.carry, this.steps;
      @ also public exceptional_behavior
      @   requires steps < 0 || steps > maxSteps;
      @   signals_only IllegalArgumentException;
      @   assignable \nothing;
      @*/
    public void restore(long reg, boolean carry, int steps) {
        if (steps < 0 || steps > maxSteps) {
            throw new IllegalArgumentException();
        }
        this.reg = reg;
        this.carry = carry;
        this.steps = steps;
    }

    // spec/U64Reg.tla Load(v)
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   ensures \result && reg == v && !carry && steps == \old(steps) + 1;
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean Load(long v) {
        if (steps >= maxSteps) {
            return false;
        }
        reg = v;
        carry = false;
        steps = steps + 1;
        return true;
    }

    // spec/U64Reg.tla AddReg(v): reg' = Add(reg, v), carry' = AddOverflows(reg, v)
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   requires (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) + (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1)) < 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result && !carry && steps == \old(steps) + 1;
      @   ensures (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) + (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1));
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps < maxSteps;
      @   requires (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) + (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1)) >= 2*((\bigint)Long.MAX_VALUE + 1);
      @   ensures \result && carry && steps == \old(steps) + 1;
      @   ensures (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) + (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1)) - 2*((\bigint)Long.MAX_VALUE + 1);
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean AddReg(long v) {
        if (steps >= maxSteps) {
            return false;
        }
        long old = reg;
        reg = U64.add(old, v);
        carry = U64.addOverflows(old, v);
        steps = steps + 1;
        return true;
    }

    // spec/U64Reg.tla SubReg(v): reg' = Sub(reg, v), carry' = Lt(reg, v) (borrow)
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   requires (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) >= (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures \result && !carry && steps == \old(steps) + 1;
      @   ensures (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) - (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1));
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps < maxSteps;
      @   requires (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) < (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1));
      @   ensures \result && carry && steps == \old(steps) + 1;
      @   ensures (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) - (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1)) + 2*((\bigint)Long.MAX_VALUE + 1);
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean SubReg(long v) {
        if (steps >= maxSteps) {
            return false;
        }
        long old = reg;
        reg = U64.sub(old, v);
        carry = U64.lt(old, v);
        steps = steps + 1;
        return true;
    }

    // spec/U64Reg.tla PageOfReg: reg' = PageOf(reg)
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   ensures \result && !carry && steps == \old(steps) + 1;
      @   ensures reg == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) / 4096;
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean PageOfReg() {
        if (steps >= maxSteps) {
            return false;
        }
        reg = U64.pageOf(reg);
        carry = false;
        steps = steps + 1;
        return true;
    }

    // spec/U64Reg.tla PageOffsetReg: reg' = PageOffset(reg)
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   ensures \result && !carry && steps == \old(steps) + 1;
      @   ensures reg == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) % 4096;
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean PageOffsetReg() {
        if (steps >= maxSteps) {
            return false;
        }
        reg = U64.pageOffset(reg);
        carry = false;
        steps = steps + 1;
        return true;
    }

    // spec/U64Reg.tla TruncU32Reg: reg' = TruncU32(reg)
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   ensures \result && !carry && steps == \old(steps) + 1;
      @   ensures reg == \old((reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1))) % 4294967296L;
      @   assignable reg, carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean TruncU32Reg() {
        if (steps >= maxSteps) {
            return false;
        }
        reg = U64.truncU32(reg);
        carry = false;
        steps = steps + 1;
        return true;
    }

    // spec/U64Reg.tla LtReg(v): carry' = Lt(reg, v), reg unchanged
    /*@ public normal_behavior
      @   requires steps < maxSteps;
      @   ensures \result && reg == \old(reg) && steps == \old(steps) + 1;
      @   ensures carry <==> (reg >= 0 ? (\bigint)reg : (\bigint)reg + 2*((\bigint)Long.MAX_VALUE + 1)) < (v >= 0 ? (\bigint)v : (\bigint)v + 2*((\bigint)Long.MAX_VALUE + 1));
      @   assignable carry, steps;
      @ also public normal_behavior
      @   requires steps >= maxSteps;
      @   ensures !\result;
      @   assignable \nothing;
      @*/
    public boolean LtReg(long v) {
        if (steps >= maxSteps) {
            return false;
        }
        carry = U64.lt(reg, v);
        steps = steps + 1;
        return true;
    }
}
