package dev.ripple.rollout;

/** An operator action that makes no sense in the rollout's current state. */
public class OperationRefused extends RuntimeException {
    private final RolloutState state;

    public OperationRefused(String message, RolloutState state) {
        super(message);
        this.state = state;
    }

    public RolloutState state() {
        return state;
    }
}
