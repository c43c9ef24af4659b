package dev.ripple.topology;

/**
 * One thing wrong with a {@code rings/} tree: the file (relative to the tree), where in it, and why.
 * Rendered as {@code file:line: path: reason}, the way compilers report, so editors can jump to it.
 */
public record Problem(String file, int line, String path, String reason) implements Comparable<Problem> {

    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return path == null || path.isEmpty() ? where + ": " + reason : where + ": " + path + ": " + reason;
    }

    @Override
    public int compareTo(Problem o) {
        int byFile = file.compareTo(o.file);
        return byFile != 0 ? byFile : Integer.compare(line, o.line);
    }
}
