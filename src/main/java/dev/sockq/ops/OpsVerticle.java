package dev.sockq.ops;

import dev.sockq.bus.Addresses;
import dev.sockq.daemon.Snapshot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The operations port: {@code /health} (the process answers), {@code /ready} (sockets bound,
 * journal recovered, not stopping) and {@code /metrics} (Prometheus text: sockq's own metrics,
 * plus Vert.x and JVM metrics when Vert.x runs with Micrometer).
 */
public final class OpsVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final BooleanSupplier ready;
    private final DatagramCounters datagrams;
    private final List<PushCounters> push;
    private final int shards;
    private HttpServer server;

    public OpsVerticle(String host, int port, BooleanSupplier ready, DatagramCounters datagrams, List<PushCounters> push,
                       int shards) {
        this.host = host;
        this.port = port;
        this.ready = ready;
        this.datagrams = datagrams;
        this.push = push;
        this.shards = shards;
    }

    /** Every daemon shard's counters, added up. */
    private Future<Snapshot> snapshot() {
        List<Future<Snapshot>> parts = new ArrayList<>(shards);
        for (int k = 0; k < shards; k++) {
            parts.add(vertx.eventBus().<Snapshot>request(Addresses.ofShard(Addresses.DAEMON_CONTROL, k, shards),
                    "snapshot", Addresses.LOCAL).map(Message::body));
        }
        return Future.all(parts).map(all -> Snapshot.sum(all.list()));
    }

    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        return server.listen(port, host);
    }

    private void handle(HttpServerRequest req) {
        switch (req.path()) {
            case "/health" -> json(req, 200, new JsonObject().put("status", "UP"));
            case "/ready" -> {
                boolean ok = ready.getAsBoolean();
                json(req, ok ? 200 : 503, new JsonObject().put("status", ok ? "READY" : "NOT_READY"));
            }
            case "/metrics" -> snapshot()
                    .onSuccess(snapshot -> {
                        StringBuilder text = new StringBuilder(PrometheusText.render(snapshot, datagrams, push));
                        if (BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry registry) {
                            text.append(registry.scrape());
                        }
                        req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(text.toString());
                    })
                    .onFailure(e -> req.response().setStatusCode(503).end("daemon not answering: " + e.getMessage() + "\n"));
            default -> req.response().setStatusCode(404).end();
        }
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
