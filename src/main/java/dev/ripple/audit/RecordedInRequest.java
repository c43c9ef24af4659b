package dev.ripple.audit;

import jakarta.enterprise.context.RequestScoped;

/**
 * Whether the HTTP request being served has been recorded already, by whoever handled it (ChatOps records each
 * command under the chat user who typed it). The API's audit filter then leaves it alone instead of recording it
 * twice.
 */
@RequestScoped
public class RecordedInRequest {
    private boolean recorded;

    void mark() {
        recorded = true;
    }

    public boolean recorded() {
        return recorded;
    }
}
