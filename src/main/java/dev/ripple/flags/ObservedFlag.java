package dev.ripple.flags;

/** A flag as one cell reports it. */
public record ObservedFlag(String name, Gates gates) {
    public FlagState state() {
        return gates.state();
    }
}
