package dev.ripple.flags;

/** A gate change that no cell would accept; raised before anything is sent. */
public class InvalidGateChangeException extends IllegalArgumentException {
    public InvalidGateChangeException(String message) {
        super(message);
    }
}
