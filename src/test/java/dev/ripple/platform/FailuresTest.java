package dev.ripple.platform;

import io.vertx.core.impl.NoStackTraceTimeoutException;
import jakarta.ws.rs.ProcessingException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {

    @Test
    void theHttpClientsOwnReadTimeoutIsATimeoutEvenWhenWrapped() {
        // Given what the REST client fails with when its read timeout fires before the caller's own timer
        Throwable wrapped = new ProcessingException(new NoStackTraceTimeoutException(
                "The timeout period of 500ms has been exceeded while executing GET /api/v1/query for server x"));

        // When / Then
        assertThat(Failures.isTimeout(wrapped)).isTrue();
    }

    @Test
    void mutinysTimeoutsAreTimeouts() {
        assertThat(Failures.isTimeout(new io.smallrye.mutiny.TimeoutException())).isTrue();
        assertThat(Failures.isTimeout(new CompletionException(new java.util.concurrent.TimeoutException())))
                .isTrue();
    }

    @Test
    void aRefusedConnectionIsNotATimeout() {
        assertThat(Failures.isTimeout(new ProcessingException(new ConnectException("Connection refused")))).isFalse();
        assertThat(Failures.isTimeout(new IllegalStateException("blocking on an event loop"))).isFalse();
    }
}
