package dev.ripple.notify;

/** Hands notifications to the configured sinks. Returns at once and never throws: a sink never slows a rollout. */
public interface Notifier {
    void publish(RolloutNotification notification);
}
