package dev.ripple.topology;

import dev.ripple.health.RolloutPolicy;
import dev.ripple.topology.Fields.Shape;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** One {@code rings/topology/*.yaml} file: a ring, its policy and its cells. */
final class RingFile {
    static final Shape ROOT = new Shape(List.of("id", "name"), List.of("policy", "cells"));
    static final Shape POLICY = new Shape(List.of(), List.of("skip-gradual", "quarantine", "bake", "checks"));
    static final Shape CELL = new Shape(List.of("id", "adapter", "url", "credential"), List.of("labels"));
    static final List<String> ADAPTERS = List.of("gitlab");
    static final Pattern CELL_ID = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    private RingFile() {
    }

    /** Where a cell id was declared, for naming both places when it is declared twice. */
    record CellSite(String id, String file, int line, String path) {
        String where() {
            return file + ":" + line + " (" + path + ")";
        }
    }

    /**
     * What the cross-file checks need from a ring file, whatever its problems: its id and name (null when unreadable)
     * and the cells it declares. {@code ring} is present only when everything in the file could be read.
     */
    record Parsed(String file, Integer id, int idLine, String name, int nameLine, List<CellSite> cells,
                  Optional<Ring> ring) {
    }

    static Parsed read(Fields.Source source, YamlTree.Node root, ChecksFile.Catalog catalog, boolean sandboxAllowed) {
        Optional<Fields> fields = Fields.of(source, root, 1, "", ROOT);
        if (fields.isEmpty()) {
            return new Parsed(source.file(), null, 0, null, 0, List.of(), Optional.empty());
        }
        Fields ring = fields.get();
        Optional<Integer> id = ring.integer("id");
        id.filter(i -> i < Ring.QUARANTINE_ID).ifPresent(i ->
                ring.problem("id", "must be -1 (the quarantine ring) or greater, got " + i));
        Optional<String> name = ring.string("name");

        Optional<RingPolicy> policy = ring.has("policy")
                ? ring.fields("policy", POLICY).flatMap(p -> policy(p, id, catalog))
                : Optional.of(new RingPolicy(false, false, RolloutPolicy.NONE));
        if (id.orElse(0) == Ring.QUARANTINE_ID && policy.isPresent() && !policy.get().quarantine()) {
            int line = ring.has("policy") ? ring.fields("policy", null).map(p -> p.line("quarantine"))
                    .orElse(ring.line("id")) : ring.line("id");
            source.problem(line, ring.has("policy") ? "policy.quarantine" : "id",
                    "ring -1 is the quarantine ring; set policy.quarantine: true");
        }

        List<CellSite> sites = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        boolean cellsOk = true;
        if (ring.has("cells")) {
            Optional<YamlTree.Sequence> list = ring.list("cells");
            cellsOk = list.isPresent();
            for (int i = 0; list.isPresent() && i < list.get().items().size(); i++) {
                YamlTree.Node item = list.get().items().get(i);
                Optional<Cell> cell = Fields.of(source, item, item.line(), "cells[" + i + "]", CELL)
                        .flatMap(c -> cell(c, id.orElse(0), sandboxAllowed, sites));
                cell.ifPresent(cells::add);
                cellsOk &= cell.isPresent();
            }
        }

        Optional<Ring> built = id.isPresent() && name.isPresent() && policy.isPresent() && cellsOk
                ? Optional.of(new Ring(id.get(), name.get(), policy.get(), cells)) : Optional.empty();
        return new Parsed(source.file(), id.orElse(null), ring.line("id"), name.orElse(null), ring.line("name"),
                sites, built);
    }

    private static Optional<RingPolicy> policy(Fields p, Optional<Integer> id, ChecksFile.Catalog catalog) {
        Optional<Boolean> skipGradual = p.has("skip-gradual") ? p.bool("skip-gradual") : Optional.of(false);
        Optional<Boolean> quarantine = p.has("quarantine") ? p.bool("quarantine") : Optional.of(false);
        if (quarantine.orElse(false)) {
            id.filter(i -> i != Ring.QUARANTINE_ID).ifPresent(i -> p.problem("quarantine",
                    "only ring -1 may be the quarantine ring; this ring's id is " + i));
            if (skipGradual.orElse(false)) {
                p.problem("skip-gradual", "meaningless on the quarantine ring, which gradual rollouts never touch;"
                        + " remove it");
            }
        }
        Optional<RolloutPolicy> defaults = Policies.read(p, catalog);
        if (skipGradual.isEmpty() || quarantine.isEmpty() || defaults.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RingPolicy(skipGradual.get(), quarantine.get(), defaults.get()));
    }

    private static Optional<Cell> cell(Fields c, int ringId, boolean sandboxAllowed, List<CellSite> sites) {
        Optional<String> id = c.string("id").filter(text -> {
            if (!CELL_ID.matcher(text).matches()) {
                c.problem("id", "not a valid cell id: \"" + text + "\"; use " + CELL_ID.pattern()
                        + " (lower case letters, digits and -, at most 63 characters)");
                return false;
            }
            return true;
        });
        id.ifPresent(i -> sites.add(new CellSite(i, c.source().file(), c.line("id"), c.path("id"))));
        Optional<String> adapter = c.string("adapter").filter(a -> {
            if (!ADAPTERS.contains(a)) {
                c.problem("adapter", "unknown adapter \"" + a + "\"; known adapters: " + String.join(", ", ADAPTERS));
                return false;
            }
            return true;
        });
        Optional<URI> url = c.string("url").flatMap(text -> url(c, text, id, sandboxAllowed));
        // Not repeated in the message: someone may have pasted the token itself here.
        Optional<CredentialRef> credential = c.string("credential").flatMap(text -> {
            Optional<CredentialRef> ref = CredentialRef.parse(text);
            if (ref.isEmpty()) {
                c.problem("credential", "not a credential reference (value not shown, it may be a secret);"
                        + " write env:NAME or file:/absolute/path");
            }
            return ref;
        });
        Map<String, String> labels = new LinkedHashMap<>();
        boolean labelsOk = true;
        if (c.has("labels")) {
            int before = c.source().problems().size();
            c.fields("labels", null).ifPresent(l -> l.forEach((key, node) ->
                    l.string(node, l.line(key), l.path(key)).ifPresent(v -> labels.put(key, v))));
            labelsOk = c.source().problems().size() == before;
        }
        if (id.isEmpty() || adapter.isEmpty() || url.isEmpty() || credential.isEmpty() || !labelsOk) {
            return Optional.empty();
        }
        return Optional.of(new Cell(id.get(), ringId, adapter.get(), url.get(), credential.get(), labels));
    }

    private static Optional<URI> url(Fields c, String text, Optional<String> cellId, boolean sandboxAllowed) {
        if (!Urls.looksLikeSandbox(text)) {
            Optional<URI> uri = Urls.http(text);
            if (uri.isEmpty()) {
                c.problem("url", "not an absolute http(s) URL: \"" + text + "\"");
            }
            return uri;
        }
        Optional<URI> uri = Urls.sandbox(text);
        if (uri.isEmpty()) {
            c.problem("url", "not a sandbox URL: \"" + text + "\"; write sandbox://<cell id>");
        } else if (!sandboxAllowed) {
            c.problem("url", "points at the sandbox fleet, which is disabled (ripple.sandbox.enabled=false)");
            return Optional.empty();
        } else if (cellId.isPresent() && !cellId.get().equals(uri.get().getHost())) {
            c.problem("url", "sandbox URL names cell \"" + uri.get().getHost() + "\" but this cell is \""
                    + cellId.get() + "\"; write sandbox://" + cellId.get());
            return Optional.empty();
        }
        return uri;
    }
}
