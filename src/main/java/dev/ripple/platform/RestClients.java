package dev.ripple.platform;

import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** REST clients for one service at a URL read from configuration. */
public final class RestClients {
    private RestClients() {
    }

    /**
     * A client of {@code api} at {@code baseUrl}, connecting and reading within {@code timeout}. The default
     * exception mapper is off: callers get every answer as a {@code Response} and classify statuses themselves.
     */
    public static <T> T build(Class<T> api, URI baseUrl, Duration timeout) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUrl)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .build(api);
    }

    /** Closes a client built here, if there is one; a failure to close is not worth more than a debug line. */
    public static void close(Object client) {
        if (client instanceof java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (java.io.IOException | RuntimeException e) {
                Log.debugf("Closing a REST client failed: %s", Failures.describe(e));
            }
        }
    }
}
