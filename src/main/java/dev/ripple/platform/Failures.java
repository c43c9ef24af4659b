package dev.ripple.platform;

/** Turns exceptions from remote calls into text an operator can act on. */
public final class Failures {
    private Failures() {
    }

    /**
     * The root cause's type and message ({@code ConnectException: Connection refused}): what went wrong, without the
     * wrapping layers, and never request headers, where tokens travel.
     */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /**
     * True when {@code t}, or a cause of it, is a timeout: Mutiny's {@code ifNoItem} or {@code await().atMost}, or the
     * HTTP client's own read timeout (Vert.x's {@code NoStackTraceTimeoutException}). Which of these fires first
     * depends on how busy the machine is, so callers name all of them the same way.
     */
    public static boolean isTimeout(Throwable t) {
        return anyCause(t, c -> c instanceof java.util.concurrent.TimeoutException
                || c instanceof io.smallrye.mutiny.TimeoutException);
    }

    /**
     * True when {@code t} comes from waiting too long for a database connection: every connection of the pool is in
     * use (a burst of requests, a slow database). Agroal says so only in the message of a plain SQLException
     * ("Sorry, acquisition timeout!", "Acquisition timeout while waiting for new connection").
     */
    public static boolean noDatabaseConnection(Throwable t) {
        return anyCause(t, c -> c instanceof java.sql.SQLException && c.getMessage() != null
                && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("acquisition timeout"));
    }

    /** Whether {@code t} or any of its causes is one {@code test} accepts. */
    private static boolean anyCause(Throwable t, java.util.function.Predicate<Throwable> test) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (test.test(c)) {
                return true;
            }
        }
        return false;
    }

    /** A remote answer's body quoted in a failure reason: one line, at most 200 characters. */
    public static String snippet(String body) {
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
