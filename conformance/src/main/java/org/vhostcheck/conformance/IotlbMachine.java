package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.vhostcheck.ref.U64;

import static org.vhostcheck.conformance.Fields.array;
import static org.vhostcheck.conformance.Fields.bool;
import static org.vhostcheck.conformance.Fields.boolConst;
import static org.vhostcheck.conformance.Fields.intConst;
import static org.vhostcheck.conformance.Fields.integer;

/**
 * spec/Iotlb.tla in Java: the vhost IOTLB (linux 6.12 drivers/vhost/iotlb.c) and the three walks
 * over it (translate_desc, iotlb_access_ok, vringh's iotlb_translate), one method per action, the
 * same state. Unsigned comparisons go through the KeY-proven {@link U64}; u64 add and subtract are
 * Java's two's-complement ones, which wrap exactly as C's u64 does. Guards come from the trace
 * header's constants.
 */
final class IotlbMachine implements Machine {
    static final int EPERM = -1;
    static final int EAGAIN = -11;
    static final int ENOMEM = -12;
    static final int EFAULT = -14;
    static final int EINVAL = -22;
    static final int ENOSPC = -28;
    static final int ENOBUFS = -105;
    static final int RO = 1;
    static final int WO = 2;
    static final int RW = 3;
    private static final long TASK_SIZE_MAX = 0x7ffffffff000L;
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

    // constants
    private final boolean iotlbMode;
    private final int limit;
    private final boolean retire;
    private final int iovSize;
    private final boolean lastChecked;
    private final boolean fullRangeSplit;
    private final boolean permChecked;
    private final boolean umemChecked;

    // state, as in the spec
    private List<IMap> maps;
    private int ret;
    private Req req;
    private List<Seg> segs;
    private long translated;
    private boolean spun;

    IotlbMachine(JsonNode c) {
        JsonNode mode = c.get("Mode");
        if (mode == null || !(mode.asText().equals("iotlb") || mode.asText().equals("umem"))) {
            throw new BadTraceException("header: constants.Mode must be \"iotlb\" or \"umem\"");
        }
        iotlbMode = mode.asText().equals("iotlb");
        limit = intConst(c, "Limit");
        retire = boolConst(c, "Retire");
        iovSize = intConst(c, "IovSize");
        lastChecked = boolConst(c, "LastChecked");
        fullRangeSplit = boolConst(c, "FullRangeSplit");
        permChecked = boolConst(c, "PermChecked");
        umemChecked = boolConst(c, "UmemChecked");
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
                    Hex.parse(p.get("uaddr"), "params.uaddr"), (int) integer(p, "perm"));
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
                        (int) integer(p, "access"));
            }
            default -> throw new ReplayException("unknown action '" + action + "'");
        }
    }

    // ---- actions ----

    /** linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_UPDATE. */
    void Update(long iova, long size, long uaddr, int perm) {
        requireMode(true, "Update");
        if (umemChecked && !umemAccessOk(uaddr, size, perm)) {
            setTable(maps, EFAULT);
            return;
        }
        Added r = addRange(maps, iova, iova + size - 1, uaddr, perm);
        setTable(r.maps(), r.ret() == 0 ? 0 : ENOMEM);
    }

    /** linux 6.12 drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_INVALIDATE. */
    void Invalidate(long iova, long size) {
        requireMode(true, "Invalidate");
        long last = iova + size - 1;
        List<IMap> kept = new ArrayList<>();
        for (IMap m : maps) {
            if (!overlaps(m, iova, last)) {
                kept.add(m);
            }
        }
        setTable(kept, 0);
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

    /** One walk: translate_desc, iotlb_access_ok or iotlb_translate. */
    void Translate(String kind, long addr, long len, int access) {
        if (!iotlbMode && !kind.equals("translate_desc")) {
            throw new ReplayException("Translate: " + kind + " does not run over a memory table");
        }
        boolean accessOk = kind.equals("iotlb_access_ok");
        long last = addr + len - 1;
        long s = 0;
        long a = addr;
        List<Seg> sg = new ArrayList<>();
        Set<List<Long>> seen = new HashSet<>();
        int r;
        boolean sp = false;
        while (true) {
            if (!U64.lt(s, len)) {
                r = accessOk ? 1 : sg.size();
                break;
            }
            if (accessOk && !seen.add(List.of(a, s))) {
                r = 0;
                sp = true;
                break;
            }
            if (!accessOk && sg.size() >= iovSize) {
                r = ENOBUFS;
                break;
            }
            IMap m = first(maps, a, last);
            if (m == null || U64.lt(a, m.start())) {
                r = missErr(kind);
                break;
            }
            if (permChecked && !grants(m.perm(), access)) {
                r = accessOk ? 0 : EPERM;
                break;
            }
            long size = m.size() - a + m.start();
            long rest = len - s;
            sg.add(new Seg(a, m.addr() + (a - m.start()), U64.lt(rest, size) ? rest : size));
            s += size;
            a += size;
        }
        ret = r;
        req = new Req(kind, addr, len, access);
        segs = sg;
        translated = kind.equals("iotlb_translate") ? (U64.lt(len, s) ? len : s) : 0;
        spun = sp;
    }

    // ---- the kernel's functions ----

    /** linux 6.12 drivers/vhost/iotlb.c vhost_iotlb_add_range_ctx. */
    private Added addRange(List<IMap> t, long start, long last, long addr, int perm) {
        if (lastChecked && U64.lt(last, start)) {
            return new Added(EFAULT, t);
        }
        if (limit == 0) {
            return new Added(EINVAL, t);
        }
        if (fullRangeSplit && start == 0 && last == -1L) {
            long mid = Long.MAX_VALUE; // u64 last / 2
            if (limit < 2 || (!retire && t.size() > limit - 2)) {
                return new Added(ENOSPC, t);
            }
            Added lo = insert(t, map(0, mid, addr, perm));
            if (lo.ret() != 0) {
                return lo;
            }
            return insert(lo.maps(), map(mid + 1, last, addr + mid + 1, perm));
        }
        return insert(t, map(start, last, addr, perm));
    }

    private Added insert(List<IMap> t, IMap m) {
        List<IMap> out = new ArrayList<>(t);
        if (t.size() >= limit) {
            if (!retire) {
                return new Added(ENOSPC, t);
            }
            out.remove(0); // list_first_entry: the oldest map
        }
        out.add(m);
        return new Added(0, out);
    }

    private static IMap map(long start, long last, long addr, int perm) {
        return new IMap(start, last, last - start + 1, addr, perm);
    }

    /** interval_tree_generic.h: a0 <= b1 && b0 <= a1. */
    private static boolean overlaps(IMap m, long start, long last) {
        return U64.le(m.start(), last) && U64.le(start, m.last());
    }

    /** vhost_iotlb_itree_first: smallest start, and among equal starts the oldest. */
    private static IMap first(List<IMap> t, long start, long last) {
        IMap best = null;
        for (IMap m : t) {
            if (overlaps(m, start, last) && (best == null || U64.lt(m.start(), best.start()))) {
                best = m;
            }
        }
        return best;
    }

    /** linux 6.12 drivers/vhost/vhost.c umem_access_ok. */
    private static boolean umemAccessOk(long uaddr, long size, int perm) {
        boolean overflow = size != 0 && U64.lt(-1L - size + 1, uaddr);
        boolean ok = !U64.addOverflows(uaddr, size) && U64.le(uaddr + size, TASK_SIZE_MAX);
        return !overflow && (!grants(perm, RO) || ok) && (!grants(perm, WO) || ok);
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

    private void requireMode(boolean iotlb, String action) {
        if (iotlb != iotlbMode) {
            throw new ReplayException(action + " is not an action of a " + (iotlbMode ? "device IOTLB" : "memory table") + " model");
        }
    }

    private void setTable(List<IMap> t, int r) {
        maps = t;
        ret = r;
        req = NO_REQ;
        segs = new ArrayList<>();
        translated = 0;
        spun = false;
    }

    // ---- trace encoding ----

    @Override
    public ObjectNode state() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode ms = o.putArray("maps");
        for (IMap m : maps) {
            ObjectNode x = ms.addObject();
            x.put("start", Hex.of(m.start()));
            x.put("last", Hex.of(m.last()));
            x.put("size", Hex.of(m.size()));
            x.put("addr", Hex.of(m.addr()));
            x.put("perm", m.perm());
        }
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
                    (int) integer(m, "perm")));
        }
        maps = t;
        ret = (int) integer(s, "ret");
        JsonNode q = s.get("req");
        if (q == null || !q.isObject() || q.get("kind") == null) {
            throw new BadTraceException("state.req: expected an object with a kind");
        }
        req = new Req(q.get("kind").asText(), Hex.parse(q.get("addr"), "state.req.addr"), Hex.parse(q.get("len"), "state.req.len"),
                (int) integer(q, "access"));
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
