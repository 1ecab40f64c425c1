package org.vhostcheck.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TlaValuesTest {
    @Test
    void readsEveryShapeTlcPrints() {
        assertEquals("[\"T\",1,{\"reg\":\"0x0\",\"s\":[1,2]},\"Inc\",{\"v\":\"0x1\"},[[0,0,0,1],-1]]",
                TlaValues.parse("<<\"T\", 1, [reg |-> \"0x0\", s |-> {1, 2}], \"Inc\", [v |-> \"0x1\"], <<<<0, 0, 0, 1>>, -1>>>>").toString());
        assertEquals("{\"a\":true,\"b\":false}", TlaValues.parse("(\"a\" :> TRUE @@ \"b\" :> FALSE)").toString());
        assertEquals("{}", TlaValues.parse("[ ]").toString());
        assertEquals("[]", TlaValues.parse("<<>>").toString());
        assertEquals("\"q\\\"x\"", TlaValues.parse("\"q\\\"x\"").toString());
    }

    @Test
    void badTextNamesTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlaValues.parse("<<1, 2"));
        assertTrue(e.getMessage().startsWith("TLC value, offset 6:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlaValues.parse("[a |-> 1"));
        assertThrows(IllegalArgumentException.class, () -> TlaValues.parse("1 2"));
    }
}
