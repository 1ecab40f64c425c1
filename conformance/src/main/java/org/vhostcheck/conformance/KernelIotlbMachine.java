package org.vhostcheck.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.vhostcheck.conformance.kernel.KernelProcess;

/**
 * spec/Iotlb.tla through the kernel's own code: the harness part conformance/kernel/parts/iotlb runs
 * drivers/vhost/iotlb.c, vhost_process_iotlb_msg, vhost_set_memory, translate_desc, iotlb_access_ok
 * and vringh's iotlb_translate as extracted from a Debian kernel. The state, its trace encoding, the
 * parameter parsing and the enabling conditions are {@link IotlbMachine}'s; every value an action
 * computes (the table after it, ret, the segments, translated, spun) is the kernel's answer. Each
 * request carries the whole pre-state table, so a graph edge starting anywhere is one request.
 */
final class KernelIotlbMachine extends IotlbMachine {
    private final KernelProcess kernel;

    KernelIotlbMachine(JsonNode constants, KernelProcess kernel) {
        super(constants, true);
        this.kernel = kernel;
    }

    /** A request carrying the constants and the table the action starts from. */
    private ObjectNode request(String op) {
        ObjectNode q = JsonNodeFactory.instance.objectNode();
        q.put("op", op);
        q.put("mode", iotlbMode ? "iotlb" : "umem");
        q.put("limit", limit);
        q.put("retire", retire);
        putMaps(q.putArray("maps"), maps);
        return q;
    }

    private static List<IMap> mapsOf(JsonNode a) {
        List<IMap> t = new ArrayList<>();
        for (JsonNode m : Fields.array(a, "maps")) {
            t.add(new IMap(Hex.parse(m.get("start"), "kernel maps.start"), Hex.parse(m.get("last"), "kernel maps.last"),
                    Hex.parse(m.get("size"), "kernel maps.size"), Hex.parse(m.get("addr"), "kernel maps.addr"),
                    m.path("perm").asInt()));
        }
        return t;
    }

    private static List<Seg> segsOf(JsonNode a, String field) {
        List<Seg> sg = new ArrayList<>();
        for (JsonNode g : Fields.array(a, field)) {
            sg.add(new Seg(Hex.parse(g.get("iova"), "kernel segs.iova"), Hex.parse(g.get("hva"), "kernel segs.hva"),
                    Hex.parse(g.get("len"), "kernel segs.len")));
        }
        return sg;
    }

    /** linux drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_UPDATE, run by the harness. */
    @Override
    void Update(long iova, long size, long uaddr, int perm) {
        requireMode(true, "Update");
        ObjectNode q = request("update");
        q.put("iova", Hex.of(iova));
        q.put("size", Hex.of(size));
        q.put("uaddr", Hex.of(uaddr));
        q.put("perm", perm);
        ObjectNode a = kernel.call(q);
        setTable(mapsOf(a), a.path("ret").asInt());
    }

    /** linux drivers/vhost/vhost.c vhost_process_iotlb_msg, VHOST_IOTLB_INVALIDATE, run by the harness. */
    @Override
    void Invalidate(long iova, long size) {
        requireMode(true, "Invalidate");
        ObjectNode q = request("invalidate");
        q.put("iova", Hex.of(iova));
        q.put("size", Hex.of(size));
        ObjectNode a = kernel.call(q);
        setTable(mapsOf(a), a.path("ret").asInt());
    }

    /** linux drivers/vhost/vhost.c vhost_set_memory, run by the harness. */
    @Override
    void SetMemTable(List<Region> regions) {
        requireMode(false, "SetMemTable");
        ObjectNode q = request("set_mem_table");
        ArrayNode rs = q.putArray("regions");
        for (Region g : regions) {
            ObjectNode x = rs.addObject();
            x.put("gpa", Hex.of(g.gpa()));
            x.put("size", Hex.of(g.size()));
            x.put("uaddr", Hex.of(g.uaddr()));
        }
        ObjectNode a = kernel.call(q);
        setTable(mapsOf(a), a.path("ret").asInt());
    }

    /**
     * One walk, run by the harness: translate_desc, iotlb_access_ok or iotlb_translate. A walk the
     * harness stopped because it came back to an address it had queried is spun, with ret 0 as the
     * spec records it (the kernel function never returns). In 6.12 iotlb_translate also runs with
     * bio_vec entries (use_va false); both variants must agree.
     */
    @Override
    void Translate(String kind, long addr, long len, int access) {
        if (!iotlbMode && !kind.equals("translate_desc")) {
            throw new ReplayException("Translate: " + kind + " does not run over a memory table");
        }
        ObjectNode q = request("translate");
        q.put("kind", kind);
        q.put("addr", Hex.of(addr));
        q.put("len", Hex.of(len));
        q.put("access", access);
        q.put("iov_size", iovSize);
        ObjectNode a = kernel.call(q);
        boolean s = a.path("spun").asBoolean();
        List<Seg> sg = segsOf(a, "segs");
        long tr = Hex.parse(a.get("translated"), "kernel translated");
        int r = s ? 0 : a.path("ret").asInt();
        if (a.has("bvec_segs")) {
            List<Seg> bsg = segsOf(a, "bvec_segs");
            long btr = Hex.parse(a.get("bvec_translated"), "kernel bvec_translated");
            int br = a.path("bvec_ret").asInt();
            if (!bsg.equals(sg) || btr != tr || br != r) {
                throw new ReplayException("iotlb_translate: the bio_vec variant answered ret " + br + ", translated "
                        + Hex.of(btr) + ", segs " + bsg + "; the iovec variant ret " + r + ", translated " + Hex.of(tr)
                        + ", segs " + sg);
            }
        }
        ret = r;
        req = new Req(kind, addr, len, access);
        segs = sg;
        // the spec's translated is iotlb_translate's *translated; the other walks leave it 0
        translated = kind.equals("iotlb_translate") ? tr : 0;
        spun = s;
    }
}
