package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.vhostcheck.ref.DirtyLog;
import org.vhostcheck.ref.Iotlb;
import org.vhostcheck.ref.U64;

import static org.vhostcheck.conformance.Fields.array;
import static org.vhostcheck.conformance.Fields.bool;
import static org.vhostcheck.conformance.Fields.boolConst;
import static org.vhostcheck.conformance.Fields.intConst;
import static org.vhostcheck.conformance.Fields.integer;
import static org.vhostcheck.ref.Iotlb.flip;

/**
 * spec/Iotlb.tla in Java: the vhost IOTLB (linux 6.12 drivers/vhost/iotlb.c) and the three walks
 * over it (translate_desc, iotlb_access_ok, vringh's iotlb_translate), one method per action, the
 * same state. The table and the translate_desc / iotlb_translate walks are {@link Iotlb} (KeY's contracts,
 * jml-verified/proofs.json says which close), which stores IOVAs flipped: the machine and its traces keep them
 * raw u64 and flip at each call ({@link #table}); umem_access_ok is built on the proven {@link DirtyLog#accessOk} and
 * {@link DirtyLog#vhostOverflow}; the walks run here on the proven {@link U64}, iotlb_access_ok's
 * unbounded one with the spec's repeat detection. The machine is today's kernel: a trace of a model
 * with a guard removed is refused (broken models are TLC's and the KeY twins' job).
 */
class IotlbMachine implements Machine {
    // the errnos and access bits of the proven model; ENOMEM is vhost_process_iotlb_msg's own
    static final int EAGAIN = Iotlb.EAGAIN;
    static final int ENOMEM = -12;
    static final int EFAULT = Iotlb.EFAULT;
    static final int EINVAL = Iotlb.EINVAL;
    static final int RO = Iotlb.ACCESS_RO;
    static final int WO = Iotlb.ACCESS_WO;
    static final int RW = RO | WO;
    /** The guards of spec/IotlbOps.tla and spec/Iotlb.tla; today's kernel has them all. */
    private static final List<String> GUARDS = List.of("LastChecked", "FullRangeSplit", "PermChecked", "LimitChecked",
            "LenClamped", "HvaOffsetAdded", "QueryToLast", "UmemChecked", "TranslatedClamped");
    /** Bounds on the constants that size the Java arrays: the kernel's default max_iotlb_entries is 2048, UIO_MAXIOV 1024. */
    static final int MAX_LIMIT = 1 << 16;
    static final int MAX_IOV = 1024;
    private static final List<String> KINDS = List.of("translate_desc", "iotlb_access_ok", "iotlb_translate");

    record IMap(long start, long last, long size, long addr, int perm) {
    }

    record Seg(long iova, long hva, long len) {
    }

    record Req(String kind, long addr, long len, int access) {
    }

    record Region(long gpa, long size, long uaddr) {
    }

    private record Added(int ret, List<IMap> maps) {
    }

    private static final Req NO_REQ = new Req("none", 0, 0, 0);

    // constants (package-visible: KernelIotlbMachine sends them to the kernel harness)
    final boolean iotlbMode;
    final int limit;
    final boolean retire;
    final int iovSize;

    // state, as in the spec (package-visible: KernelIotlbMachine sets it from the kernel's answers)
    List<IMap> maps;
    int ret;
    Req req;
    List<Seg> segs;
    long translated;
    boolean spun;

    IotlbMachine(JsonNode c) {
        this(c, false);
    }

    /**
     * kernelSide: the machine serves a kernel machine, whose behaviour is the kernel's code, not these guard
     * switches: a broken model's trace (a guard FALSE) is then taken, to be replayed through a kernel mutant or
     * patched kernel that should equal it (vhostcheck mutate, review --patches).
     */
    IotlbMachine(JsonNode c, boolean kernelSide) {
        JsonNode mode = c.get("Mode");
        if (mode == null || !(mode.asText().equals("iotlb") || mode.asText().equals("umem"))) {
            throw new BadTraceException("header: constants.Mode must be \"iotlb\" or \"umem\"");
        }
        iotlbMode = mode.asText().equals("iotlb");
        limit = intConst(c, "Limit", 0, MAX_LIMIT);
        retire = boolConst(c, "Retire");
        iovSize = intConst(c, "IovSize", 0, MAX_IOV);
        for (String guard : GUARDS) {
            if (!boolConst(c, guard) && !kernelSide) {
                throw new BadTraceException("header: constants." + guard + " is false: the Java IOTLB model is today's"
                        + " kernel, a model with a guard removed is not replayed");
            }
        }
        init(null);
    }

    @Override
    public List<String> actions() {
        return iotlbMode ? List.of("Update", "Invalidate", "Translate") : List.of("SetMemTable", "Translate");
    }

    @Override
    public void init(JsonNode params) {
        setTable(new ArrayList<>(), 0);
    }

    @Override
    public void apply(String action, JsonNode p) {
        switch (action) {
            case "Update" -> Update(Hex.parse(p.get("iova"), "params.iova"), Hex.parse(p.get("size"), "params.size"),
                    Hex.parse(p.get("uaddr"), "params.uaddr"), Fields.intIn(p, "perm", 0, RW));
            case "Invalidate" -> Invalidate(Hex.parse(p.get("iova"), "params.iova"), Hex.parse(p.get("size"), "params.size"));
            case "SetMemTable" -> {
                List<Region> t = new ArrayList<>();
                for (JsonNode r : array(p, "regions")) {
                    t.add(new Region(Hex.parse(r.get("gpa"), "regions.gpa"), Hex.parse(r.get("size"), "regions.size"),
                            Hex.parse(r.get("uaddr"), "regions.uaddr")));
                }
                SetMemTable(t);
            }
            case "Translate" -> {
                JsonNode k = p.get("kind");
                if (k == null || !KINDS.contains(k.asText())) {
                    throw new BadTraceException("params.kind: expected one of " + KINDS);
                }
                Translate(k.asText(), Hex.parse(p.get("addr"), "params.addr"), Hex.parse(p.get("len"), "params.len"),
                        Fields.intIn(p, "access", 0, RW));
            }
            default -> throw new ReplayException("unknown action '" + action + "'");
        }
    }

    // ---- actions ----

    /** linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_UPDATE. */
    void Update(long iova, long size, long uaddr, int perm) {
        requireMode(true, "Update");
        if (!umemAccessOk(uaddr, size, perm)) {
            setTable(maps, EFAULT);
            return;
        }
        Added r = addRange(maps, iova, iova + size - 1, uaddr, perm);
        setTable(r.maps(), r.ret() == 0 ? 0 : ENOMEM);
    }

    /** linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_INVALIDATE. */
    void Invalidate(long iova, long size) {
        requireMode(true, "Invalidate");
        Iotlb x = table(maps);
        x.delRange(flip(iova), flip(iova + size - 1));
        setTable(maps(x), 0);
    }

    /** linux 6.12 drivers/vhost/vhost.c vhost_set_memory. */
    void SetMemTable(List<Region> regions) {
        requireMode(false, "SetMemTable");
        List<IMap> t = new ArrayList<>();
        for (Region g : regions) {
            Added r = addRange(t, g.gpa(), g.gpa() + g.size() - 1, g.uaddr(), RW);
            if (r.ret() != 0) {
                setTable(maps, EFAULT);
                return;
            }
            t = r.maps();
        }
        setTable(t, 0);
    }

    /**
     * One walk. translate_desc and iotlb_translate are {@link Iotlb#translate}; iotlb_access_ok
     * (no iov bound, a bool result) runs here over {@link Iotlb#first}, with the spec's repeat
     * detection for the walk that never ends.
     */
    void Translate(String kind, long addr, long len, int access) {
        if (!iotlbMode && !kind.equals("translate_desc")) {
            throw new ReplayException("Translate: " + kind + " does not run over a memory table");
        }
        Iotlb x = table(maps);
        Walked w = kind.equals("iotlb_access_ok") ? accessOk(x, addr, len, access) : translate(x, kind, addr, len, access);
        ret = w.ret();
        req = new Req(kind, addr, len, access);
        segs = w.segs();
        // vringh iotlb_translate: *translated = min(len, s)
        translated = kind.equals("iotlb_translate") ? (U64.lt(len, w.s()) ? len : w.s()) : 0;
        spun = w.spun();
    }

    private record Walked(int ret, List<Seg> segs, long s, boolean spun) {
    }

    /**
     * linux 6.12 drivers/vhost/vhost.c translate_desc, drivers/vhost/vringh.c iotlb_translate. The segments
     * written are those with a non-zero length (a proven map is never the full range, so a size is never 0);
     * the walk's s is the sum of their maps' sizes last - iova + 1, as the loop added them (u64).
     */
    private Walked translate(Iotlb x, String kind, long addr, long len, int access) {
        long[] iova = new long[iovSize];
        long[] ilast = new long[iovSize];
        long[] hva = new long[iovSize];
        long[] sl = new long[iovSize];
        int[] mi = new int[iovSize];
        int r = x.translate(missErr(kind), flip(addr), flip(len), access, iovSize, iova, ilast, hva, sl, mi);
        List<Seg> sg = new ArrayList<>();
        long s = 0;
        for (int k = 0; k < iovSize && sl[k] != 0; k++) {
            long a = flip(iova[k]);
            sg.add(new Seg(a, hva[k], sl[k]));
            s += flip(x.last[mi[k]]) - a + 1;
        }
        return new Walked(r, sg, s, false);
    }

    /**
     * linux 6.12 drivers/vhost/vhost.c iotlb_access_ok: 1 when every byte is mapped with the access, else 0.
     * The segments are the spec's record of the walk (the kernel keeps none).
     */
    private static Walked accessOk(Iotlb x, long addr, long len, int access) {
        long last = addr + len - 1;
        long s = 0;
        long a = addr;
        List<Seg> sg = new ArrayList<>();
        Set<List<Long>> seen = new HashSet<>();
        while (U64.lt(s, len)) {
            if (!seen.add(List.of(a, s))) {
                return new Walked(0, sg, s, true);
            }
            int i = x.first(flip(a), flip(last));
            if (i < 0 || U64.lt(a, flip(x.start[i])) || !grants(x.perm[i], access)) {
                return new Walked(0, sg, s, false);
            }
            long start = flip(x.start[i]);
            long size = flip(x.last[i]) - a + 1;
            long rest = len - s;
            sg.add(new Seg(a, x.addr[i] + (a - start), U64.lt(rest, size) ? rest : size));
            s += size;
            a += size;
        }
        return new Walked(1, sg, s, false);
    }

    // ---- the kernel's functions ----

    /** linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx: the proven {@link Iotlb#addRange}. */
    private Added addRange(List<IMap> t, long start, long last, long addr, int perm) {
        Iotlb x = table(t);
        int r = x.addRange(flip(start), flip(last), addr, perm);
        return new Added(r, maps(x));
    }

    /** The proven table holding `t` (Limit slots, RETIRE as the model says), its IOVAs flipped; {@link #maps} unflips. */
    private Iotlb table(List<IMap> t) {
        if (t.size() > limit) {
            throw new BadTraceException("state.maps: " + t.size() + " maps, more than Limit " + limit);
        }
        Iotlb x = new Iotlb(limit, retire);
        for (int i = 0; i < t.size(); i++) {
            IMap m = t.get(i);
            x.start[i] = flip(m.start());
            x.last[i] = flip(m.last());
            x.addr[i] = m.addr();
            x.perm[i] = m.perm();
        }
        x.n = t.size();
        return x;
    }

    private List<IMap> maps(Iotlb x) {
        List<IMap> out = new ArrayList<>();
        for (int i = 0; i < x.n; i++) {
            out.add(map(flip(x.start[i]), flip(x.last[i]), x.addr[i], x.perm[i]));
        }
        return out;
    }

    private static IMap map(long start, long last, long addr, int perm) {
        return new IMap(start, last, last - start + 1, addr, perm);
    }

    /** linux 6.12 drivers/vhost/vhost.c umem_access_ok. */
    private static boolean umemAccessOk(long uaddr, long size, int perm) {
        boolean ok = DirtyLog.accessOk(uaddr, size);
        return !DirtyLog.vhostOverflow(uaddr, size) && (!grants(perm, RO) || ok) && (!grants(perm, WO) || ok);
    }

    private static boolean grants(int perm, int access) {
        return (perm & access) != 0;
    }

    private int missErr(String kind) {
        return switch (kind) {
            case "translate_desc" -> iotlbMode ? EAGAIN : EFAULT;
            case "iotlb_translate" -> EINVAL;
            default -> 0;
        };
    }

    void requireMode(boolean iotlb, String action) {
        if (iotlb != iotlbMode) {
            throw new ReplayException(action + " is not an action of a " + (iotlbMode ? "device IOTLB" : "memory table") + " model");
        }
    }

    void setTable(List<IMap> t, int r) {
        maps = t;
        ret = r;
        req = NO_REQ;
        segs = new ArrayList<>();
        translated = 0;
        spun = false;
    }

    // ---- trace encoding ----

    /** The maps in the trace encoding (start, last, size, addr, perm), in table order. */
    static void putMaps(ArrayNode out, List<IMap> maps) {
        for (IMap m : maps) {
            ObjectNode x = out.addObject();
            x.put("start", Hex.of(m.start()));
            x.put("last", Hex.of(m.last()));
            x.put("size", Hex.of(m.size()));
            x.put("addr", Hex.of(m.addr()));
            x.put("perm", m.perm());
        }
    }

    @Override
    public ObjectNode state() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        putMaps(o.putArray("maps"), maps);
        o.put("ret", ret);
        ObjectNode q = o.putObject("req");
        q.put("kind", req.kind());
        q.put("addr", Hex.of(req.addr()));
        q.put("len", Hex.of(req.len()));
        q.put("access", req.access());
        ArrayNode ss = o.putArray("segs");
        for (Seg g : segs) {
            ObjectNode x = ss.addObject();
            x.put("iova", Hex.of(g.iova()));
            x.put("hva", Hex.of(g.hva()));
            x.put("len", Hex.of(g.len()));
        }
        o.put("translated", Hex.of(translated));
        o.put("spun", spun);
        return o;
    }

    @Override
    public void restore(JsonNode s) {
        List<IMap> t = new ArrayList<>();
        for (JsonNode m : array(s, "maps")) {
            t.add(new IMap(Hex.parse(m.get("start"), "state.maps.start"), Hex.parse(m.get("last"), "state.maps.last"),
                    Hex.parse(m.get("size"), "state.maps.size"), Hex.parse(m.get("addr"), "state.maps.addr"),
                    Fields.intIn(m, "perm", 0, RW)));
        }
        maps = t;
        ret = Fields.intIn(s, "ret", Integer.MIN_VALUE, Integer.MAX_VALUE);
        JsonNode q = s.get("req");
        if (q == null || !q.isObject() || q.get("kind") == null) {
            throw new BadTraceException("state.req: expected an object with a kind");
        }
        req = new Req(q.get("kind").asText(), Hex.parse(q.get("addr"), "state.req.addr"), Hex.parse(q.get("len"), "state.req.len"),
                Fields.intIn(q, "access", 0, RW));
        List<Seg> sg = new ArrayList<>();
        for (JsonNode g : array(s, "segs")) {
            sg.add(new Seg(Hex.parse(g.get("iova"), "state.segs.iova"), Hex.parse(g.get("hva"), "state.segs.hva"),
                    Hex.parse(g.get("len"), "state.segs.len")));
        }
        segs = sg;
        translated = Hex.parse(s.get("translated"), "state.translated");
        spun = bool(s, "spun");
    }
}
