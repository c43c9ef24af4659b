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
}
