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
    void taggedU64TuplesBecomeHexEverywhere() {
        assertEquals("{\"a\":\"0xffffffffffffffff\",\"s\":[\"0x0\",\"0x1000\"],\"t\":[\"u64\",1]}",
                TlaValues.decodeU64(TlaValues.parse(
                        "[a |-> <<\"u64\", 65535, 65535, 65535, 65535>>, s |-> {<<\"u64\", 0, 0, 0, 0>>, <<\"u64\", 0, 0, 0, 4096>>}, t |-> <<\"u64\", 1>>]"))
                        .toString());
        assertEquals("\"0x123456789abcdef0\"", TlaValues.decodeU64(TlaValues.parse("<<\"u64\", 4660, 22136, 39612, 57072>>")).toString());
        assertThrows(IllegalArgumentException.class, () -> TlaValues.decodeU64(TlaValues.parse("<<\"u64\", 65536, 0, 0, 0>>")));
    }

    @Test
    void badTextNamesTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlaValues.parse("<<1, 2"));
        assertTrue(e.getMessage().startsWith("TLC value, offset 6:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlaValues.parse("[a |-> 1"));
        assertThrows(IllegalArgumentException.class, () -> TlaValues.parse("1 2"));
    }
}
