package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.vhostcheck.conformance.kernel.KernelProcess;

import static org.vhostcheck.conformance.Fields.intIn;

/**
 * spec/VirtQueue.tla through the real kernel: the harness part "ring" (conformance/kernel/parts/ring)
 * runs linux's vhost_get_vq_desc, get_indirect, next_desc, translate_desc, vhost_add_used_n and
 * vringh's IOTLB accessors over the real device IOTLB. The spec state stays here in its trace
 * encoding; the guest's actions (WriteDesc, WriteInd, WriteAvail, PublishAvail) are guest memory
 * writes done here; every device step sends the state before it (stateless: graph edges start
 * anywhere) and takes from the answer what the kernel did.
 *
 * One spec step is one loop iteration of the kernel's walk (ring.c, top of file, says how a call
 * is cut into iterations): GetHead = the call up to its first descriptor read; WalkDesc /
 * WalkIndirect = the spec's earlier iterations replayed with descriptors that add nothing, then
 * one iteration on the request's guest memory, stopped where the next would begin.
 *
 * What is not the kernel's: the spec's history variables (guestWrites, done, fetchedAt is set
 * when the kernel was seen reading avail->idx), an iov entry's iova and access (the kernel keeps
 * a user address and counts: the iova is the one the map of that address gives, the access is
 * RO for the first out_num entries), walk.count (the bytes get_indirect hands its iterator / 16),
 * and AddUsedN's wrote (the device writes the buffers, not vhost_add_used_n: the perms of the
 * maps of the completed buffers' writable entries, as the spec has it).
 */
final class KernelVirtQueueMachine implements Machine {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final KernelProcess kernel;
    private final VirtQueueMachine check;   // validates constants and restored states as the Java replay does
    private final int num;
    private final int iovSize;
    private final int indCap;
    private final int maxBatch;
    private final boolean logging;
    private final String indAddr;
    private final ArrayNode maps = F.arrayNode();
    private final long[][] mapRows;
    private ObjectNode s;

    KernelVirtQueueMachine(JsonNode c, KernelProcess kernel) {
        this.kernel = kernel;
        this.check = new VirtQueueMachine(c, true);
        num = c.get("QueueSize").asInt();
        iovSize = c.get("IovSize").asInt();
        indCap = c.get("IndCap").asInt();
        maxBatch = c.get("MaxBatch").asInt();
        logging = c.get("Logging").asBoolean();
        indAddr = c.get("IndAddr").asText();
        JsonNode ms = c.get("Maps");
        mapRows = new long[ms.size()][];
        for (int k = 0; k < ms.size(); k++) {
            JsonNode m = ms.get(k);
            ObjectNode o = maps.addObject();
            o.set("start", m.get("start"));
            o.set("last", m.get("last"));
            o.set("addr", m.get("addr"));
            o.put("perm", m.get("perm").asInt());
            mapRows[k] = new long[] {Hex.parse(m.get("start"), "Maps.start"), Hex.parse(m.get("last"), "Maps.last"),
                m.get("perm").asInt()};
        }
        init(null);
    }

    @Override
    public List<String> actions() {
        return check.actions();
    }

    @Override
    public Set<String> setFields() {
        return check.setFields();
    }

    @Override
    public void init(JsonNode params) {
        check.init(null);
        s = check.state();
    }

    @Override
    public void restore(JsonNode state) {
        check.restore(state);   // a state only a broken model reaches is a bad trace line, as in the Java replay
        s = (ObjectNode) Replayer.canonical(state.deepCopy(), setFields());
    }

    @Override
    public ObjectNode state() {
        return s.deepCopy();
    }

    private static ObjectNode zeroDesc() {
        ObjectNode d = F.objectNode();
        d.put("addr", "0x0");
        d.put("len", "0x0");
        d.put("flags", 0);
        d.put("next", 0);
        return d;
    }

    private static ObjectNode noBuf() {
        ObjectNode b = F.objectNode();
        b.put("head", 0);
        b.putArray("iov");
        b.put("outNum", 0);
        b.put("inNum", 0);
        b.putArray("log");
        b.put("oob", false);
        b.put("nested", false);
        b.put("oddInd", false);
        return b;
    }

    private static ObjectNode idle() {
        ObjectNode w = F.objectNode();
        w.put("phase", "idle");
        w.put("i", 0);
        w.put("found", 0);
        w.put("ifound", 0);
        w.put("count", 0);
        w.put("pos", 0);
        w.set("outer", zeroDesc());
        w.set("buf", noBuf());
        return w;
    }

    private void noCopy() {
        ObjectNode c = F.objectNode();
        c.put("kind", "none");
        c.put("addr", "0x0");
        c.put("len", "0x0");
        c.put("moved", "0x0");
        c.put("ret", 0);
        s.set("copy", c);
    }

    private void guest() {
        s.put("guestWrites", s.get("guestWrites").asInt() + 1);
        s.putArray("wrote");
        noCopy();
    }

    private static ObjectNode descParam(JsonNode p) {
        JsonNode d = p.get("desc");
        if (d == null || !d.isObject()) {
            throw new BadTraceException("params.desc: expected a descriptor {addr, len, flags, next}");
        }
        ObjectNode o = F.objectNode();
        o.put("addr", Hex.of(Hex.parse(d.get("addr"), "params.desc.addr")));
        long len = Hex.parse(d.get("len"), "params.desc.len");
        if (len < 0 || len > 0xffffffffL) {
            throw new BadTraceException("params.desc.len: " + Hex.of(len) + " is not a u32");
        }
        o.put("len", Hex.of(len));
        o.put("flags", intIn(d, "flags", 0, 0xffff));
        o.put("next", intIn(d, "next", 0, 0xffff));
        return o;
    }

    private String phase() {
        return s.get("walk").get("phase").asText();
    }

    private void phase(String want, String action) {
        if (!phase().equals(want)) {
            throw new ReplayException(action + " is not enabled: the walk is " + phase());
        }
    }

    @Override
    public void apply(String action, JsonNode p) {
        switch (action) {
            case "WriteDesc" -> {
                ObjectNode d = descParam(p);
                ((ArrayNode) s.get("desc")).set(intIn(p, "slot", 0, num - 1), d);
                guest();
            }
            case "WriteInd" -> {
                ObjectNode d = descParam(p);
                ((ArrayNode) s.get("ind")).set(intIn(p, "slot", 0, indCap - 1), d);
                guest();
            }
            case "WriteAvail" -> {
                ((ArrayNode) s.get("avail")).set(intIn(p, "slot", 0, num - 1), F.numberNode(intIn(p, "head", 0, 0xffff)));
                guest();
            }
            case "PublishAvail" -> {
                s.put("availIdx", (s.get("lastAvail").asInt() + intIn(p, "delta", 0, 0xffff)) & 0xffff);
                guest();
            }
            case "GetHead" -> {
                phase("idle", action);
                getHead(kernel.call(walkRequest("head")));
            }
            case "WalkDesc" -> {
                phase("desc", action);
                walkStep(kernel.call(walkRequest("desc")));
            }
            case "WalkIndirect" -> {
                phase("ind", action);
                walkStep(kernel.call(walkRequest("ind")));
            }
            case "AddUsedN" -> addUsedN(intIn(p, "n", 1, maxBatch));
            case "U16Access", "Copy" -> vringh(action, p);
            default -> throw new ReplayException("unknown action '" + action + "'");
        }
        s = (ObjectNode) Replayer.canonical(s, setFields());   // the next request depends on the state, not on an order
    }

    private ObjectNode walkRequest(String step) {
        ObjectNode r = F.objectNode();
        r.put("op", "walk");
        r.put("step", step);
        r.put("num", num);
        r.put("iov_size", iovSize);
        r.put("logging", logging);
        r.set("maps", maps);
        r.put("ind_addr", indAddr);
        r.set("ind", s.get("ind"));
        r.set("desc", s.get("desc"));
        r.set("avail", s.get("avail"));
        r.put("avail_idx", s.get("availIdx").asInt());
        r.put("last_avail", s.get("lastAvail").asInt());
        r.put("cached_avail", s.get("cachedAvail").asInt());
        JsonNode w = s.get("walk");
        JsonNode b = w.get("buf");
        r.put("head", b.get("head").asInt());
        r.put("i", w.get("i").asInt());
        r.put("found", w.get("found").asInt());
        r.put("ifound", w.get("ifound").asInt());
        r.set("outer", w.get("outer"));
        ArrayNode iov = r.putArray("iov");
        for (JsonNode g : b.get("iov")) {
            ObjectNode e = iov.addObject();
            e.set("hva", g.get("hva"));
            e.set("len", g.get("len"));
        }
        r.put("out_num", b.get("outNum").asInt());
        r.put("in_num", b.get("inNum").asInt());
        r.set("log", b.get("log"));
        return r;
    }

    private void device() {
        s.putArray("wrote");
        noCopy();
    }

    private void getHead(ObjectNode a) {
        String ev = a.get("event").asText();
        int ret = a.get("ret").asInt();
        int head = a.get("head").asInt();
        s.put("cachedAvail", a.get("cached_avail").asInt());
        if (a.get("idx_read").asBoolean() && (ev.equals("desc_read") || head >= 0)) {
            // vhost_get_avail_idx read avail->idx and the call went on to a head
            s.put("fetchedAt", s.get("lastAvail").asInt());
        }
        if (ev.equals("desc_read") || (head >= 0 && ev.equals("fail"))) {
            // the head read; its bound check (head >= num) is the spec's next WalkDesc (its i >= num check)
            ObjectNode w = idle();
            w.put("phase", "desc");
            w.put("i", ev.equals("desc_read") ? a.get("index").asInt() : head);
            ((ObjectNode) w.get("buf")).put("head", head);
            s.set("walk", w);
            s.put("ret", 0);
        } else if (ev.equals("empty")) {
            s.put("ret", ret);
        } else {
            s.set("walk", idle());
            s.put("ret", ret);
        }
        device();
    }

    private ObjectNode buf(ObjectNode a) {
        ObjectNode b = noBuf();
        b.put("head", s.get("walk").get("buf").get("head").asInt());
        b.set("iov", a.get("iov"));
        b.put("outNum", a.get("out_num").asInt());
        b.put("inNum", a.get("in_num").asInt());
        b.set("log", a.get("log"));
        return b;
    }

    private void walkStep(ObjectNode a) {
        String ev = a.get("event").asText();
        ObjectNode w = (ObjectNode) s.get("walk").deepCopy();
        s.put("cachedAvail", a.get("cached_avail").asInt());
        switch (ev) {
            case "next" -> {
                w.put("phase", "desc");
                w.put("i", a.get("next").asInt());
                w.put("found", a.get("main_reads").asInt());
                w.set("buf", buf(a));
                s.set("walk", w);
                s.put("ret", 0);
            }
            case "ind_start" -> {
                w.put("phase", "ind");
                w.put("found", a.get("main_reads").asInt());
                w.put("ifound", 0);
                w.put("count", a.get("ind_bytes").asInt() / 16);
                w.put("pos", 0);
                w.set("outer", a.get("outer"));
                w.set("buf", buf(a));
                s.set("walk", w);
                s.put("ret", 0);
            }
            case "ind_next" -> {
                w.put("ifound", a.get("inner_reads").asInt());
                w.put("pos", a.get("inner_reads").asInt());
                w.set("buf", buf(a));
                s.set("walk", w);
                s.put("ret", 0);
            }
            case "accept" -> {
                ((ArrayNode) s.get("inflight")).add(buf(a));
                s.set("walk", idle());
                s.put("ret", a.get("ret").asInt());
                s.put("lastAvail", a.get("last_avail").asInt());
            }
            case "fail" -> {
                s.set("walk", idle());
                s.put("ret", a.get("ret").asInt());
            }
            default -> throw new ReplayException("kernel harness: unexpected walk event '" + ev + "'");
        }
        device();
    }

    /** The map a user-visible IOVA lies in: the one vhost_iotlb_itree_first(iova, iova) gives (smallest start, oldest). */
    private int mapOf(long iova) {
        int best = -1;
        for (int k = 0; k < mapRows.length; k++) {
            if (Long.compareUnsigned(mapRows[k][0], iova) <= 0 && Long.compareUnsigned(iova, mapRows[k][1]) <= 0
                    && (best < 0 || Long.compareUnsigned(mapRows[k][0], mapRows[best][0]) < 0)) {
                best = k;
            }
        }
        return best;
    }

    private void addUsedN(int n) {
        phase("idle", "AddUsedN");
        ArrayNode inflight = (ArrayNode) s.get("inflight");
        if (n > inflight.size()) {
            throw new ReplayException("AddUsedN(" + n + ") is not enabled: " + inflight.size() + " buffers in flight");
        }
        ObjectNode r = F.objectNode();
        r.put("op", "add_used");
        r.put("num", num);
        r.set("maps", maps);
        r.set("used", s.get("used"));
        r.put("last_used", s.get("lastUsed").asInt());
        ArrayNode heads = r.putArray("heads");
        Set<Integer> perms = new TreeSet<>();
        for (int k = 0; k < n; k++) {
            JsonNode b = inflight.get(k);
            heads.add(b.get("head").asInt());
            for (JsonNode g : b.get("iov")) {
                if (g.get("access").asInt() == 2) {
                    int m = mapOf(Hex.parse(g.get("iova"), "iov.iova"));
                    if (m >= 0) {
                        perms.add((int) mapRows[m][2]);
                    }
                }
            }
        }
        ObjectNode a = kernel.call(r);
        s.put("lastUsed", a.get("last_used").asInt());
        s.put("usedIdx", a.get("used_idx").asInt());
        ArrayNode used = s.putArray("used");
        a.get("used").forEach(u -> used.add(u.asInt()));
        ArrayNode done = (ArrayNode) s.get("done");
        heads.forEach(h -> done.add(h.asInt()));
        for (int k = 0; k < n; k++) {
            inflight.remove(0);
        }
        s.put("ret", a.get("ret").asInt());
        noCopy();
        ArrayNode wr = s.putArray("wrote");
        perms.forEach(wr::add);
    }

    private void vringh(String action, JsonNode p) {
        JsonNode k = p.get("kind");
        List<String> kinds = action.equals("U16Access") ? List.of("getu16_iotlb", "putu16_iotlb")
                : List.of("xfer_from_iotlb", "xfer_to_iotlb", "copydesc_iotlb");
        if (k == null || !kinds.contains(k.asText())) {
            throw new BadTraceException("params.kind: expected one of " + kinds);
        }
        long addr = Hex.parse(p.get("addr"), "params.addr");
        ObjectNode r = F.objectNode();
        r.put("op", action.equals("U16Access") ? "u16" : "copy");
        r.put("kind", k.asText());
        r.put("addr", Hex.of(addr));
        r.set("maps", maps);
        long len = 2;
        if (action.equals("Copy")) {
            len = Hex.parse(p.get("len"), "params.len");
            r.put("len", Hex.of(len));
            r.put("short", intIn(p, "short", 0, 1));
        }
        ObjectNode a = kernel.call(r);
        ObjectNode c = F.objectNode();
        c.put("kind", k.asText());
        c.put("addr", Hex.of(addr));
        c.put("len", Hex.of(len));
        c.put("moved", Hex.of(Hex.parse(a.get("moved"), "moved")));
        c.put("ret", a.get("ret").asInt());
        s.set("copy", c);
        ArrayNode wr = s.putArray("wrote");
        a.get("wrote").forEach(x -> wr.add(x.asInt()));
    }
}
