package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report page: one self-contained HTML file (inline CSS, no script, no external URL) built from
 * the saved results. Every string from a result is escaped: claims and traces are input. Tables
 * have stable ids (verdicts, models, proofs, suites, coverage, drift) and counterexamples the class
 * {@code counterexample}, with {@code changed} on every cell that differs from the step before.
 */
final class HtmlReport {
    /** The replay targets, as columns of the coverage table (others found in the results follow). */
    static final List<String> TARGETS = List.of("java", "linux-6.1", "linux-6.12");

    private static final String CSS = """
            body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1c1c1c; }
            h1 { margin-bottom: 0.2em; }
            h2 { border-bottom: 2px solid #ccc; margin-top: 2em; }
            nav a { margin-right: 1em; }
            table { border-collapse: collapse; margin: 0.5em 0 1em; }
            th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
            th { background: #eef0f3; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.nw { white-space: nowrap; }
            td code, td.val { font: 12px/1.3 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: break-word; }
            .scroll { overflow-x: auto; }
            .meta { color: #555; }
            .not-run { color: #8a4b00; font-weight: 600; }
            .ok { color: #11672c; }
            .unexpected, .unexplained, .zero { background: #fde2e1; color: #8f1111; font-weight: 600; }
            .skipped { background: #fff1cc; }
            .none { color: #999; }
            .v-confirmed { background: #fde2e1; color: #8f1111; font-weight: 600; }
            .v-refuted { background: #dff3e4; color: #11672c; font-weight: 600; }
            .v-not-modelled { background: #e8e8e8; color: #444; font-weight: 600; }
            .v-inconclusive { background: #fff1cc; color: #7a5200; font-weight: 600; }
            .v-other { background: #e8e8e8; }
            td.changed { background: #ffe58a; font-weight: 600; }
            details.kernel-source pre span.unrun { background: #fde2e1; }
            details.kernel-source pre span.untaken { background: #fff1cc; }
            ul.evidence { margin: 0; padding-left: 1.2em; }
            ul.evidence li, #verdicts code { overflow-wrap: anywhere; }
            """;

    private final StringBuilder b = new StringBuilder();
    private java.util.function.BiFunction<String, String, List<String>> sources = (t, f) -> null;

    private HtmlReport() {
    }

    /**
     * The page. {@code saved} maps a section to its result (a section left out was not run);
     * {@code generated} and {@code commit} (null outside a git checkout) are the report's own.
     */
    static String render(Map<String, Results.Saved> saved, String generated, String commit) {
        return render(saved, generated, commit, (t, f) -> null);
    }

    /** As above, with the kernel sources (target, file: its lines, or null) the coverage section marks. */
    static String render(Map<String, Results.Saved> saved, String generated, String commit,
                         java.util.function.BiFunction<String, String, List<String>> sources) {
        HtmlReport h = new HtmlReport();
        h.sources = sources;
        h.page(saved, generated, commit);
        return h.b.toString();
    }

    private void page(Map<String, Results.Saved> saved, String generated, String commit) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>vhostcheck report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<header>\n<h1>vhostcheck report</h1>\n<p class=\"meta\" id=\"generated\">Generated ")
                .append(esc(generated)).append(commit == null ? " (not a git checkout)"
                        : " at commit <code id=\"commit\">" + esc(commit) + "</code>").append("</p>\n");
        b.append("<nav><a href=\"#sec-triage\">verdicts</a><a href=\"#sec-counterexamples\">counterexamples</a>")
                .append("<a href=\"#sec-check\">models</a><a href=\"#sec-prove\">proofs</a>")
                .append("<a href=\"#sec-conform\">conformance</a><a href=\"#sec-drift\">drift</a>")
                .append("<a href=\"#sec-patches\">kernel patches</a><a href=\"#sec-mutate\">kernel mutants</a>")
                .append("<a href=\"#sec-generated\">generated mutants</a><a href=\"#sec-kernel-coverage\">kernel coverage</a></nav>\n");
        sources(saved);
        b.append("</header>\n");
        triage(saved.get("triage"));
        counterexamples(saved.get("triage"), saved.get("check"));
        check(saved.get("check"));
        prove(saved.get("prove"));
        conform(saved.get("conform"));
        drift(saved.get("drift"));
        patches(saved.get("patches"));
        mutate(saved.get("mutate"));
        generatedMutants(saved.get("generated-mutants"));
        kernelCoverage(saved.get("coverage"));
        b.append("</body>\n</html>\n");
    }

    /** Where each section comes from: when it was run, at which commit. */
    private void sources(Map<String, Results.Saved> saved) {
        b.append("<table id=\"sections\">\n<tr><th>section</th><th>run at</th><th>commit</th><th>items</th></tr>\n");
        for (String s : Results.SECTIONS) {
            Results.Saved r = saved.get(s);
            b.append("<tr><td>").append(esc(s)).append("</td>");
            if (r == null) {
                b.append("<td class=\"not-run\" colspan=\"3\">not run</td></tr>\n");
                continue;
            }
            b.append("<td>").append(esc(r.generated())).append("</td><td><code>")
                    .append(esc(r.commit() == null ? "-" : r.commit())).append("</code></td><td class=\"num\">")
                    .append(r.data().path(Results.ITEMS.get(s)).size()).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    /** Section heading; false (and a "not run" line) when the section has no result. */
    private boolean heading(String id, String title, Results.Saved r, String how) {
        b.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
        if (r == null) {
            b.append("<p class=\"not-run\">not run (").append(esc(how)).append(")</p>\n</section>\n");
            return false;
        }
        b.append("<p class=\"meta\">From ").append(esc(r.file().getFileName().toString())).append(", run at ")
                .append(esc(r.generated())).append(r.commit() == null ? "" : ", commit " + esc(r.commit()))
                .append(".</p>\n");
        return true;
    }

    private void triage(Results.Saved r) {
        if (!heading("sec-triage", "Claim verdicts", r, "vhostcheck triage")) {
            return;
        }
        b.append("<div class=\"scroll\"><table id=\"verdicts\">\n<tr><th>id</th><th>title</th><th>verdict</th>")
                .append("<th>expected</th><th>model</th><th>invariant</th><th>bounds</th><th>evidence</th></tr>\n");
        for (JsonNode c : r.data().get("claims")) {
            String verdict = text(c.path("verdict"));
            String expected = text(c.path("expectedVerdict"));
            b.append("<tr id=\"claim-").append(anchor(text(c.path("id")))).append("\">");
            cell(text(c.path("id")));
            cell(text(c.path("title")));
            b.append("<td class=\"").append(verdictClass(verdict)).append("\">").append(esc(verdict)).append("</td>");
            // the expected verdict stands out only where the verdict differs from it
            b.append(expected.equals(verdict) ? "<td>" : "<td class=\"unexpected\">").append(esc(expected)).append("</td>");
            cell(text(c.path("model")));
            cell(text(c.path("invariant")));
            b.append("<td><code>").append(json(c.path("bounds"))).append("</code></td>");
            b.append("<td><ul class=\"evidence\">");
            for (JsonNode e : c.path("evidence")) {
                b.append("<li>").append(esc(text(e))).append("</li>");
            }
            b.append("</ul></td></tr>\n");
        }
        b.append("</table></div>\n</section>\n");
    }

    /** A CSS class per verdict: the names are ours, never the input's. */
    static String verdictClass(String verdict) {
        return switch (verdict) {
            case "CONFIRMED" -> "v-confirmed";
            case "REFUTED" -> "v-refuted";
            case "NOT MODELLED" -> "v-not-modelled";
            case "INCONCLUSIVE" -> "v-inconclusive";
            default -> "v-other";
        };
    }

    private void counterexamples(Results.Saved triage, Results.Saved check) {
        b.append("<section id=\"sec-counterexamples\">\n<h2>Counterexamples</h2>\n");
        b.append("<p class=\"meta\">One row per step; highlighted cells changed in that step.</p>\n");
        int n = 0;
        if (triage != null) {
            for (JsonNode c : triage.data().get("claims")) {
                JsonNode cx = c.path("counterexample");
                if (cx.isObject()) {
                    b.append("<h3>Claim ").append(esc(text(c.path("id")))).append(": ")
                            .append(esc(text(cx.path("model")))).append(" violates ")
                            .append(esc(text(cx.path("invariant")))).append("</h3>\n");
                    steps("claim", text(c.path("id")), cx.path("steps"));
                    n++;
                }
            }
        }
        if (check != null) {
            for (JsonNode m : check.data().get("models")) {
                JsonNode cx = m.path("counterexample");
                if (cx.isArray()) {
                    String outcome = text(m.path("outcome"));
                    b.append("<h3>Model ").append(esc(text(m.path("name")))).append(": ")
                            .append(esc(outcome.replaceFirst("^violates:", "violates "))).append("</h3>\n");
                    steps("check", text(m.path("name")), cx);
                    n++;
                }
            }
        }
        if (n == 0) {
            b.append("<p>No counterexample in the results").append(triage == null && check == null ? " (check and triage not run)" : "")
                    .append(".</p>\n");
        }
        b.append("</section>\n");
    }

    /** The steps as a table: step, action, then one column per state field (in order of first appearance). */
    private void steps(String source, String name, JsonNode steps) {
        Set<String> fields = new LinkedHashSet<>();
        for (JsonNode s : steps) {
            for (Iterator<String> it = s.path("state").fieldNames(); it.hasNext(); ) {
                fields.add(it.next());
            }
        }
        b.append("<div class=\"scroll\"><table class=\"counterexample\" id=\"cx-").append(source).append('-')
                .append(anchor(name)).append("\">\n<tr><th>step</th><th>action</th>");
        fields.forEach(f -> b.append("<th>").append(esc(f)).append("</th>"));
        b.append("</tr>\n");
        JsonNode prev = null;
        for (JsonNode s : steps) {
            JsonNode state = s.path("state");
            b.append("<tr><td class=\"num\">").append(esc(text(s.path("step")))).append("</td>");
            cell(text(s.path("action")));
            for (String f : fields) {
                JsonNode v = state.get(f);
                boolean changed = prev != null && !java.util.Objects.equals(prev.get(f), v);
                b.append("<td class=\"val").append(changed ? " changed" : "").append("\">")
                        .append(v == null ? "" : json(v)).append("</td>");
            }
            b.append("</tr>\n");
            prev = state;
        }
        b.append("</table></div>\n");
    }

    private void check(Results.Saved r) {
        if (!heading("sec-check", "Models (TLC)", r, "vhostcheck check")) {
            return;
        }
        b.append("<table id=\"models\">\n<tr><th>model</th><th>expected</th><th>outcome</th><th>distinct states</th>")
                .append("<th>verdict</th></tr>\n");
        for (JsonNode m : r.data().get("models")) {
            b.append("<tr>");
            cell(text(m.path("name")));
            cell(text(m.path("expected")));
            cell(text(m.path("outcome")));
            num(text(m.path("distinctStates")));
            // results saved before check wrote "verdict" compare the outcome alone
            verdict(m.has("verdict") ? text(m.get("verdict"))
                    : text(m.path("expected")).equals(text(m.path("outcome"))) ? "OK" : "UNEXPECTED");
            b.append("</tr>\n");
        }
        b.append("</table>\n</section>\n");
    }

    /** Kernel mutants: each guard removed from the real source, killed by the suites or not, equal to its broken model or not. */
    private void patches(Results.Saved r) {
        if (!heading("sec-patches", "Kernel patches", r, "vhostcheck review --patches")) {
            return;
        }
        b.append("<div class=\"scroll\"><table id=\"patches\">\n<tr><th>entry</th><th>target</th><th>claims</th><th>patches</th>")
                .append("<th>today's model</th><th>first change</th><th>patched kernel equals</th><th>verdict</th><th>why</th></tr>\n");
        for (JsonNode e : r.data().path("entries")) {
            b.append("<tr>");
            cell(text(e.path("id")));
            cell(text(e.path("target")));
            StringBuilder cs = new StringBuilder();
            e.path("claims").forEach(x -> cs.append(cs.length() == 0 ? "" : ", ").append(x.asText()));
            cell(cs.toString());
            StringBuilder ps = new StringBuilder();
            e.path("patches").forEach(p -> ps.append(ps.length() == 0 ? "" : " + ").append(p.asText()));
            cell(ps.toString());
            cell(text(e.path("changes")));
            String first = "";
            for (JsonNode m : e.path("review").path("models")) {
                if (m.path("model").asText().equals(e.path("changes").asText()) && m.path("firstChange").isObject()) {
                    JsonNode f = m.path("firstChange");
                    first = "line " + text(f.path("line")) + " " + text(f.path("action")) + " " + text(f.path("field")) + ": spec "
                            + text(f.path("spec")) + ", kernel " + text(f.path("kernel"));
                }
            }
            cell(first);
            cell(text(e.path("equals")) + " (" + text(e.path("equalsTransitions")) + " transitions)");
            verdict(e.path("asExpected").asBoolean() ? "OK" : "UNEXPECTED");
            cell(e.path("why").isNull() ? "" : text(e.path("why")));
            b.append("</tr>\n");
        }
        b.append("</table></div>\n</section>\n");
    }

    private void mutate(Results.Saved r) {
        if (!heading("sec-mutate", "Kernel mutants", r, "vhostcheck mutate")) {
            return;
        }
        JsonNode score = r.data().path("score");
        b.append("<p id=\"mutation-score\">Mutation score: ").append(esc(text(score.path("guard").path("killed")))).append(" of ")
                .append(esc(text(score.path("guard").path("total")))).append(" guard mutants killed by the replay suites; ")
                .append(esc(text(score.path("matchesBrokenModel").path("matched")))).append(" of ")
                .append(esc(text(score.path("matchesBrokenModel").path("total"))))
                .append(" replay their broken model with no divergence.</p>\n");
        b.append("<div class=\"scroll\"><table id=\"mutants\">\n<tr><th>mutant</th><th>target</th><th>where</th><th>killed</th>")
                .append("<th>first divergence</th><th>matches broken model</th><th>why not</th><th>seconds</th></tr>\n");
        for (JsonNode m : r.data().path("mutants")) {
            b.append("<tr>");
            cell(text(m.path("id")));
            cell(text(m.path("target")));
            cell(text(m.path("file")) + " " + text(m.path("function")) + (m.path("line").isNull() ? "" : ":" + text(m.path("line"))));
            verdict(m.path("killed").asBoolean() ? "OK" : text(m.path("reason")).startsWith("SKIPPED") ? "SKIPPED" : "SURVIVED");
            JsonNode f = m.path("firstDivergence");
            cell(f.isObject() ? text(f.path("model")) + " line " + text(f.path("line")) + " " + text(f.path("action")) + ": "
                    + text(f.path("field")) + " spec " + text(f.path("spec")) + ", mutant " + text(f.path("kernel")) : "");
            JsonNode mb = m.path("matchesBrokenModel");
            b.append("<td class=\"").append(mb.isNull() ? "skipped" : mb.asBoolean() ? "ok" : "unexpected").append("\">")
                    .append(mb.isNull() ? "n/a" : mb.asBoolean() ? "yes" : "no").append("</td>");
            cell(m.path("reason").isNull() ? "" : text(m.path("reason")));
            num(text(m.path("seconds")));
            b.append("</tr>\n");
        }
        b.append("</table></div>\n</section>\n");
    }

    /** The operator mutants of every kernel function the parts build: the score per kernel, every survivor, every equivalent one. */
    private void generatedMutants(Results.Saved r) {
        if (!heading("sec-generated", "Generated kernel mutants", r, "vhostcheck mutate --generated")) {
            return;
        }
        JsonNode score = r.data().path("score");
        JsonNode g = score.path("generated");
        b.append("<p id=\"generated-score\">Mutation score: ").append(esc(text(g.path("killed")))).append(" of ")
                .append(esc(text(g.path("total")))).append(" generated mutants killed (").append(esc(text(g.path("stillborn"))))
                .append(" stillborn, ").append(esc(text(g.path("equivalent")))).append(" recorded equivalent, ")
                .append(esc(text(g.path("survived")))).append(" survived")
                .append(g.path("notReached").asInt() > 0 ? ", " + g.path("notReached").asInt() + " of them on lines no suite runs" : "")
                .append("); ").append(esc(text(g.path("secondsPerMutant"))))
                .append(" s a mutant.</p>\n<table id=\"generated-by-kernel\">\n<tr><th>kernel</th><th>killed</th><th>mutants</th>")
                .append("<th>stillborn</th><th>equivalent</th><th>survived</th><th>on lines no suite runs</th></tr>\n");
        for (String t : org.vhostcheck.conformance.kernel.Kernels.TARGETS) {
            JsonNode k = score.path(t);
            if (k.isObject()) {
                b.append("<tr>");
                cell(t);
                num(text(k.path("killed")));
                num(text(k.path("total")));
                num(text(k.path("stillborn")));
                num(text(k.path("equivalent")));
                num(text(k.path("survived")));
                num(text(k.path("notReached")));
                b.append("</tr>\n");
            }
        }
        b.append("</table>\n");
        for (String[] kind : new String[][] {{"SURVIVED", "survivors", "Survivors: neither killed nor recorded equivalent "
                + "(conformance/mutants.json); each is code the suites run the same with and without the change"},
                {"equivalent", "equivalent", "Recorded equivalent, with the reason"}}) {
            b.append("<h3>").append(esc(kind[2])).append("</h3>\n<div class=\"scroll\"><table id=\"generated-")
                    .append(kind[1]).append("\">\n<tr><th>mutant</th><th>target</th><th>where</th><th>source line</th><th>")
                    .append(kind[0].equals("SURVIVED") ? "what the suites ran" : "why equivalent").append("</th></tr>\n");
            for (JsonNode m : r.data().path("mutants")) {
                if (!kind[0].equals(text(m.path("status")))) {
                    continue;
                }
                b.append("<tr>");
                cell(text(m.path("id")));
                cell(text(m.path("target")));
                cell(text(m.path("file")) + ":" + text(m.path("line")));
                b.append("<td><code>").append(esc(text(m.path("source")))).append("</code></td>");
                cell(kind[0].equals("SURVIVED") ? text(m.path("reason")) : text(m.path("equivalent")));
                b.append("</tr>\n");
            }
            b.append("</table></div>\n");
        }
        b.append("</section>\n");
    }

    /**
     * What the suites run of each kernel function: per kernel the totals, per function lines run and branches taken,
     * and the source of every function with code the suites never run, unrun lines and lines with an untaken branch
     * marked (the unpacked Debian tree, read now; not shown when it is not there).
     */
    private void kernelCoverage(Results.Saved r) {
        if (!heading("sec-kernel-coverage", "Kernel coverage", r, "vhostcheck coverage")) {
            return;
        }
        b.append("<p>").append(esc(text(r.data().path("unexplained")))).append(" untaken branches without a reason in "
                + "conformance/coverage.json.</p>\n");
        for (JsonNode t : r.data().path("targets")) {
            String target = text(t.path("target"));
            JsonNode k = t.path("kernel");
            b.append("<h3>").append(esc(target)).append(" (").append(esc(text(t.path("version")))).append("), ")
                    .append(t.path("models").size()).append(" suites</h3>\n<p id=\"kernel-coverage-").append(anchor(target))
                    .append("\">Kernel code: ").append(esc(ratio(k.path("linesRun"), k.path("lines")))).append(" lines run, ")
                    .append(esc(ratio(k.path("branchesTaken"), k.path("branches")))).append(" branches taken; our harness "
                            + "code (not counted) ").append(esc(ratio(t.path("harness").path("linesRun"), t.path("harness").path("lines"))))
                    .append(" lines.</p>\n<div class=\"scroll\"><table id=\"kernel-coverage-functions-").append(anchor(target))
                    .append("\">\n<tr><th>function</th><th>file</th><th>lines run</th><th>branches taken</th>"
                            + "<th>untaken without a reason</th></tr>\n");
            for (JsonNode f : t.path("functions")) {
                long open = 0;
                for (JsonNode u : f.path("untaken")) {
                    open += u.path("reason").isNull() ? 1 : 0;
                }
                b.append("<tr>");
                cell(text(f.path("function")));
                cell(text(f.path("file")));
                num(ratio(f.path("linesRun"), f.path("lines")));
                num(f.path("branches").asInt() == 0 ? "-" : ratio(f.path("branchesTaken"), f.path("branches")));
                b.append("<td class=\"num").append(open > 0 ? " unexpected" : "").append("\">").append(open)
                        .append(f.path("entered").asBoolean() ? "" : " (never entered)").append("</td></tr>\n");
            }
            b.append("</table></div>\n");
            for (JsonNode f : t.path("functions")) {
                if (f.path("unrun").isEmpty() && f.path("untaken").isEmpty()) {
                    continue;
                }
                List<String> src = sources.apply(target, text(f.path("file")));
                java.util.Set<Integer> unrun = new java.util.HashSet<>();
                f.path("unrun").forEach(n -> unrun.add(n.asInt()));
                Map<Integer, String> untaken = new java.util.HashMap<>();
                f.path("untaken").forEach(u -> untaken.merge(u.path("line").asInt(), "branch " + (u.path("branch").asInt() + 1)
                        + " of " + u.path("of").asInt() + (u.path("reason").isNull() ? "" : ": " + text(u.path("reason"))),
                        (x, y) -> x + "; " + y));
                int first = f.path("firstLine").asInt();
                int last = f.path("lastLine").asInt();
                b.append("<details class=\"kernel-source\"><summary>").append(esc(text(f.path("function")))).append(" (")
                        .append(esc(text(f.path("file")))).append(':').append(first).append('-').append(last).append(")</summary>\n");
                if (src == null || last > src.size()) {
                    b.append("<p class=\"not-run\">source not unpacked here (target/kernel/").append(esc(target))
                            .append("/src: vhostcheck conform unpacks it)</p></details>\n");
                    continue;
                }
                b.append("<pre>");
                for (int n = first; n <= last; n++) {
                    String cls = unrun.contains(n) ? "unrun" : untaken.containsKey(n) ? "untaken" : null;
                    b.append(cls == null ? "<span>" : "<span class=\"" + cls + "\"" + (untaken.containsKey(n)
                            ? " title=\"" + esc("never taken: " + untaken.get(n)) + "\"" : "") + ">");
                    b.append(String.format(Locale.ROOT, "%5d  ", n)).append(esc(src.get(n - 1))).append("</span>\n");
                }
                b.append("</pre></details>\n");
            }
        }
        b.append("</section>\n");
    }

    private static String ratio(JsonNode a, JsonNode of) {
        int x = a.asInt();
        int y = of.asInt();
        return y == 0 ? x + "/0" : String.format(Locale.ROOT, "%d/%d (%.0f %%)", x, y, 100.0 * x / y);
    }

    private void prove(Results.Saved r) {
        if (!heading("sec-prove", "Proofs (KeY)", r, "vhostcheck prove")) {
            return;
        }
        b.append("<table id=\"proofs\">\n<tr><th>class</th><th>method</th><th>expected</th><th>result</th>")
                .append("<th>nodes</th><th>seconds</th><th>verdict</th></tr>\n");
        for (JsonNode c : r.data().get("contracts")) {
            b.append("<tr>");
            cell(text(c.path("class")));
            cell(text(c.path("method")));
            cell(text(c.path("expected")));
            cell(text(c.path("result")));
            num(text(c.path("nodes")));
            num(text(c.path("seconds")));
            verdict(c.has("verdict") ? text(c.get("verdict"))
                    : text(c.path("expected")).equals(text(c.path("result"))) ? "OK" : "UNEXPECTED");
            b.append("</tr>\n");
        }
        b.append("</table>\n</section>\n");
    }

    private void conform(Results.Saved r) {
        if (!heading("sec-conform", "Conformance", r, "vhostcheck conform")) {
            return;
        }
        JsonNode suites = r.data().get("suites");
        b.append("<table id=\"suites\">\n<tr><th>model</th><th>target</th><th>transitions</th><th>traces</th>")
                .append("<th>mismatches</th><th>actions covered</th><th>seconds</th><th>verdict</th></tr>\n");
        for (JsonNode s : suites) {
            b.append("<tr>");
            cell(text(s.path("model")));
            cell(text(s.path("target")));
            num(text(s.path("transitions")));
            num(text(s.path("traces")));
            num(text(s.path("mismatches")));
            num(text(s.path("actionsCovered")) + "/" + text(s.path("actionsTotal")));
            num(text(s.path("seconds")));
            verdict(text(s.path("verdict")));
            b.append("</tr>\n");
        }
        b.append("</table>\n");
        coverage(suites);
        b.append("</section>\n");
    }

    /** Transitions replayed per model, action and target; 0 and a skipped target stand out. */
    private void coverage(JsonNode suites) {
        List<String> targets = new ArrayList<>(TARGETS);
        // model -> action -> target -> count; model -> target -> why it was skipped
        Map<String, Map<String, Map<String, String>>> counts = new LinkedHashMap<>();
        Map<String, Map<String, String>> skipped = new LinkedHashMap<>();
        for (JsonNode s : suites) {
            String model = text(s.path("model"));
            String target = text(s.path("target"));
            if (s.path("verdict").asText().equals("SKIPPED")) {
                skipped.computeIfAbsent(model, k -> new LinkedHashMap<>()).put(target, text(s.path("skipped")));
            }
            if (s.path("actions").size() == 0) {
                continue;
            }
            if (!targets.contains(target)) {
                targets.add(target);
            }
            Map<String, Map<String, String>> byAction = counts.computeIfAbsent(model, k -> new LinkedHashMap<>());
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("actions").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                byAction.computeIfAbsent(a.getKey(), k -> new LinkedHashMap<>()).put(target, text(a.getValue()));
            }
        }
        b.append("<h3>Coverage: transitions replayed per action</h3>\n");
        b.append("<table id=\"coverage\">\n<tr><th>model</th><th>action</th>");
        targets.forEach(t -> b.append("<th>").append(esc(t)).append("</th>"));
        b.append("</tr>\n");
        for (Map.Entry<String, Map<String, Map<String, String>>> m : counts.entrySet()) {
            for (Map.Entry<String, Map<String, String>> a : m.getValue().entrySet()) {
                b.append("<tr>");
                cell(m.getKey());
                cell(a.getKey());
                for (String t : targets) {
                    String n = a.getValue().get(t);
                    String why = skipped.getOrDefault(m.getKey(), Map.of()).get(t);
                    if (n != null) {
                        b.append("<td class=\"num").append(n.equals("0") ? " zero" : "").append("\">").append(esc(n)).append("</td>");
                    } else if (why != null) {
                        b.append("<td class=\"skipped\" title=\"").append(esc(why)).append("\">skipped</td>");
                    } else {
                        b.append("<td class=\"none\">-</td>"); // this model was not replayed against this target
                    }
                }
                b.append("</tr>\n");
            }
        }
        b.append("</table>\n");
        if (counts.isEmpty()) {
            b.append("<p>No suite in the results replays traces action by action.</p>\n");
        }
    }

    private void drift(Results.Saved r) {
        if (!heading("sec-drift", "Drift", r, "vhostcheck drift")) {
            return;
        }
        JsonNode items = r.data().get("divergences");
        if (items.isEmpty()) {
            b.append("<p>No divergence: spec, Java and every kernel replayed agree.</p>\n");
        }
        b.append("<div class=\"scroll\"><table id=\"drift\">\n<tr><th>id</th><th>model</th><th>target</th><th>action</th>")
                .append("<th>field</th><th>count</th><th>cause</th><th>explanation</th></tr>\n");
        for (JsonNode i : items) {
            boolean explained = i.hasNonNull("cause");
            b.append("<tr").append(explained ? "" : " class=\"unexplained\"").append(">");
            for (String f : List.of("id", "model", "target", "action")) {
                b.append("<td class=\"nw\">").append(esc(text(i.path(f)))).append("</td>");
            }
            b.append("<td><code>").append(esc(text(i.path("field")))).append("</code></td>");
            num(text(i.path("count")));
            b.append("<td class=\"nw\">").append(esc(explained ? text(i.get("cause")) : "UNEXPLAINED")).append("</td>");
            cell(text(i.path("explanation")));
            b.append("</tr>\n");
        }
        b.append("</table></div>\n");
        List<String> stale = new ArrayList<>();
        r.data().path("unusedCauses").forEach(c -> stale.add(text(c)));
        if (!stale.isEmpty()) {
            b.append("<p class=\"unexpected\">Causes that explain no divergence any more: ")
                    .append(esc(String.join(", ", stale))).append("</p>\n");
        }
        for (JsonNode s : r.data().path("skipped")) {
            b.append("<p class=\"skipped\">SKIPPED: ").append(esc(text(s.path("model")))).append(" vs ")
                    .append(esc(text(s.path("target")))).append(" was not replayed: ").append(esc(text(s.path("reason"))))
                    .append("</p>\n");
        }
        b.append("</section>\n");
    }

    private void cell(String text) {
        b.append("<td>").append(esc(text)).append("</td>");
    }

    private void num(String text) {
        b.append("<td class=\"num\">").append(esc(text)).append("</td>");
    }

    private void verdict(String v) {
        String c = switch (v) {
            case "OK", "EXPLAINED" -> "ok";
            case "SKIPPED" -> "skipped";
            default -> "unexpected";
        };
        b.append("<td class=\"").append(c).append("\">").append(esc(v)).append("</td>");
    }

    /** A value as text: strings as they are (u64s are "0x..." strings), anything else as compact JSON, absent as "-". */
    static String text(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "-";
        }
        return v.isTextual() ? v.textValue() : v.toString();
    }

    /** A value as escaped text that may wrap after a comma (compact JSON has no spaces to wrap at). */
    static String json(JsonNode v) {
        return esc(text(v)).replace(",", ",<wbr>");
    }

    /** Text for HTML content and quoted attribute values. */
    static String esc(String s) {
        StringBuilder o = new StringBuilder(s.length() + 16);
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '&' -> o.append("&amp;");
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '"' -> o.append("&quot;");
                case '\'' -> o.append("&#39;");
                default -> o.append(c);
            }
        }
        return o.toString();
    }

    /** An id fragment: input reduced to letters, digits, '-' and '_' (ids stay valid and stable). */
    static String anchor(String s) {
        String a = s.replaceAll("[^A-Za-z0-9_-]", "_");
        return a.isEmpty() ? "_" : a;
    }
}
