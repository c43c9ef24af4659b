package dev.ripple.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A tiny HTTP server on a free loopback port standing in for a service Ripple calls (Prometheus, Alertmanager). A
 * test sets what it answers and reads back what it was asked, query parameters decoded as the real service decodes
 * them. It can also never answer, until it is closed.
 */
public final class StubHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answers = request -> Answer.status(404);

    private StubHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubHttpServer start() {
        try {
            return new StubHttpServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}, no trailing slash. */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Answers every request with {@code answer}. */
    public StubHttpServer answer(Answer answer) {
        return answer(request -> answer);
    }

    public StubHttpServer answer(Function<Request, Answer> answers) {
        this.answers = answers;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the stub server was not called");
        }
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    decode(exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            Answer answer = answers.apply(request);
            if (answer.hang) {
                closing.await();
                return;
            }
            byte[] body = answer.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType);
            exchange.sendResponseHeaders(answer.status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** As Go's {@code url.ParseQuery} reads it: {@code +} is a space, {@code %XX} a byte. */
    private static Map<String, List<String>> decode(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    /** What the server was asked: {@code query} maps each parameter to its decoded values, in order. */
    public record Request(String method, String path, Map<String, List<String>> query, String authorization,
                          String body) {
        public String param(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public List<String> params(String name) {
            return query.getOrDefault(name, List.of());
        }
    }

    /** What the server answers. */
    public static final class Answer {
        private final int status;
        private final String contentType;
        private final String body;
        private final boolean hang;

        private Answer(int status, String contentType, String body, boolean hang) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.hang = hang;
        }

        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, false);
        }

        public static Answer json(String body) {
            return json(200, body);
        }

        public static Answer text(int status, String body) {
            return new Answer(status, "text/plain; charset=utf-8", body, false);
        }

        public static Answer status(int status) {
            return text(status, "");
        }

        /** Accepts the request and never answers (until the server is closed). */
        public static Answer never() {
            return new Answer(0, "", "", true);
        }
    }

    /** A loopback port nothing listens on: connecting to it is refused. */
    public static String refusingUrl() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
