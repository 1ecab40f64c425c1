import de.uka.ilkd.key.control.KeYEnvironment;
import de.uka.ilkd.key.java.abstraction.KeYJavaType;
import de.uka.ilkd.key.logic.op.IObserverFunction;
import de.uka.ilkd.key.proof.Goal;
import de.uka.ilkd.key.proof.Proof;
import de.uka.ilkd.key.settings.PathConfig;
import de.uka.ilkd.key.settings.ProofSettings;
import de.uka.ilkd.key.speclang.Contract;
import de.uka.ilkd.key.util.KeYTypeUtil;
import org.key_project.logic.Name;
import de.uka.ilkd.key.strategy.StrategyProperties;
import de.uka.ilkd.key.pp.LogicPrinter;
import org.vhostcheck.key.KeySettings;
import java.io.File;
import java.nio.file.*;
import java.util.*;

public class Drv {
    static java.util.Map<de.uka.ilkd.key.proof.Node, Integer> memo = new java.util.IdentityHashMap<>();
    static int size(de.uka.ilkd.key.proof.Node root) {
        // iterative post-order
        java.util.ArrayDeque<de.uka.ilkd.key.proof.Node> st = new java.util.ArrayDeque<>();
        java.util.List<de.uka.ilkd.key.proof.Node> order = new java.util.ArrayList<>();
        st.push(root);
        while (!st.isEmpty()) { var n = st.pop(); order.add(n); for (int i = 0; i < n.childrenCount(); i++) st.push(n.child(i)); }
        for (int k = order.size() - 1; k >= 0; k--) { var n = order.get(k); int c = 1; for (int i = 0; i < n.childrenCount(); i++) c += memo.get(n.child(i)); memo.put(n, c); }
        return memo.get(root);
    }
    static void prof(de.uka.ilkd.key.proof.Node n, int total, int depth, StringBuilder out) {
        while (n.childrenCount() == 1) n = n.child(0);
        for (int i = 0; i < n.childrenCount(); i++) { var c = n.child(i); int sz = memo.get(c);
            if (sz * 50 >= total) { String bl = c.getNodeInfo().getBranchLabel(); out.append("  ".repeat(depth)).append(sz).append(' ').append(bl).append(c.isClosed() ? " closed" : " OPEN").append('\n'); prof(c, total, depth + 1, out); } }
    }
    static void collect(de.uka.ilkd.key.logic.Term t, de.uka.ilkd.key.logic.PosInOccurrence pio, java.util.List<de.uka.ilkd.key.logic.PosInOccurrence> out) {
        if (t.op() instanceof IObserverFunction && t.op().name().toString().contains("segOk") && t.freeVars().isEmpty()) out.add(pio);
        if (t.op() instanceof de.uka.ilkd.key.logic.op.Quantifier) return;
        for (int i = 0; i < t.arity(); i++) collect(t.sub(i), pio.down(i), out);
    }
    public static void main(String[] a) throws Exception {
        // a[0] src dir, a[1] regex on Class.method[contract], a[2] out file, a[3] maxGoals, a[4] maxSteps
        Path keyHome = Paths.get("/tmp/k3/keyhome" + ProcessHandle.current().pid());
        Files.createDirectories(keyHome);
        PathConfig.setKeyConfigDir(keyHome.toString());
        KeySettings s = KeySettings.load(Paths.get("/work/main/jml-verified/key-settings.properties"));
        int steps = a.length > 4 ? Integer.parseInt(a[4]) : s.maxSteps();
        ProofSettings.DEFAULT_SETTINGS.getChoiceSettings().setDefaultChoices(new TreeMap<>(s.choices()));
        var ss0 = ProofSettings.DEFAULT_SETTINGS.getStrategySettings();
        ss0.setStrategy(new Name(s.strategyName()));
        ss0.setMaxSteps(steps);
        ss0.setTimeout(-1);
        ss0.setActiveStrategyProperties(s.strategyProperties());
        KeYEnvironment<?> env = KeYEnvironment.load(new File(a[0]), null, null, null);
        int maxGoals = a.length > 3 ? Integer.parseInt(a[3]) : 5;
        StringBuilder out = new StringBuilder();
        for (KeYJavaType t : env.getJavaInfo().getAllKeYJavaTypes()) {
            if (KeYTypeUtil.isLibraryClass(t)) continue;
            for (IObserverFunction f : env.getSpecificationRepository().getContractTargets(t)) {
                for (Contract c : env.getSpecificationRepository().getContracts(t, f)) {
                    String n = f.name().toString();
                    String id = t.getFullName() + "." + n.substring(n.lastIndexOf("::") + 2) + "[" + c.getName() + "]";
                    if (!java.util.regex.Pattern.compile(a[1]).matcher(id).find()) continue;
                    Proof p = env.createProof(c.createProofObl(env.getInitConfig(), c));
                    StrategyProperties sp = s.strategyProperties();
                    for (String kv : System.getProperty("props", "").split(",")) {
                        if (kv.contains("=")) sp.setProperty(kv.split("=")[0], kv.split("=")[1]);
                    }
                    var ss = p.getSettings().getStrategySettings();
                    ss.setMaxSteps(steps); ss.setTimeout(-1); ss.setActiveStrategyProperties(sp);
                    p.setActiveStrategy(p.getServices().getProfile().getDefaultStrategyFactory().create(p, sp));
                    long st = System.nanoTime();
                    final Proof pp = p;
                    Thread mon = new Thread(() -> { try { while (true) { Thread.sleep(60000); System.err.println("progress " + id.substring(0, Math.min(40, id.length())) + " nodes=" + pp.countNodes() + " open=" + pp.openGoals().size() + " t=" + (System.nanoTime() - st) / 1000000000L); } } catch (Throwable e) { } });
                    mon.setDaemon(true); mon.start();
                    env.getProofControl().startAndWaitForAutoMode(p);
                    if (System.getProperty("dep") != null) {
                        for (int round = 0; round < 400 && !p.closed(); round++) {
                            int applied = 0;
                            for (Goal goal : p.openGoals()) {
                                java.util.List<de.uka.ilkd.key.logic.PosInOccurrence> cands = new java.util.ArrayList<>();
                                for (boolean ante : new boolean[] {false, true}) {
                                    var semi = ante ? goal.sequent().antecedent() : goal.sequent().succedent();
                                    for (var sf : semi) collect(sf.formula(), new de.uka.ilkd.key.logic.PosInOccurrence(sf, de.uka.ilkd.key.logic.PosInTerm.getTopLevel(), ante), cands);
                                }
                                for (var pio : cands) {
                                    boolean ok = de.uka.ilkd.key.rule.UseDependencyContractRule.INSTANCE.isApplicable(goal, pio);
                                    if (System.getProperty("depdbg") != null && goal == p.openGoals().head()) System.err.println("cand " + (pio.isInAntec() ? "A " : "S ") + ok + " " + LogicPrinter.quickPrintTerm(pio.subTerm(), p.getServices()).replaceAll("\\s+", " ").substring(0, 60) + " heap=" + LogicPrinter.quickPrintTerm(pio.subTerm().sub(0), p.getServices()).replaceAll("\\s+", " "));
                                    if (!ok) continue;
                                    var app = de.uka.ilkd.key.rule.UseDependencyContractRule.INSTANCE.createApp(pio, p.getServices()).tryToInstantiate(goal);
                                    if (System.getProperty("depdbg") != null) System.err.println("  inst " + (app == null ? "null" : app.complete() + " step=" + app.step()));
                                    if ((app == null || !app.complete()) && !pio.isInAntec()) {
                                        var base = de.uka.ilkd.key.rule.UseDependencyContractRule.INSTANCE.createApp(pio, p.getServices());
                                        var dsteps = de.uka.ilkd.key.rule.UseDependencyContractRule.getSteps(base.getHeapContext(), pio, goal.sequent(), p.getServices());
                                        if (System.getProperty("depdbg") != null) System.err.println("  steps " + dsteps.size());
                                        for (var dst : dsteps) {
                                            var a2 = de.uka.ilkd.key.rule.UseDependencyContractRule.INSTANCE.createApp(pio, p.getServices()).setStep(dst).tryToInstantiateContract(p.getServices());
                                            if (System.getProperty("depdbg") != null) System.err.println("   step " + LogicPrinter.quickPrintTerm(dst.subTerm(), p.getServices()).replaceAll("\\s+", " ").substring(0, 50) + " complete=" + (a2 != null && a2.complete()));
                                            if (a2 != null && a2.complete()) { app = a2; break; }
                                        }
                                    }
                                    if (app == null || !app.complete()) continue;
                                    goal.apply(app); applied++; break;
                                }
                            }
                            System.err.println("dep round " + round + " applied " + applied + " open " + p.openGoals().size());
                            if (applied == 0) break;
                            env.getProofControl().startAndWaitForAutoMode(p);
                        }
                    }
                    mon.interrupt();
                    String line = String.format("%s %s nodes=%d secs=%.1f open=%d", p.closed() ? "CLOSED" : "OPEN", id,
                        p.countNodes(), (System.nanoTime() - st) / 1e9, p.openGoals().size());
                    System.out.println(line);
                    out.append(line).append('\n');
                    if (System.getProperty("prof") != null) { StringBuilder pr = new StringBuilder(); size(p.root()); prof(p.root(), p.countNodes(), 0, pr); out.append("PROFILE\n").append(pr);
                        de.uka.ilkd.key.proof.Node pick = null;
                        for (var e : memo.entrySet()) { int v = e.getValue(); if (v >= 3000 && v <= 6000 && e.getKey().parent() != null && e.getKey().parent().childrenCount() > 1 && (pick == null || e.getKey().serialNr() < pick.serialNr())) pick = e.getKey(); }
                        if (pick != null) { Map<String,Integer> h = new TreeMap<>(); java.util.ArrayDeque<de.uka.ilkd.key.proof.Node> stk = new java.util.ArrayDeque<>(); stk.push(pick);
                            while (!stk.isEmpty()) { var nn = stk.pop(); var ap = nn.getAppliedRuleApp(); if (ap != null) h.merge(ap.rule().name().toString(), 1, Integer::sum); for (int i = 0; i < nn.childrenCount(); i++) stk.push(nn.child(i)); }
                            out.append("HIST of node ").append(pick.serialNr()).append(" size ").append(memo.get(pick)).append('\n');
                            h.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(25).forEach(e -> out.append("  ").append(e.getValue()).append(' ').append(e.getKey()).append('\n'));
                            out.append("SEQ at pick\n").append(LogicPrinter.quickPrintSequent(pick.sequent(), p.getServices())).append('\n'); } }
                    if (System.getProperty("hist") != null) { Map<String,Integer> h = new TreeMap<>(); java.util.ArrayDeque<de.uka.ilkd.key.proof.Node> stk = new java.util.ArrayDeque<>(); stk.push(p.root());
                        while (!stk.isEmpty()) { var nn = stk.pop(); var ap = nn.getAppliedRuleApp(); if (ap != null) h.merge(ap.rule().name().toString(), 1, Integer::sum); for (int i = 0; i < nn.childrenCount(); i++) stk.push(nn.child(i)); }
                        out.append("RULES\n"); h.entrySet().stream().filter(e -> e.getKey().toLowerCase().contains(System.getProperty("hist").toLowerCase())).forEach(e -> out.append("  ").append(e.getValue()).append(' ').append(e.getKey()).append('\n')); }
                    int g = 0;
                    for (Goal goal : p.openGoals()) {
                        if (g++ >= maxGoals) break;
                        out.append("---- goal ").append(g).append(" (node ").append(goal.node().serialNr()).append(")\n");
                        StringBuilder br = new StringBuilder();
                        for (de.uka.ilkd.key.proof.Node nd = goal.node(); nd != null; nd = nd.parent()) {
                            String bl = nd.getNodeInfo().getBranchLabel();
                            if (bl != null) br.insert(0, " / " + bl);
                        }
                        out.append("BRANCH").append(br).append("\n");
                        out.append(LogicPrinter.quickPrintSequent(goal.sequent(), p.getServices())).append('\n');
                    }
                    p.dispose();
                }
            }
        }
        Files.writeString(Paths.get(a[2]), out.toString());
        env.dispose();
        System.exit(0);
    }
}
