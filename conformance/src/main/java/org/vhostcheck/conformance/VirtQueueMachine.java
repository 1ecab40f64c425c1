package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vhostcheck.model.JsonProblem;
import org.vhostcheck.ref.Chain;
import org.vhostcheck.ref.Iotlb;
import org.vhostcheck.ref.VirtQueue;

import static org.vhostcheck.conformance.Fields.array;
import static org.vhostcheck.conformance.Fields.bool;
import static org.vhostcheck.conformance.Fields.boolConst;
import static org.vhostcheck.conformance.Fields.intConst;
import static org.vhostcheck.conformance.Fields.intIn;

/**
 * spec/VirtQueue.tla's actions on the Java model {@link VirtQueue}, which keeps the kernel's state; this
 * machine adds the spec's history variables (the heads completed, the guest's write count, the last vringh
 * access and the perms of the maps the last step wrote through). The machine is today's kernel: a trace of
 * a model with a guard removed is refused, and so is a state holding what only a broken model reaches
 * (a read past the table, a nested INDIRECT taken, an odd indirect length, a used entry past the ring).
 */
final class VirtQueueMachine implements Machine {
    /** The guards of spec/VirtQueue.tla and spec/IotlbOps.tla; today's kernel has them all. */
    private static final List<String> GUARDS = List.of("AvailChecked", "IndexChecked", "LoopBounded",
            "OutAfterInChecked", "LogOnlyIfIov", "IovBounded", "IndLenChecked", "NestedIndChecked", "UsedWrapSplit",
            "CopyExact", "PermChecked");
    private static final List<String> KINDS = List.of("getu16_iotlb", "putu16_iotlb", "xfer_from_iotlb",
            "xfer_to_iotlb", "copydesc_iotlb");
    private static final String[] PHASES = {"idle", "desc", "ind"};
    /** Bounds on the constants that size the Java arrays. */
    static final int MAX_QUEUE = 1 << 15;
    static final int MAX_IOV = 1024;
    static final int MAX_MAPS = 1 << 16;

    // constants
    private final int num;
    private final int iovSize;
    private final int initIdx;
    private final boolean logging;
    private final long indAt;
    private final int indCap;
    private final int maxBatch;
    private final int putU16Access;
    private final long[][] mapRows;

    // the model and the spec's history variables
    private VirtQueue q;
    private List<Integer> done;
    private int guestWrites;
    private String copyKind;
    private long copyAddr;
    private long copyLen;
    private long copyMoved;
    private int copyRet;

    VirtQueueMachine(JsonNode c) {
        this(c, false);
    }

    /**
     * kernelSide: the machine serves a kernel machine, whose behaviour is the kernel's code, not these guard
     * switches: a broken model's trace (a guard FALSE) is then taken, to be replayed through a kernel mutant or
     * patched kernel that should equal it (vhostcheck mutate, review --patches).
     */
    VirtQueueMachine(JsonNode c, boolean kernelSide) {
        num = intConst(c, "QueueSize", 1, MAX_QUEUE);
        if (Integer.bitCount(num) != 1) {
            throw new BadTraceException("header: constants.QueueSize = " + num + " is not a power of 2");
        }
        iovSize = intConst(c, "IovSize", 1, MAX_IOV);
        initIdx = intConst(c, "InitIdx", 0, 0xffff);
        logging = boolConst(c, "Logging");
        indAt = Hex.parse(c.get("IndAddr"), "header: constants.IndAddr");
        indCap = intConst(c, "IndCap", 0, MAX_QUEUE);
        maxBatch = intConst(c, "MaxBatch", 1, MAX_QUEUE);
        putU16Access = intConst(c, "PutU16Access", VirtQueue.RO, VirtQueue.WO);
        for (String guard : GUARDS) {
            if (!boolConst(c, guard) && !kernelSide) {
                throw new BadTraceException("header: constants." + guard + " is false: the Java ring model is today's"
                        + " kernel, a model with a guard removed is not replayed");
            }
        }
        JsonNode ms = c.get("Maps");
        if (ms == null || !ms.isArray() || ms.size() > MAX_MAPS) {
            throw new BadTraceException("header: constants.Maps: expected an array of at most " + MAX_MAPS + " maps");
        }
        mapRows = new long[ms.size()][];
        for (int k = 0; k < ms.size(); k++) {
            JsonNode m = ms.get(k);
            mapRows[k] = new long[] {Hex.parse(m.get("start"), "header: constants.Maps.start"),
                Hex.parse(m.get("last"), "header: constants.Maps.last"),
                Hex.parse(m.get("addr"), "header: constants.Maps.addr"), intIn(m, "perm", 0, 3)};
        }
        init(null);
    }

    @Override
    public List<String> actions() {
        return List.of("WriteDesc", "WriteInd", "WriteAvail", "PublishAvail", "GetHead", "WalkDesc", "WalkIndirect",
                "AddUsedN", "U16Access", "Copy");
    }

    @Override
    public Set<String> setFields() {
        return Set.of("wrote");
    }

    /** The device IOTLB: the proven table with the maps in order, IOVAs flipped. */
    private Iotlb table() {
        Iotlb x = new Iotlb(mapRows.length, true);
        for (int i = 0; i < mapRows.length; i++) {
            x.start[i] = Iotlb.flip(mapRows[i][0]);
            x.last[i] = Iotlb.flip(mapRows[i][1]);
            x.addr[i] = mapRows[i][2];
            x.perm[i] = (int) mapRows[i][3];
        }
        x.n = mapRows.length;
        return x;
    }

    @Override
    public void init(JsonNode params) {
        q = new VirtQueue(num, iovSize, table(), logging, indAt, indCap, putU16Access, initIdx);
        done = new ArrayList<>();
        guestWrites = 0;
        noCopy();
    }

    private void noCopy() {
        copyKind = "none";
        copyAddr = 0;
        copyLen = 0;
        copyMoved = 0;
        copyRet = 0;
    }

    @Override
    public void apply(String action, JsonNode p) {
        switch (action) {
            case "WriteDesc" -> {
                JsonNode d = desc(p.get("desc"), "params.desc");
                q.writeDesc(intIn(p, "slot", 0, num - 1), Hex.parse(d.get("addr"), "params.desc.addr"),
                        u32(d.get("len"), "params.desc.len"), intIn(d, "flags", 0, 0xffff), intIn(d, "next", 0, 0xffff));
                guest();
            }
            case "WriteInd" -> {
                JsonNode d = desc(p.get("desc"), "params.desc");
                q.writeInd(intIn(p, "slot", 0, indCap - 1), Hex.parse(d.get("addr"), "params.desc.addr"),
                        u32(d.get("len"), "params.desc.len"), intIn(d, "flags", 0, 0xffff), intIn(d, "next", 0, 0xffff));
                guest();
            }
            case "WriteAvail" -> {
                q.writeAvail(intIn(p, "slot", 0, num - 1), intIn(p, "head", 0, 0xffff));
                guest();
            }
            case "PublishAvail" -> {
                q.publishAvail(intIn(p, "delta", 0, 0xffff));
                guest();
            }
            case "GetHead" -> {
                phase(VirtQueue.IDLE, action);
                q.getHead();
                noCopy();
            }
            case "WalkDesc" -> {
                phase(VirtQueue.DESC, action);
                q.walkDesc();
                noCopy();
            }
            case "WalkIndirect" -> {
                phase(VirtQueue.IND, action);
                q.walkIndirect();
                noCopy();
            }
            case "AddUsedN" -> {
                int n = intIn(p, "n", 1, maxBatch);
                phase(VirtQueue.IDLE, action);
                if (n > q.nInflight) {
                    throw new ReplayException("AddUsedN(" + n + ") is not enabled: " + q.nInflight + " buffers in flight");
                }
                int room = num - (q.lastUsed & (num - 1));
                if (n > room + num) {
                    throw new BadTraceException("AddUsedN(" + n + "): a batch of more than " + (room + num)
                            + " heads goes past used->ring (finding F005), which the Java model does not write");
                }
                for (int k = 0; k < n; k++) {
                    done.add(q.inflight[k].head);
                }
                q.addUsedN(n);
                noCopy();
            }
            case "U16Access" -> {
                String kind = kind(p, List.of("getu16_iotlb", "putu16_iotlb"));
                long a = Hex.parse(p.get("addr"), "params.addr");
                copyRet = q.u16Access(kind.equals("putu16_iotlb"), a);
                copyKind = kind;
                copyAddr = a;
                copyLen = 2;
                copyMoved = q.moved;
            }
            case "Copy" -> {
                String kind = kind(p, List.of("xfer_from_iotlb", "xfer_to_iotlb", "copydesc_iotlb"));
                long a = Hex.parse(p.get("addr"), "params.addr");
                long len = Hex.parse(p.get("len"), "params.len");
                int k = switch (kind) {
                    case "xfer_from_iotlb" -> VirtQueue.XFER_FROM;
                    case "xfer_to_iotlb" -> VirtQueue.XFER_TO;
                    default -> VirtQueue.COPYDESC;
                };
                copyRet = q.copy(k, a, len, intIn(p, "short", 0, 1));
                copyKind = kind;
                copyAddr = a;
                copyLen = len;
                copyMoved = q.moved;
            }
            default -> throw new ReplayException("unknown action '" + action + "'");
        }
    }

    private void guest() {
        guestWrites++;
        noCopy();
    }

    private void phase(int want, String action) {
        if (q.phase != want) {
            throw new ReplayException(action + " is not enabled: the walk is " + PHASES[q.phase]);
        }
    }

    private static String kind(JsonNode p, List<String> kinds) {
        JsonNode k = p.get("kind");
        if (k == null || !kinds.contains(k.asText())) {
            throw new BadTraceException("params.kind: expected one of " + kinds);
        }
        return k.asText();
    }

    private static JsonNode desc(JsonNode d, String what) {
        if (d == null || !d.isObject()) {
            throw new BadTraceException(what + ": expected a descriptor {addr, len, flags, next}");
        }
        return d;
    }

    private static long u32(JsonNode v, String what) {
        long x = Hex.parse(v, what);
        if (x < 0 || x > 0xffffffffL) {
            throw new BadTraceException(what + ": " + Hex.of(x) + " is not a u32");
        }
        return x;
    }

    // ---- trace encoding (MCVirtQueue.tla View) ----

    private static ObjectNode desc(ArrayNode into, long a, long l, int flags, int next) {
        ObjectNode d = into == null ? JsonNodeFactory.instance.objectNode() : into.addObject();
        d.put("addr", Hex.of(a));
        d.put("len", Hex.of(l));
        d.put("flags", flags);
        d.put("next", next);
        return d;
    }

    private static void chain(ObjectNode b, Chain c) {
        b.put("head", c.head);
        ArrayNode iov = b.putArray("iov");
        for (int k = 0; k < c.n; k++) {
            ObjectNode g = iov.addObject();
            g.put("iova", Hex.of(c.iova[k]));
            g.put("hva", Hex.of(c.hva[k]));
            g.put("len", Hex.of(c.len[k]));
            g.put("access", c.access[k]);
        }
        b.put("outNum", c.outNum);
        b.put("inNum", c.inNum);
        ArrayNode log = b.putArray("log");
        for (int k = 0; k < c.logNum; k++) {
            ObjectNode e = log.addObject();
            e.put("addr", Hex.of(c.logAddr[k]));
            e.put("len", Hex.of(c.logLen[k]));
        }
        b.put("oob", false);
        b.put("nested", false);
        b.put("oddInd", false);
    }

    @Override
    public ObjectNode state() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode ds = o.putArray("desc");
        for (int s = 0; s < num; s++) {
            desc(ds, q.descAddr[s], q.descLen[s], q.descFlags[s], q.descNext[s]);
        }
        ArrayNode is = o.putArray("ind");
        for (int k = 0; k < indCap; k++) {
            desc(is, q.indAddr[k], q.indLen[k], q.indFlags[k], q.indNext[k]);
        }
        ArrayNode av = o.putArray("avail");
        for (int s = 0; s < num; s++) {
            av.add(q.avail[s]);
        }
        o.put("availIdx", q.availIdx);
        o.put("lastAvail", q.lastAvail);
        o.put("cachedAvail", q.cachedAvail);
        o.put("fetchedAt", q.fetchedAt);
        ObjectNode w = o.putObject("walk");
        w.put("phase", PHASES[q.phase]);
        w.put("i", q.wi);
        w.put("found", q.found);
        w.put("ifound", q.ifound);
        w.put("count", q.count);
        w.put("pos", q.pos);
        w.set("outer", desc(null, q.outerAddr, q.outerLen, q.outerFlags, q.outerNext));
        chain(w.putObject("buf"), q.chain);
        o.put("ret", q.ret);
        ArrayNode inf = o.putArray("inflight");
        for (int k = 0; k < q.nInflight; k++) {
            chain(inf.addObject(), q.inflight[k]);
        }
        o.put("lastUsed", q.lastUsed);
        o.put("usedIdx", q.usedIdx);
        ArrayNode us = o.putArray("used");
        for (int s = 0; s < num; s++) {
            us.add(q.used[s]);
        }
        o.put("usedLost", false);
        ArrayNode dn = o.putArray("done");
        done.forEach(dn::add);
        ArrayNode wr = o.putArray("wrote");
        for (int p = 0; p < 4; p++) {
            if ((q.wrotePerms & (1 << p)) != 0) {
                wr.add(p);
            }
        }
        o.put("guestWrites", guestWrites);
        ObjectNode cp = o.putObject("copy");
        cp.put("kind", copyKind);
        cp.put("addr", Hex.of(copyAddr));
        cp.put("len", Hex.of(copyLen));
        cp.put("moved", Hex.of(copyMoved));
        cp.put("ret", copyRet);
        return o;
    }

    @Override
    public void restore(JsonNode s) {
        init(null);
        JsonNode ds = sized(s, "desc", num);
        for (int k = 0; k < num; k++) {
            JsonNode d = ds.get(k);
            q.writeDesc(k, Hex.parse(d.get("addr"), "state.desc.addr"), u32(d.get("len"), "state.desc.len"),
                    intIn(d, "flags", 0, 0xffff), intIn(d, "next", 0, 0xffff));
        }
        JsonNode is = sized(s, "ind", indCap);
        for (int k = 0; k < indCap; k++) {
            JsonNode d = is.get(k);
            q.writeInd(k, Hex.parse(d.get("addr"), "state.ind.addr"), u32(d.get("len"), "state.ind.len"),
                    intIn(d, "flags", 0, 0xffff), intIn(d, "next", 0, 0xffff));
        }
        JsonNode av = sized(s, "avail", num);
        for (int k = 0; k < num; k++) {
            q.avail[k] = u16(av.get(k), "state.avail");
        }
        q.availIdx = intIn(s, "availIdx", 0, 0xffff);
        q.lastAvail = intIn(s, "lastAvail", 0, 0xffff);
        q.cachedAvail = intIn(s, "cachedAvail", 0, 0xffff);
        q.fetchedAt = intIn(s, "fetchedAt", 0, 0xffff);
        JsonNode w = s.get("walk");
        if (w == null || !w.isObject()) {
            throw new BadTraceException("state.walk: expected an object");
        }
        String ph = w.path("phase").asText();
        q.phase = List.of(PHASES).indexOf(ph);
        if (q.phase < 0) {
            throw new BadTraceException("state.walk.phase: expected idle, desc or ind, not '" + JsonProblem.cut(ph) + "'");
        }
        q.wi = intIn(w, "i", 0, 0xffff);
        q.found = intIn(w, "found", 0, MAX_QUEUE + 1);
        q.ifound = intIn(w, "ifound", 0, Integer.MAX_VALUE);
        q.count = intIn(w, "count", 0, Integer.MAX_VALUE);
        q.pos = intIn(w, "pos", 0, Integer.MAX_VALUE);
        JsonNode out = desc(w.get("outer"), "state.walk.outer");
        q.outerAddr = Hex.parse(out.get("addr"), "state.walk.outer.addr");
        q.outerLen = u32(out.get("len"), "state.walk.outer.len");
        q.outerFlags = intIn(out, "flags", 0, 0xffff);
        q.outerNext = intIn(out, "next", 0, 0xffff);
        q.chain = chain(w.get("buf"), "state.walk.buf");
        q.ret = intIn(s, "ret", Integer.MIN_VALUE, Integer.MAX_VALUE);
        JsonNode inf = array(s, "inflight");
        q.inflight = new Chain[Math.max(4, inf.size())];
        for (int k = 0; k < inf.size(); k++) {
            q.inflight[k] = chain(inf.get(k), "state.inflight");
        }
        q.nInflight = inf.size();
        q.lastUsed = intIn(s, "lastUsed", 0, 0xffff);
        q.usedIdx = intIn(s, "usedIdx", 0, 0xffff);
        JsonNode us = sized(s, "used", num);
        for (int k = 0; k < num; k++) {
            q.used[k] = u16(us.get(k), "state.used");
        }
        if (bool(s, "usedLost")) {
            throw new BadTraceException("state.usedLost: a used entry past the ring, which only a broken model writes");
        }
        for (JsonNode h : array(s, "done")) {
            done.add(u16(h, "state.done"));
        }
        q.wrotePerms = 0;
        for (JsonNode p : array(s, "wrote")) {
            q.wrotePerms |= 1 << u16(p, "state.wrote") % 4;
        }
        guestWrites = intIn(s, "guestWrites", 0, Integer.MAX_VALUE);
        JsonNode cp = s.get("copy");
        if (cp == null || !cp.isObject()) {
            throw new BadTraceException("state.copy: expected an object");
        }
        String k = cp.path("kind").asText();
        if (!k.equals("none") && !KINDS.contains(k)) {
            throw new BadTraceException("state.copy.kind: expected none or one of " + KINDS);
        }
        copyKind = k;
        copyAddr = Hex.parse(cp.get("addr"), "state.copy.addr");
        copyLen = Hex.parse(cp.get("len"), "state.copy.len");
        copyMoved = Hex.parse(cp.get("moved"), "state.copy.moved");
        copyRet = intIn(cp, "ret", Integer.MIN_VALUE, Integer.MAX_VALUE);
        q.moved = copyMoved;
    }

    private static JsonNode sized(JsonNode s, String f, int n) {
        JsonNode v = array(s, f);
        if (v.size() != n) {
            throw new BadTraceException("state." + f + ": " + v.size() + " entries, expected " + n);
        }
        return v;
    }

    private static int u16(JsonNode v, String what) {
        if (v == null || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() > 0xffff) {
            throw new BadTraceException(what + ": expected a u16");
        }
        return v.asInt();
    }

    private Chain chain(JsonNode b, String what) {
        if (b == null || !b.isObject()) {
            throw new BadTraceException(what + ": expected a buffer");
        }
        for (String flag : List.of("oob", "nested", "oddInd")) {
            if (bool(b, flag)) {
                throw new BadTraceException(what + "." + flag + " is true, which only a broken model reaches");
            }
        }
        Chain c = new Chain(intIn(b, "head", 0, 0xffff), iovSize);
        JsonNode iov = array(b, "iov");
        if (iov.size() > iovSize) {
            throw new BadTraceException(what + ".iov: " + iov.size() + " entries, more than IovSize " + iovSize);
        }
        Iotlb t = q.maps;
        for (int k = 0; k < iov.size(); k++) {
            JsonNode g = iov.get(k);
            c.iova[k] = Hex.parse(g.get("iova"), what + ".iov.iova");
            c.hva[k] = Hex.parse(g.get("hva"), what + ".iov.hva");
            c.len[k] = Hex.parse(g.get("len"), what + ".iov.len");
            c.access[k] = intIn(g, "access", VirtQueue.RO, VirtQueue.WO);
            c.map[k] = t.first(Iotlb.flip(c.iova[k]), Iotlb.flip(c.iova[k]));
            if (c.map[k] < 0) {
                throw new BadTraceException(what + ".iov.iova: " + Hex.of(c.iova[k]) + " lies in no map");
            }
        }
        c.n = iov.size();
        c.outNum = intIn(b, "outNum", 0, iovSize);
        c.inNum = intIn(b, "inNum", 0, iovSize);
        JsonNode log = array(b, "log");
        if (log.size() > iovSize) {
            throw new BadTraceException(what + ".log: " + log.size() + " entries, more than IovSize " + iovSize);
        }
        for (int k = 0; k < log.size(); k++) {
            c.logAddr[k] = Hex.parse(log.get(k).get("addr"), what + ".log.addr");
            c.logLen[k] = Hex.parse(log.get(k).get("len"), what + ".log.len");
        }
        c.logNum = log.size();
        return c;
    }
}
