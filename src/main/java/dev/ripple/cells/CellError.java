package dev.ripple.cells;

/**
 * Why a call to a cell failed, as a value: what kind of failure, a message fit for an operator (never a secret),
 * the HTTP status if there was one, and how many attempts were made.
 */
public record CellError(Kind kind, String message, Integer httpStatus, int attempts) {

    public enum Kind {
        /** The change was refused before sending (a percentage over 100, an unsupported actor kind). */
        INVALID(false),
        /** The adapter cannot express this change (e.g. organization actors on GitLab). */
        UNSUPPORTED(false),
        /** The cell refused the change with a 400 and said why. */
        REJECTED(false),
        /** The cell refused the token (401/403). */
        UNAUTHORIZED(false),
        /** The credential reference could not be read. */
        CREDENTIAL_MISSING(false),
        /** The cell answered 429 and kept answering it through every retry. */
        RATE_LIMITED(true),
        /** The cell answered 5xx through every retry. */
        SERVER_ERROR(true),
        /** No answer in time. */
        TIMEOUT(true),
        /** Connection refused, reset or closed. */
        UNREACHABLE(true),
        /** The cell answered something the adapter could not understand. */
        BAD_RESPONSE(false),
        /** The cell's breaker is open after repeated failures; no call was made. */
        CIRCUIT_OPEN(true);

        private final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        /** Whether trying again later may succeed. */
        public boolean isTransient() {
            return transientFailure;
        }

        public String wireName() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    @Override
    public String toString() {
        return kind.wireName() + (httpStatus != null ? " (HTTP " + httpStatus + ")" : "") + ": " + message
                + (attempts > 1 ? " after " + attempts + " attempts" : "");
    }
}
