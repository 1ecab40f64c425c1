package org.vhostcheck.conformance;

import org.vhostcheck.ref.U64;
import org.vhostcheck.ref.U64NoCarry;
import org.vhostcheck.ref.U64SignedLt;

/**
 * The operators of the proven Java class org.vhostcheck.ref.U64, behind an interface so the
 * cross-check can be pointed at a broken twin and shown to fail.
 */
public interface JavaU64 {
    long add(long a, long b);

    boolean addOverflows(long a, long b);

    long sub(long a, long b);

    boolean lt(long a, long b);

    boolean le(long a, long b);

    long pageOf(long a);

    long pageOffset(long a);

    long truncU32(long a);

    int u16Add(int a, int b);

    int u16Sub(int a, int b);

    /** The proven class. */
    JavaU64 PROVEN = new Proven();

    /** The proven class with the broken twin U64NoCarry.addOverflows (KeY leaves it open). */
    JavaU64 NO_CARRY = new Proven() {
        @Override
        public boolean addOverflows(long a, long b) { return U64NoCarry.addOverflows(a, b); }
    };

    /** The proven class with the broken twin U64SignedLt.lt (KeY leaves it open). */
    JavaU64 SIGNED_LT = new Proven() {
        @Override
        public boolean lt(long a, long b) { return U64SignedLt.lt(a, b); }
    };

    /** Every operator from the proven class; a twin overrides one. */
    class Proven implements JavaU64 {
        public long add(long a, long b) { return U64.add(a, b); }
        public boolean addOverflows(long a, long b) { return U64.addOverflows(a, b); }
        public long sub(long a, long b) { return U64.sub(a, b); }
        public boolean lt(long a, long b) { return U64.lt(a, b); }
        public boolean le(long a, long b) { return U64.le(a, b); }
        public long pageOf(long a) { return U64.pageOf(a); }
        public long pageOffset(long a) { return U64.pageOffset(a); }
        public long truncU32(long a) { return U64.truncU32(a); }
        public int u16Add(int a, int b) { return U64.u16Add(a, b); }
        public int u16Sub(int a, int b) { return U64.u16Sub(a, b); }
    }
}
