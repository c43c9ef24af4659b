package dev.ripple.topology;

import dev.ripple.platform.Sha256;
import dev.ripple.flags.FlagDefinition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads a {@code rings/} tree ({@code checks.yaml}, {@code topology/*.yaml}, {@code flags/*.yaml}) into a
 * {@link Topology}, or into the complete list of its problems. Strict: unknown keys, duplicate keys and wrong types
 * are problems, and nothing stops at the first one. Stateless and thread-safe.
 */
public final class RingsLoader {
    private static final String TOPOLOGY = "topology";
    private static final String FLAGS = "flags";

    private final boolean sandboxAllowed;

    /** @param sandboxAllowed whether cells may point at the built-in sandbox fleet ({@code sandbox://ID}) */
    public RingsLoader(boolean sandboxAllowed) {
        this.sandboxAllowed = sandboxAllowed;
    }

    /** Reads the tree under {@code dir}. Files that are not YAML (README.md, .gitkeep) are ignored. */
    public LoadResult load(Path dir) {
        List<Problem> problems = new ArrayList<>();
        SortedMap<String, String> files = new TreeMap<>();
        SortedSet<String> folders = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return new LoadResult.Invalid(List.of(new Problem(dir.toString(), 0, "", "no such directory")));
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                String relative = dir.relativize(path).toString().replace('\\', '/');
                if (relative.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(path)) {
                    folders.add(relative);
                } else if (Files.isRegularFile(path) && Layout.of(relative).isRead()) {
                    read(path).ifPresentOrElse(text -> files.put(relative, text), () -> problems.add(
                            new Problem(relative, 0, "", "not valid UTF-8; rings/ files are UTF-8 text")));
                } else {
                    files.put(relative, ""); // not read; only its place in the layout matters
                }
            }
        } catch (IOException e) {
            problems.add(new Problem(dir.toString(), 0, "", "cannot be read: " + e));
        }
        return load(files, folders, problems);
    }

    /**
     * Reads a tree given as relative path (with {@code /} separators) to file content, without touching the disk:
     * what a dry run validates before a merge request lands.
     */
    public LoadResult load(Map<String, String> files) {
        List<Problem> problems = new ArrayList<>();
        SortedMap<String, String> tree = new TreeMap<>();
        files.forEach((path, content) -> {
            String relative = path.startsWith("./") ? path.substring(2) : path;
            if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\")
                    || List.of(relative.split("/", -1)).stream().anyMatch(s -> s.isEmpty() || s.equals("..")
                    || s.equals("."))) {
                problems.add(new Problem(path, 0, "", "not a relative path inside rings/ (use / between folders)"));
            } else {
                tree.put(relative, content);
            }
        });
        return load(tree, new TreeSet<>(), problems);
    }

    private LoadResult load(SortedMap<String, String> files, SortedSet<String> folders, List<Problem> problems) {
        SortedMap<String, String> read = new TreeMap<>();
        SortedSet<String> subfolders = new TreeSet<>();
        for (String folder : folders) {
            Layout.subfolderOf(folder + "/x").ifPresent(subfolders::add);
        }
        files.forEach((path, content) -> {
            Layout layout = Layout.of(path);
            Layout.subfolderOf(path).ifPresent(subfolders::add);
            if (layout == Layout.UNKNOWN_YAML) {
                problems.add(new Problem(path, 0, "",
                        "not part of the rings/ layout; YAML files belong in checks.yaml, topology/ or flags/"));
            } else if (layout.isRead()) {
                read.put(path, content);
            }
        });
        for (String subfolder : subfolders) {
            problems.add(new Problem(subfolder + "/", 0, "", "not part of the rings/ layout; "
                    + subfolder.substring(0, subfolder.indexOf('/')) + "/ has no subfolders"));
        }

        String version = version(read);
        Map<String, YamlTree.Node> roots = new TreeMap<>();
        read.forEach((path, content) -> {
            String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
            YamlTree.parse(path, text, problems).ifPresent(root -> roots.put(path, root));
        });

        ChecksFile.Catalog catalog = ChecksFile.Catalog.ABSENT;
        if (read.containsKey(ChecksFile.FILE)) {
            YamlTree.Node root = roots.get(ChecksFile.FILE);
            catalog = root == null ? ChecksFile.Catalog.UNREADABLE
                    : ChecksFile.read(new Fields.Source(ChecksFile.FILE, problems), root);
        }

        List<RingFile.Parsed> rings = new ArrayList<>();
        Map<String, FlagDefinition> flags = new LinkedHashMap<>();
        boolean anyRingFile = false;
        for (String path : read.keySet()) {
            Layout layout = Layout.of(path);
            YamlTree.Node root = roots.get(path);
            anyRingFile |= layout == Layout.RING;
            if (root == null) {
                continue;
            }
            Fields.Source source = new Fields.Source(path, problems);
            if (layout == Layout.RING) {
                rings.add(RingFile.read(source, root, catalog, sandboxAllowed));
            } else if (layout == Layout.FLAG) {
                String fileName = path.substring(FLAGS.length() + 1);
                if (!fileName.endsWith(".yaml")) {
                    problems.add(new Problem(path, 0, "", "flag files are named after the flag with .yaml: NAME.yaml"));
                }
                String name = fileName.substring(0, fileName.lastIndexOf('.'));
                FlagFile.read(source, root, name, catalog).ifPresent(f -> flags.put(f.name(), f));
            }
        }
        if (!anyRingFile) {
            problems.add(new Problem(TOPOLOGY + "/", 0, "",
                    "no rings: add one file per ring to topology/, e.g. topology/ring-0.yaml"));
        }
        crossCheck(rings, problems);

        if (!problems.isEmpty()) {
            problems.sort(null);
            return new LoadResult.Invalid(problems);
        }
        return new LoadResult.Loaded(new Topology(rings.stream().map(r -> r.ring().orElseThrow()).toList(),
                catalog.checks(), flags, version));
    }

    /** What no single file can know: ring ids, ring names and cell ids are unique across the tree. */
    private static void crossCheck(List<RingFile.Parsed> rings, List<Problem> problems) {
        Map<Integer, RingFile.Parsed> byId = new HashMap<>();
        Map<String, RingFile.Parsed> byName = new HashMap<>();
        Map<String, RingFile.CellSite> cells = new HashMap<>();
        for (RingFile.Parsed ring : rings) {
            if (ring.id() != null) {
                RingFile.Parsed first = byId.putIfAbsent(ring.id(), ring);
                if (first != null) {
                    problems.add(new Problem(ring.file(), ring.idLine(), "id", "ring " + ring.id()
                            + " is also declared in " + first.file() + ":" + first.idLine() + "; ring ids are unique"));
                }
            }
            if (ring.name() != null) {
                RingFile.Parsed first = byName.putIfAbsent(ring.name(), ring);
                if (first != null) {
                    problems.add(new Problem(ring.file(), ring.nameLine(), "name", "ring name \"" + ring.name()
                            + "\" is also used in " + first.file() + ":" + first.nameLine() + "; ring names are unique"));
                }
            }
            for (RingFile.CellSite cell : ring.cells()) {
                RingFile.CellSite first = cells.putIfAbsent(cell.id(), cell);
                if (first != null) {
                    problems.add(new Problem(cell.file(), cell.line(), cell.path(), "cell \"" + cell.id()
                            + "\" is already declared at " + first.where() + "; a cell belongs to one ring, once"));
                }
            }
        }
    }

    /** Hex SHA-256 over the sorted (path, content) pairs, each length-prefixed so no two trees collide by shifting. */
    private static String version(SortedMap<String, String> files) {
        Sha256 digest = Sha256.start();
        files.forEach((path, content) -> digest.add(path).add(content));
        return digest.hex();
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Where a path sits in the rings/ layout. */
    private enum Layout {
        CHECKS, RING, FLAG, IGNORED, UNKNOWN_YAML, IN_SUBFOLDER;

        boolean isRead() {
            return this == CHECKS || this == RING || this == FLAG;
        }

        /** {@code topology/NAME} or {@code flags/NAME} when the path lies in such a subfolder. */
        static Optional<String> subfolderOf(String path) {
            String[] parts = path.split("/");
            return parts.length > 2 && (parts[0].equals(TOPOLOGY) || parts[0].equals(FLAGS))
                    ? Optional.of(parts[0] + "/" + parts[1]) : Optional.empty();
        }

        static Layout of(String path) {
            String[] parts = path.split("/");
            String lower = path.toLowerCase(java.util.Locale.ROOT);
            boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
            if (parts.length == 1) {
                return path.equals(ChecksFile.FILE) ? CHECKS : yaml ? UNKNOWN_YAML : IGNORED;
            }
            if (parts[0].equals(TOPOLOGY) || parts[0].equals(FLAGS)) {
                if (parts.length > 2) {
                    return IN_SUBFOLDER;
                }
                return !yaml ? IGNORED : parts[0].equals(TOPOLOGY) ? RING : FLAG;
            }
            return yaml ? UNKNOWN_YAML : IGNORED;
        }
    }
}
