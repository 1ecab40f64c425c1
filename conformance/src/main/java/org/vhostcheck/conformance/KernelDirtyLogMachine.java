package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.vhostcheck.conformance.DirtyLogMachine.Iv;
import org.vhostcheck.conformance.DirtyLogMachine.LogW;
import org.vhostcheck.conformance.kernel.KernelProcess;

import static org.vhostcheck.conformance.Fields.array;
import static org.vhostcheck.conformance.Fields.bool;
import static org.vhostcheck.conformance.Fields.intConst;

/**
 * spec/DirtyLog.tla through the real kernel (conformance/kernel/parts/dirtylog): every action is one
 * request carrying the pre-state; the harness builds a vhost-net device in that state, runs the
 * kernel's ioctl or logging path, and answers with the device's post-state, the access_ok checks
 * log_access_ok made, and each log_write call with the bits it set in the simulated log memory.
 * <ul>
 * <li>umem, logBase, logAll, active, logUsed, logAddr, iotlb, ret: read back from the device.</li>
 * <li>validated: the spec's bookkeeping (a new log base starts a new log; a failed call changes
 * nothing) over the byte ranges the kernel's log_access_ok passed to access_ok and had accepted.</li>
 * <li>marked / logWritten: the guest pages and log bytes of the bits each log_write call set;
 * dirty: the guest pages of each log_write call's range (what the device wrote, as the kernel
 * hands it to the log). log_write_hva's later passes only repeat parts of its first pass: as in
 * {@link DirtyLogMachine}, they add only what the first pass did not cover.</li>
 * </ul>
 * The guard constants are not consulted: the kernel is what it is. UsedSize fixes vq->num and
 * VIRTIO_RING_F_EVENT_IDX (4 + 8 num + 2 event bytes, as vhost_get_used_size computes it).
 */
final class KernelDirtyLogMachine implements Machine {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> CONFIG = Set.of("SetMemTable", "SetLogBase", "SetFeatures", "SetVringAddr", "SetBackend");
    private static final Set<String> HVA = Set.of("DeviceWriteHva", "UsedWriteHva");

    private final KernelProcess kernel;
    private final int num;
    private final boolean eventIdx;
    private ObjectNode s;

    KernelDirtyLogMachine(JsonNode c, KernelProcess kernel) {
        this.kernel = kernel;
        int used = intConst(c, "UsedSize");
        if (used >= 6 && (used - 6) % 8 == 0) {
            num = (used - 6) / 8;
            eventIdx = true;
        } else if (used >= 4 && (used - 4) % 8 == 0) {
            num = (used - 4) / 8;
            eventIdx = false;
        } else {
            throw new BadTraceException("header: constants.UsedSize " + used + " is no used ring size (4 + 8 num [+ 2])");
        }
        init(null);
    }

    @Override
    public List<String> actions() {
        return DirtyLogMachine.ACTIONS;
    }

    @Override
    public Set<String> setFields() {
        return DirtyLogMachine.SET_FIELDS;
    }

    @Override
    public void init(JsonNode params) {
        s = F.objectNode();
        s.putArray("umem");
        s.put("logBase", Hex.of(0));
        s.put("logAll", false);
        s.put("active", false);
        s.put("logUsed", false);
        s.put("logAddr", Hex.of(0));
        s.put("iotlb", false);
        s.putArray("validated");
        s.putArray("logWritten");
        s.putArray("marked");
        s.putArray("dirty");
        s.put("ret", 0);
    }

    @Override
    public void restore(JsonNode state) {
        for (String f : List.of("umem", "validated", "logWritten", "marked", "dirty")) {
            array(state, f);
        }
        for (String f : List.of("logAll", "active", "logUsed", "iotlb")) {
            bool(state, f);
        }
        Hex.parse(state.get("logBase"), "state.logBase");
        Hex.parse(state.get("logAddr"), "state.logAddr");
        s = (ObjectNode) Replayer.canonical(state.deepCopy(), setFields());
    }

    @Override
    public ObjectNode state() {
        return s.deepCopy();
    }

    @Override
    public void apply(String action, JsonNode p) {
        boolean active = s.get("active").booleanValue();
        boolean iotlb = s.get("iotlb").booleanValue();
        boolean logUsed = s.get("logUsed").booleanValue();
        boolean logAll = s.get("logAll").booleanValue();
        // when the device runs a logging path at all: the spec's enabling conditions
        switch (action) {
            case "DeviceWrite" -> require(active && !iotlb, "DeviceWrite needs an active vq without a device IOTLB");
            case "UsedWrite" -> require(active && logUsed && !iotlb, "UsedWrite needs an active vq with log_used and no device IOTLB");
            case "DeviceWriteHva" -> require(active && iotlb && logAll, "DeviceWriteHva needs an active vq with a device IOTLB and LOG_ALL");
            case "UsedWriteHva" -> require(active && iotlb && logUsed, "UsedWriteHva needs an active vq with a device IOTLB and log_used");
            default -> {
                if (!CONFIG.contains(action)) {
                    throw new ReplayException("unknown action '" + action + "'");
                }
            }
        }
        ObjectNode req = F.objectNode();
        req.put("op", action);
        req.put("num", num);
        req.put("eventIdx", eventIdx);
        ObjectNode pre = req.putObject("state");
        for (String f : List.of("umem", "logBase", "logAll", "active", "logUsed", "logAddr", "iotlb")) {
            pre.set(f, s.get(f));
        }
        p.fields().forEachRemaining(e -> req.set(e.getKey(), e.getValue()));
        ObjectNode resp = kernel.call(req);

        int ret = resp.path("ret").intValue();
        JsonNode post = resp.get("state");
        ObjectNode n = F.objectNode();
        ArrayNode um = n.putArray("umem");
        for (JsonNode m : array(post, "umem")) {
            ObjectNode x = um.addObject();
            x.set("start", m.get("start"));
            x.set("size", m.get("size"));
            x.set("addr", m.get("addr"));
        }
        for (String f : List.of("logBase", "logAll", "active", "logUsed", "logAddr", "iotlb")) {
            n.set(f, post.get(f));
        }

        // validated: the spec's bookkeeping over the kernel's accepted log_access_ok checks
        Set<Iv> validated = ivs(s, "validated");
        if (CONFIG.contains(action) && ret == 0) {
            if (action.equals("SetLogBase")) {
                validated = new LinkedHashSet<>();
            }
            for (JsonNode c : resp.get("checked")) {
                long a = Hex.parse(c.get("addr"), "checked.addr");
                long sz = Hex.parse(c.get("size"), "checked.size");
                if (c.get("ok").booleanValue() && sz != 0) {
                    validated.add(new Iv(a, a + sz - 1));
                }
            }
        }

        // the device step: every log_write call and the bits it set
        Set<LogW> logWritten = new LinkedHashSet<>();
        Set<Iv> marked = new LinkedHashSet<>();
        Set<Iv> dirty = new LinkedHashSet<>();
        for (JsonNode l : resp.get("logs")) {
            long base = Hex.parse(l.get("base"), "logs.base");
            long addr = Hex.parse(l.get("addr"), "logs.addr");
            long len = Hex.parse(l.get("len"), "logs.len");
            if (len == 0) {
                continue; // log_write: if (!write_length) return 0;
            }
            boolean first = !HVA.contains(action) || l.get("first").booleanValue();
            Iv d = new Iv(addr >>> 12, (addr + len - 1) >>> 12);
            if (first || !DirtyLogMachine.covered(d.lo(), d.hi(), dirty)) {
                dirty.add(d);
            }
            for (Bits b : bits(base, l.get("runs"))) {
                Iv m = new Iv(b.loPage, b.hiPage);
                if (first || !DirtyLogMachine.covered(m.lo(), m.hi(), marked)) {
                    marked.add(m);
                }
                LogW w = new LogW(b.loByte, b.hiByte, Long.compareUnsigned(b.hiByte, base) < 0);
                boolean seen = false;
                for (LogW x : logWritten) {
                    seen |= x.wrapped() == w.wrapped() && Long.compareUnsigned(x.lo(), w.lo()) <= 0
                            && Long.compareUnsigned(w.hi(), x.hi()) <= 0;
                }
                if (first || !seen) {
                    logWritten.add(w);
                }
            }
        }
        DirtyLogMachine.putIvs(n.putArray("validated"), validated);
        DirtyLogMachine.putLogWritten(n.putArray("logWritten"), logWritten);
        DirtyLogMachine.putIvs(n.putArray("marked"), marked);
        DirtyLogMachine.putIvs(n.putArray("dirty"), dirty);
        n.put("ret", ret);
        // sets in one order: the next request is a function of the state alone (Conformance.simsRepeatGraph)
        s = (ObjectNode) Replayer.canonical(n, setFields());
    }

    /** A run of consecutive guest pages whose log bits one log_write call set, and their log bytes. */
    private record Bits(long loPage, long hiPage, long loByte, long hiByte) {
    }

    /**
     * The harness's runs of set bits (address order) as guest pages, page = (byte - base) * 8 + bit
     * (u64: a log byte that wrapped below the base still names its page), merged where pages follow
     * on: one log_write call gives one interval unless its bits have a gap.
     */
    private static List<Bits> bits(long base, JsonNode runs) {
        List<Bits> rs = new ArrayList<>();
        for (JsonNode r : runs) {
            long lb = Hex.parse(r.get("loByte"), "runs.loByte");
            long hb = Hex.parse(r.get("hiByte"), "runs.hiByte");
            rs.add(new Bits((lb - base) * 8 + r.get("loBit").intValue(), (hb - base) * 8 + r.get("hiBit").intValue(), lb, hb));
        }
        rs.sort(Comparator.comparing(Bits::loPage, Long::compareUnsigned));
        List<Bits> out = new ArrayList<>();
        for (Bits b : rs) {
            Bits last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && b.loPage == last.hiPage + 1) {
                out.set(out.size() - 1, new Bits(last.loPage, b.hiPage, last.loByte, b.hiByte));
            } else {
                out.add(b);
            }
        }
        return out;
    }

    private static void require(boolean ok, String why) {
        if (!ok) {
            throw new ReplayException(why);
        }
    }

    private static Set<Iv> ivs(JsonNode st, String f) {
        Set<Iv> out = new LinkedHashSet<>();
        for (JsonNode v : array(st, f)) {
            out.add(new Iv(Hex.parse(v.get("lo"), "state." + f + ".lo"), Hex.parse(v.get("hi"), "state." + f + ".hi")));
        }
        return out;
    }
}
