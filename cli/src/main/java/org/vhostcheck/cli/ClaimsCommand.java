package org.vhostcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.vhostcheck.model.Claims;
import org.vhostcheck.model.Guards;
import org.vhostcheck.model.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vhostcheck claims}: reads every claims/*.json strictly and checks that the models they
 * name are in the manifest; lists them. A bad claim file is bad input (exit 2).
 */
@Command(name = "claims", mixinStandardHelpOptions = true, description = "Validate and list the claim files in claims/.")
final class ClaimsCommand implements Callable<Integer> {
    @ParentCommand
    private Main main;

    @Option(names = "--json", description = "Print the claims as JSON on stdout.")
    private boolean json;

    @Override
    public Integer call() {
        Path home = main.home();
        Manifest manifest = Manifest.load(home);
        List<Claims.Claim> claims = Claims.loadAll(Claims.defaultDir(home), manifest, Guards.load(manifest));
        Table table = new Table("id", "kind", "model", "invariant", "broken model", "guard", "expected");
        ObjectNode doc = Main.JSON.createObjectNode();
        ArrayNode rows = doc.putArray("claims");
        for (Claims.Claim c : claims) {
            table.add(c.id(), c.kind(), c.model() == null ? "-" : c.model(), c.invariant() == null ? "-" : c.invariant(),
                    c.brokenModel() == null ? "-" : c.brokenModel(), c.guard() == null ? "-" : c.guard(), c.expectedVerdict());
            ObjectNode row = rows.addObject();
            row.put("id", c.id());
            row.put("kind", c.kind());
            row.put("model", c.model());
            row.put("invariant", c.invariant());
            row.put("fixedModel", c.fixedModel());
            row.put("brokenModel", c.brokenModel());
            row.put("guard", c.guard());
            row.put("notModelled", c.notModelled());
            row.put("expectedVerdict", c.expectedVerdict());
            row.put("withdrawn", c.withdrawn() != null);
        }
        return new Report("claims", claims.size(), 0, doc, table.render()).print(main, json);
    }
}
