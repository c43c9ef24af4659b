package dev.ripple.rollout;

/** A flag has at most one active rollout; this names the one in the way. */
public class FlagBusyException extends RuntimeException {
    private final long activeId;

    public FlagBusyException(String flag, long activeId) {
        super("flag '" + flag + "' already has an active rollout: " + activeId);
        this.activeId = activeId;
    }

    public long activeId() {
        return activeId;
    }
}
