package org.vhostcheck.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vhostcheck.model.Exporter;
import org.vhostcheck.model.Manifest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vhostcheck export}: writes a model's state graph or simulation runs as an NDJSON trace. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export a model's whole state graph or random simulation runs as NDJSON.")
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Manifest name of a model with a trace config.")
    private String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Kind kind;

    static final class Kind {
        @Option(names = "--graph", required = true, description = "Every edge of the reachable state graph, once.")
        boolean graph;

        @ArgGroup(exclusive = false)
        Simulation simulation;
    }

    static final class Simulation {
        @Option(names = "--simulate", required = true, paramLabel = "N", description = "N random behaviours.")
        int count;

        @Option(names = "--depth", paramLabel = "D", defaultValue = "100",
                description = "Steps per simulated behaviour (default: ${DEFAULT-VALUE}).")
        int depth;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
                description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;
    }

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The NDJSON file to write (replaced only when complete).")
    private Path output;

    @Override
    public Integer call() {
        Path home = main.home();
        Manifest manifest = Manifest.load(home);
        Manifest.Entry e = manifest.select(List.of(model), true).get(0);
        Exporter exporter = new Exporter(home, main.progress());
        Exporter.Summary s = kind.graph
                ? exporter.graph(e, manifest.specDir(), output)
                : exporter.simulate(e, manifest.specDir(), kind.simulation.count, kind.simulation.depth,
                        kind.simulation.seed, output);
        main.out.printf(Locale.ROOT, "%s: %s of %s: %d initial states, %d transitions%s, actions %s (%.1f s)%n",
                s.file(), s.kind(), e.name(), s.initStates(), s.transitions(),
                kind.graph ? ", " + s.distinctStates() + " distinct states" : " in " + s.traces() + " traces",
                String.join(", ", s.actions()), s.seconds());
        return Main.AS_EXPECTED;
    }
}
