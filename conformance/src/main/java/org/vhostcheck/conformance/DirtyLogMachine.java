package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.vhostcheck.ref.DirtyLog;
import org.vhostcheck.ref.U64;

import static org.vhostcheck.conformance.Fields.array;
import static org.vhostcheck.conformance.Fields.bool;
import static org.vhostcheck.conformance.Fields.boolConst;
import static org.vhostcheck.conformance.Fields.intConst;
import static org.vhostcheck.conformance.Fields.integer;

/**
 * spec/DirtyLog.tla in Java: one method per action, the same state, built on the KeY-proven
 * arithmetic of org.vhostcheck.ref.DirtyLog and U64. Guards come from the trace header's
 * constants, so the machine runs whichever model the trace was exported from.
 */
final class DirtyLogMachine implements Machine {
    static final int EFAULT = -14;
    static final int EINVAL = -22;
    private static final long MAX = -1L;
    private static final long HALF = Long.MIN_VALUE; // 2^63
    private static final long TASK_SIZE_MAX = 0x7ffffffff000L;

    record Region(long gpa, long size, long uaddr) {
    }

    record Map(long start, long size, long addr) {
    }

    record Iv(long lo, long hi) {
    }

    record LogW(long lo, long hi, boolean wrapped) {
    }

    // constants
    private final long usedSize;
    private final boolean logBoundChecked;
    private final boolean logWrapChecked;
    private final boolean featureChecked;
    private final boolean translateChecked;
    private final boolean pageOffsetAdded;
    private final boolean logRangeExact;
    private final boolean usedLogChecked;
    private final boolean v612;

    // state, as in the spec
    private Set<Map> umem;
    private long logBase;
    private boolean logAll;
    private boolean active;
    private boolean logUsed;
    private long logAddr;
    private boolean iotlb;
    private Set<Iv> validated;
    private Set<LogW> logWritten;
    private Set<Iv> marked;
    private Set<Iv> dirty;
    private int ret;

    DirtyLogMachine(JsonNode c) {
        usedSize = intConst(c, "UsedSize");
        logBoundChecked = boolConst(c, "LogBoundChecked");
        logWrapChecked = boolConst(c, "LogWrapChecked");
        featureChecked = boolConst(c, "FeatureChecked");
        translateChecked = boolConst(c, "TranslateChecked");
        pageOffsetAdded = boolConst(c, "PageOffsetAdded");
        logRangeExact = boolConst(c, "LogRangeExact");
        usedLogChecked = boolConst(c, "UsedLogChecked");
        JsonNode k = c.get("Kernel");
        if (k == null || !(k.asText().equals("6.1") || k.asText().equals("6.12"))) {
            throw new BadTraceException("header: constants.Kernel must be \"6.1\" or \"6.12\"");
        }
        v612 = k.asText().equals("6.12");
        init(null);
    }

    /** The spec's actions and its set-valued state fields (shared with the kernel machine). */
    static final List<String> ACTIONS = List.of("SetMemTable", "SetLogBase", "SetFeatures", "SetVringAddr", "SetBackend",
            "DeviceWrite", "UsedWrite", "DeviceWriteHva", "UsedWriteHva");
    static final Set<String> SET_FIELDS = Set.of("umem", "validated", "logWritten", "marked", "dirty");

    @Override
    public List<String> actions() {
        return ACTIONS;
    }

    @Override
    public Set<String> setFields() {
        return SET_FIELDS;
    }

    @Override
    public void init(JsonNode params) {
        umem = new LinkedHashSet<>();
        logBase = 0;
        logAll = false;
        active = false;
        logUsed = false;
        logAddr = 0;
        iotlb = false;
        validated = new LinkedHashSet<>();
        logWritten = new LinkedHashSet<>();
        marked = new LinkedHashSet<>();
        dirty = new LinkedHashSet<>();
        ret = 0;
    }

    @Override
    public void apply(String action, JsonNode p) {
        switch (action) {
            case "SetMemTable" -> {
                List<Region> t = new ArrayList<>();
                JsonNode rs = p.get("regions");
                if (rs == null || !rs.isArray()) {
                    throw new BadTraceException("params.regions: expected an array");
                }
                for (JsonNode r : rs) {
                    t.add(new Region(Hex.parse(r.get("gpa"), "regions.gpa"), Hex.parse(r.get("size"), "regions.size"),
                            Hex.parse(r.get("uaddr"), "regions.uaddr")));
                }
                SetMemTable(t);
            }
            case "SetLogBase" -> SetLogBase(Hex.parse(p.get("base"), "params.base"));
            case "SetFeatures" -> SetFeatures(bool(p, "logAll"), bool(p, "platform"));
            case "SetVringAddr" -> SetVringAddr(bool(p, "logUsed"), Hex.parse(p.get("logAddr"), "params.logAddr"));
            case "SetBackend" -> SetBackend(bool(p, "on"));
            case "DeviceWrite" -> DeviceWrite(Hex.parse(p.get("addr"), "params.addr"), Hex.parse(p.get("len"), "params.len"));
            case "UsedWrite" -> UsedWrite(integer(p, "off"), integer(p, "len"));
            case "DeviceWriteHva" -> DeviceWriteHva(Hex.parse(p.get("hva"), "params.hva"), Hex.parse(p.get("len"), "params.len"));
            case "UsedWriteHva" -> UsedWriteHva(Hex.parse(p.get("hva"), "params.hva"), Hex.parse(p.get("len"), "params.len"));
            default -> throw new ReplayException("unknown action '" + action + "'");
        }
    }

    // ---- actions (linux 6.12 drivers/vhost; see spec/DirtyLog.tla for the citations) ----

    /** vhost_set_memory (VHOST_SET_MEM_TABLE). */
    void SetMemTable(List<Region> t) {
        for (Region r : t) {
            if (U64.lt(last(r), r.gpa())) {
                fail(EFAULT);
                return;
            }
        }
        Set<Map> neu = new LinkedHashSet<>();
        for (Region r : t) {
            if (r.gpa() == 0 && last(r) == MAX) { // vhost_iotlb_add_range_ctx splits [0, U64_MAX]
                neu.add(new Map(0, HALF, r.uaddr()));
                neu.add(new Map(HALF, HALF, r.uaddr() + HALF));
            } else {
                neu.add(new Map(r.gpa(), last(r) - r.gpa() + 1, r.uaddr()));
            }
        }
        if (active && !vqMemoryAccessOk(logBase, neu, memLog(logUsed))) {
            fail(EFAULT);
            return;
        }
        umem = neu;
        if (active) {
            validated.addAll(memoryChecked(logBase, neu, memLog(logUsed)));
        }
        ok();
    }

    /** vhost_dev_ioctl VHOST_SET_LOG_BASE. */
    void SetLogBase(long b) {
        if (active && !vqLogAccessOk(b)) {
            fail(EFAULT);
            return;
        }
        logBase = b;
        validated = new LinkedHashSet<>();
        if (active) {
            validated.addAll(vqLogChecked(b));
        }
        ok();
    }

    /**
     * vhost_net_set_features: LOG_ALL needs vhost_log_access_ok; VIRTIO_F_ACCESS_PLATFORM
     * installs a device IOTLB, and without it 6.12 clears it (6.1 keeps it). On 6.12, installing a
     * first device IOTLB (vhost_init_device_iotlb) or clearing one (vhost_clear_device_iotlb) calls
     * vhost_vq_invalidate_access: log_used = false, log_addr = -1.
     */
    void SetFeatures(boolean la, boolean plat) {
        if (la && featureChecked && active && !vqMemoryAccessOk(logBase, umem, true)) {
            fail(EFAULT);
            return;
        }
        boolean io = plat || (!v612 && iotlb);
        boolean invalidates = v612 && io != iotlb;
        boolean lu = logUsed && !invalidates;
        boolean fix2 = active && !iotlb && usedLogChecked && io && lu; // F002 fix only (6.1)
        if (fix2 && !vqMemoryAccessOk(logBase, umem, true)) {
            fail(EFAULT);
            return;
        }
        logAll = la;
        iotlb = io;
        logUsed = lu;
        if (invalidates) {
            logAddr = MAX;
        }
        if ((la && featureChecked && active) || fix2) {
            validated.addAll(memoryChecked(logBase, umem, true));
        }
        ok();
    }

    /** vhost_vring_set_addr: log_guest_addr alignment and vq_log_used_access_ok. */
    void SetVringAddr(boolean lu, long la) {
        boolean viaTable = usedLogChecked && iotlb && lu; // F002 fix only
        if ((la & 3) != 0 || (active && !usedAccessOk(logBase, lu, la))
                || (active && viaTable && !vqMemoryAccessOk(logBase, umem, true))) {
            fail(EINVAL);
            return;
        }
        logUsed = lu;
        logAddr = la;
        if (active) {
            validated.addAll(usedChecked(logBase, lu, la));
            if (viaTable) {
                validated.addAll(memoryChecked(logBase, umem, true));
            }
        }
        ok();
    }

    /**
     * vhost_net_set_backend: vhost_vq_access_ok runs before the fd is looked at, so enabling and
     * disabling (fd -1) alike fail where it fails and validate what it checks.
     */
    void SetBackend(boolean on) {
        if (!vqLogAccessOk(logBase)) {
            fail(EFAULT);
            return;
        }
        // the checks see the state before the call (vq->iotlb, log_used as they are)
        validated.addAll(vqLogChecked(logBase));
        active = on;
        ok();
    }

    /** The device writes one guest buffer and logs it (vhost_log_write -> log_write). */
    void DeviceWrite(long addr, long len) {
        if (!active || iotlb) {
            throw new ReplayException("DeviceWrite needs an active vq without a device IOTLB");
        }
        if (translateChecked && !translates(addr, len)) {
            fail(EFAULT);
            return;
        }
        clearDeviceStep();
        ret = 0;
        if (logAll && len != 0) {
            dirty.add(new Iv(U64.pageOf(addr), U64.pageOf(addr + len - 1)));
            ret = logWrite(logPages(addr, len), true);
        }
    }

    /** log_used: a used-ring update logged at log_addr + offset whenever log_used is set. */
    void UsedWrite(long off, long len) {
        if (!active || !logUsed || iotlb) {
            throw new ReplayException("UsedWrite needs an active vq with log_used and no device IOTLB");
        }
        long a = logAddr + off;
        clearDeviceStep();
        dirty.add(new Iv(U64.pageOf(a), U64.pageOf(a + len - 1)));
        ret = logWrite(logPages(a, len), true);
    }

    /** vhost_log_write with a device IOTLB: log_write_hva on the host range (with LOG_ALL). */
    void DeviceWriteHva(long hva, long len) {
        if (!active || !iotlb || !logAll) {
            throw new ReplayException("DeviceWriteHva needs an active vq with a device IOTLB and LOG_ALL");
        }
        logWriteHva(hva, len);
    }

    /** log_used with a device IOTLB: the used ring's host range through log_write_hva. */
    void UsedWriteHva(long hva, long len) {
        if (!active || !iotlb || !logUsed) {
            throw new ReplayException("UsedWriteHva needs an active vq with a device IOTLB and log_used");
        }
        logWriteHva(hva, len);
    }

    /**
     * linux 6.12 drivers/vhost/vhost.c log_write_hva, loop and all: for every map overlapping
     * [hva, hva - 1 + len] log the overlap's guest pages, then advance by the smallest overlap.
     */
    private void logWriteHva(long hva, long len) {
        clearDeviceStep();
        boolean hit = false;
        boolean firstPass = true;
        while (len != 0) {
            long min = len;
            for (Map u : umem) {
                if (U64.lt(hva - 1 + len, u.addr()) || U64.lt(u.addr() - 1 + u.size(), hva)) {
                    continue;
                }
                long start = U64.lt(u.addr(), hva) ? hva : u.addr();
                long end = U64.lt(u.addr() - 1 + u.size(), hva - 1 + len) ? u.addr() - 1 + u.size() : hva - 1 + len;
                long l = end - start + 1;
                long gpa = u.start() + start - u.addr();
                // The spec logs each overlap once; later passes must only repeat parts of them.
                // Anything new is kept, and shows up as a divergence from the spec.
                addUncovered(dirty, new Iv(U64.pageOf(gpa), U64.pageOf(gpa + l - 1)), firstPass);
                int r = logWrite(logPages(gpa, l), firstPass);
                if (r < 0) {
                    ret = r; // log_write_hva: if (r < 0) return r;
                    return;
                }
                hit = true;
                min = U64.lt(l, min) ? l : min;
            }
            if (!hit) {
                fail(EFAULT);
                return;
            }
            len -= min;
            hva += min;
            firstPass = false;
        }
        ret = 0;
    }

    /**
     * One log_write call over these pages: set_bit_to_user pins each log byte's page
     * (pin_user_pages_fast: the page must end at or below TASK_SIZE_MAX), and log_write returns
     * -EFAULT at the first byte it cannot pin. The pages before it are marked.
     */
    private int logWrite(Iv pages, boolean always) {
        long blo = logBase + (pages.lo() >>> 3);
        long bhi = logBase + (pages.hi() >>> 3);
        Iv set;
        int r;
        if (!pinOk(blo)) {
            return EFAULT;
        } else if (pinOk(bhi) && U64.le(blo, bhi)) {
            set = pages;
            r = 0;
        } else {
            set = new Iv(pages.lo(), ((TASK_SIZE_MAX - 1 - logBase) << 3) + 7);
            r = EFAULT;
        }
        addUncovered(marked, set, always);
        LogW w = logWriteBytes(logBase, set);
        boolean seen = false;
        for (LogW x : logWritten) {
            seen |= x.wrapped() == w.wrapped() && U64.le(x.lo(), w.lo()) && U64.le(w.hi(), x.hi());
        }
        if (always || !seen) {
            logWritten.add(w);
        }
        return r;
    }

    /** pin_user_pages_fast(b & PAGE_MASK, 1): the byte's page ends at or below TASK_SIZE_MAX. */
    private static boolean pinOk(long b) {
        return DirtyLog.accessOk(b, 1);
    }

    private static void addUncovered(Set<Iv> set, Iv v, boolean always) {
        if (always || !covered(v.lo(), v.hi(), set)) {
            set.add(v);
        }
    }

    // ---- the kernel's checks ----

    /** The log_all vq_memory_access_ok gets: LOG_ALL, and with the F002 fix log_used under an IOTLB. */
    private boolean memLog(boolean lu) {
        return logAll || (usedLogChecked && iotlb && lu);
    }

    /** vq_log_access_ok(vq, base). */
    private boolean vqLogAccessOk(long b) {
        return vqMemoryAccessOk(b, umem, memLog(logUsed)) && usedAccessOk(b, logUsed, logAddr);
    }

    private Set<Iv> vqLogChecked(long b) {
        Set<Iv> out = new LinkedHashSet<>(memoryChecked(b, umem, memLog(logUsed)));
        out.addAll(usedChecked(b, logUsed, logAddr));
        return out;
    }

    private static long last(Region r) {
        return r.gpa() + r.size() - 1;
    }

    private long logBytes(long addr, long sz) {
        return logRangeExact ? DirtyLog.logBytesExact(addr, sz) : DirtyLog.logBytes(addr, sz);
    }

    /** log_access_ok, with or without its wrap check. */
    private boolean logAccessOk(long base, long addr, long sz) {
        long n = logBytes(addr, sz);
        return logWrapChecked ? DirtyLog.logAccessOk(base, addr, n) : DirtyLog.accessOk(base + (addr >>> 15), n);
    }

    private Set<Iv> logChecked(long base, long addr, long sz) {
        long n = logBytes(addr, sz);
        long lo = base + (addr >>> 15);
        return n == 0 ? Set.of() : Set.of(new Iv(lo, lo + n - 1));
    }

    /** vq_memory_access_ok. */
    private boolean vqMemoryAccessOk(long base, Set<Map> um, boolean la) {
        if (um.isEmpty()) {
            return false;
        }
        for (Map m : um) {
            if (DirtyLog.vhostOverflow(m.addr(), m.size()) || !DirtyLog.accessOk(m.addr(), m.size())) {
                return false;
            }
            if (la && logBoundChecked && !logAccessOk(base, m.start(), m.size())) {
                return false;
            }
        }
        return true;
    }

    private Set<Iv> memoryChecked(long base, Set<Map> um, boolean la) {
        Set<Iv> out = new LinkedHashSet<>();
        if (la && logBoundChecked) {
            for (Map m : um) {
                out.addAll(logChecked(base, m.start(), m.size()));
            }
        }
        return out;
    }

    /** vq_log_used_access_ok: nothing to check with a device IOTLB. */
    private boolean usedAccessOk(long base, boolean lu, long la) {
        return iotlb || !lu || logAccessOk(base, la, usedSize);
    }

    private Set<Iv> usedChecked(long base, boolean lu, long la) {
        return !iotlb && lu ? logChecked(base, la, usedSize) : Set.of();
    }

    /** translate_desc accepts the buffer: no wrap, every byte in some map. */
    private boolean translates(long addr, long len) {
        if (len == 0) {
            return true;
        }
        if (U64.addOverflows(addr, len - 1)) {
            return false;
        }
        Set<Iv> ranges = new LinkedHashSet<>();
        for (Map m : umem) {
            ranges.add(new Iv(m.start(), m.start() + m.size() - 1));
        }
        return covered(addr, addr + len - 1, ranges);
    }

    /** [lo, hi] lies in the union of the intervals (u64, inclusive). */
    static boolean covered(long lo, long hi, Set<Iv> s) {
        for (Iv v : s) {
            if (U64.le(v.lo(), lo) && U64.le(lo, v.hi())) {
                if (U64.le(hi, v.hi())) {
                    return true;
                }
                if (v.hi() != MAX) {
                    Set<Iv> rest = new LinkedHashSet<>(s);
                    rest.remove(v);
                    if (covered(v.hi() + 1, hi, rest)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The pages log_write marks. */
    private Iv logPages(long addr, long len) {
        long p0 = U64.pageOf(addr);
        if (pageOffsetAdded) {
            return new Iv(p0, DirtyLog.logPagesLast(addr, len));
        }
        return new Iv(p0, p0 + (len == 0 ? 0 : U64.pageOf(len - 1)));
    }

    /** The log bytes log_write sets: log_base + page / 8, wrapping as C does. */
    private static LogW logWriteBytes(long base, Iv pages) {
        return new LogW(base + (pages.lo() >>> 3), base + (pages.hi() >>> 3), U64.addOverflows(base, pages.hi() >>> 3));
    }

    private void clearDeviceStep() {
        logWritten = new LinkedHashSet<>();
        marked = new LinkedHashSet<>();
        dirty = new LinkedHashSet<>();
    }

    private void fail(int e) {
        ret = e;
        clearDeviceStep();
    }

    private void ok() {
        ret = 0;
        clearDeviceStep();
    }

    // ---- trace encoding ----

    @Override
    public ObjectNode state() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        ArrayNode um = o.putArray("umem");
        for (Map m : umem) {
            ObjectNode x = um.addObject();
            x.put("start", Hex.of(m.start()));
            x.put("size", Hex.of(m.size()));
            x.put("addr", Hex.of(m.addr()));
        }
        o.put("logBase", Hex.of(logBase));
        o.put("logAll", logAll);
        o.put("active", active);
        o.put("logUsed", logUsed);
        o.put("logAddr", Hex.of(logAddr));
        o.put("iotlb", iotlb);
        putIvs(o.putArray("validated"), validated);
        putLogWritten(o.putArray("logWritten"), logWritten);
        putIvs(o.putArray("marked"), marked);
        putIvs(o.putArray("dirty"), dirty);
        o.put("ret", ret);
        return o;
    }

    /** Intervals and log writes in the trace encoding (shared with the kernel machine). */
    static void putIvs(ArrayNode a, java.util.Collection<Iv> s) {
        for (Iv v : s) {
            ObjectNode x = a.addObject();
            x.put("lo", Hex.of(v.lo()));
            x.put("hi", Hex.of(v.hi()));
        }
    }

    static void putLogWritten(ArrayNode a, java.util.Collection<LogW> ws) {
        for (LogW w : ws) {
            ObjectNode x = a.addObject();
            x.put("lo", Hex.of(w.lo()));
            x.put("hi", Hex.of(w.hi()));
            x.put("wrapped", w.wrapped());
        }
    }

    @Override
    public void restore(JsonNode s) {
        umem = new LinkedHashSet<>();
        for (JsonNode m : array(s, "umem")) {
            umem.add(new Map(Hex.parse(m.get("start"), "state.umem.start"), Hex.parse(m.get("size"), "state.umem.size"),
                    Hex.parse(m.get("addr"), "state.umem.addr")));
        }
        logBase = Hex.parse(s.get("logBase"), "state.logBase");
        logAll = bool(s, "logAll");
        active = bool(s, "active");
        logUsed = bool(s, "logUsed");
        logAddr = Hex.parse(s.get("logAddr"), "state.logAddr");
        iotlb = bool(s, "iotlb");
        validated = readIvs(s, "validated");
        logWritten = new LinkedHashSet<>();
        for (JsonNode w : array(s, "logWritten")) {
            logWritten.add(new LogW(Hex.parse(w.get("lo"), "state.logWritten.lo"), Hex.parse(w.get("hi"), "state.logWritten.hi"),
                    bool(w, "wrapped")));
        }
        marked = readIvs(s, "marked");
        dirty = readIvs(s, "dirty");
        ret = Fields.intIn(s, "ret", Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static Set<Iv> readIvs(JsonNode s, String f) {
        Set<Iv> out = new LinkedHashSet<>();
        for (JsonNode v : array(s, f)) {
            out.add(new Iv(Hex.parse(v.get("lo"), "state." + f + ".lo"), Hex.parse(v.get("hi"), "state." + f + ".hi")));
        }
        return out;
    }
}
