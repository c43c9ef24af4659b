package dev.ripple.notify;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Webhook endpoints on a free loopback port: records what each path receives, answers 200 unless a path is given
 * other answers, and can leave a path's requests unanswered (a sink that accepts the connection and never replies).
 * A Vert.x server of its own, so an unanswered request holds no thread and the stub never slows the sinks down.
 */
final class WebhookStub implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    private final Map<String, Deque<Integer>> answers = new ConcurrentHashMap<>();
    private final Set<String> hanging = ConcurrentHashMap.newKeySet();
    private final Set<String> echoing = ConcurrentHashMap.newKeySet();

    /** One request as the endpoint saw it. */
    record Received(MultiMap headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    WebhookStub() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** The path answers these statuses in turn, then 200. */
    void answer(String path, Integer... statuses) {
        answers.put(path, new ConcurrentLinkedDeque<>(List.of(statuses)));
    }

    /** The path never answers. */
    void hang(String path) {
        hanging.add(path);
    }

    /** The path's answers quote the request's Authorization header back, as a careless endpoint might. */
    void echoAuthorization(String path) {
        echoing.add(path);
    }

    List<Received> received(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        request.body().onSuccess(body -> {
            received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                    .add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString()));
            if (hanging.contains(path)) {
                return;
            }
            Integer scripted = answers.getOrDefault(path, new ConcurrentLinkedDeque<>()).pollFirst();
            request.response().setStatusCode(scripted == null ? 200 : scripted)
                    .end(echoing.contains(path) ? "denied for " + request.getHeader("Authorization") : "ok");
        });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
