package dev.ripple.chatops;

import dev.ripple.platform.Failures;
import dev.ripple.platform.HttpUrls;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Posts a reply that came too late for Slack's 3 seconds to the request's {@code response_url}, without blocking a
 * thread. Only URLs under {@code ripple.chatops.slack.response-url-prefix} are posted to (Slack's own, in
 * production), and a response URL is never logged: it is a credential for the channel.
 */
@ApplicationScoped
class SlackResponder {
    private static final Logger LOG = Logger.getLogger(SlackResponder.class);

    private final WebClient client;
    private final String prefix;
    private final Duration timeout;

    SlackResponder(Vertx vertx, ChatOpsConfig config) {
        this.prefix = config.slack().responseUrlPrefix();
        this.timeout = config.slack().postTimeout();
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("Ripple")
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    }

    boolean allowed(String responseUrl) {
        return responseUrl != null && responseUrl.startsWith(prefix) && HttpUrls.link(responseUrl).isPresent();
    }

    void post(String responseUrl, ChatReply reply) {
        if (!allowed(responseUrl)) {
            LOG.warnf("Not posting the late reply to '%s': the request's response_url is not under %s",
                    reply.command(), prefix);
            return;
        }
        JsonObject body = new JsonObject().put("response_type", SlackCommands.responseType(reply))
                .put("text", reply.text()).put("replace_original", false);
        client.postAbs(responseUrl).timeout(timeout.toMillis()).sendJsonObject(body)
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .subscribe().with(response -> {
                    if (response.statusCode() >= 300) {
                        LOG.warnf("Slack answered HTTP %d to the late reply to '%s'", response.statusCode(),
                                reply.command());
                    }
                }, failure -> LOG.warnf("Could not post the late reply to '%s' to Slack: %s", reply.command(),
                        Failures.isTimeout(failure) ? "no answer within " + timeout.toMillis() + " ms"
                                : failure.getClass().getSimpleName()));
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
