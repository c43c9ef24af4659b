package dev.ripple.auth;

/** Where a request came from: the REST API, or a chat command (Slack or another bot). */
public enum Channel {
    API, CHAT;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
