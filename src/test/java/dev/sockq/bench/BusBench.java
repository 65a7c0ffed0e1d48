package dev.sockq.bench;

import com.hazelcast.config.Config;
import dev.sockq.SockqServer;
import dev.sockq.bus.Addresses;
import dev.sockq.cluster.ClusterSetup;
import dev.sockq.config.SockqConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Event-bus throughput of the JSON API: puts/s, then reserve+delete/s, with a window of requests
 * in flight, over the local bus (client and sockq in one Vert.x) or a loopback cluster (two
 * Hazelcast members in this JVM: every request crosses a real TCP connection). Prints one JSON line.
 *
 * <pre>java -cp target/sockq.jar:target/test-classes dev.sockq.bench.BusBench --mode cluster -n 100000 -c 64</pre>
 */
public final class BusBench {
    private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(60_000);

    public static void main(String[] args) throws Exception {
        String mode = "local";
        int count = 100_000;
        int concurrency = 64;
        int bodySize = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "-n" -> count = Integer.parseInt(args[++i]);
                case "-c" -> concurrency = Integer.parseInt(args[++i]);
                case "-d" -> bodySize = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: BusBench [--mode local|cluster] [-n N] [-c C] [-d BYTES]");
            }
        }
        if (!mode.equals("local") && !mode.equals("cluster")) {
            throw new IllegalArgumentException("--mode must be local or cluster");
        }
        JsonObject serverConfig = new JsonObject().put("port", 0).put("udpPort", -1).put("httpPort", -1)
                .put("inMemory", true).put("cluster", mode.equals("cluster"));
        Vertx serverVertx;
        Vertx clientVertx;
        long joinMs = -1;
        if (mode.equals("cluster")) {
            String name = "sockq-bench-" + UUID.randomUUID(); // never joins anyone else's cluster
            long t0 = System.nanoTime();
            serverVertx = ClusterSetup.start(null, new VertxOptions(), named(name), "127.0.0.1", 0).await();
            clientVertx = ClusterSetup.start(null, new VertxOptions(), named(name), "127.0.0.1", 0).await();
            joinMs = (System.nanoTime() - t0) / 1_000_000;
        } else {
            serverVertx = Vertx.vertx();
            clientVertx = serverVertx;
        }
        SockqServer server = new SockqServer(serverVertx, SockqConfig.from(serverConfig));
        server.start().await();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.servesApi() && System.nanoTime() < deadline) {
            Thread.sleep(10); // the API leadership is taken asynchronously in a cluster
        }
        String body = "x".repeat(bodySize);
        JsonObject put = new JsonObject().put("tube", "bench").put("body", body);
        JsonObject reserve = new JsonObject().put("tubes", new JsonArray().add("bench")).put("timeout", 0);
        Vertx client = clientVertx;
        // warm-up (JIT, connections, the cluster's handler lookup), drained again before measuring
        int warm = Math.min(count, 2_000);
        measure(warm, concurrency, i -> request(client, Addresses.PUT, put));
        measure(warm, concurrency, i -> reserveAndDelete(client, reserve));

        double putsPerSec = measure(count, concurrency, i -> request(client, Addresses.PUT, put));
        double reserveDeletesPerSec = measure(count, concurrency, i -> reserveAndDelete(client, reserve));
        JsonObject result = new JsonObject().put("mode", mode).put("count", count).put("concurrency", concurrency)
                .put("bodySize", bodySize).put("putsPerSec", Math.round(putsPerSec))
                .put("reserveDeletesPerSec", Math.round(reserveDeletesPerSec));
        if (joinMs >= 0) {
            result.put("clusterJoinMs", joinMs);
        }
        System.out.println("RESULT " + result.encode());
        server.stop().await();
        if (clientVertx != serverVertx) {
            clientVertx.close().await();
        }
        serverVertx.close().await();
    }

    private static Config named(String name) {
        Config c = ClusterSetup.hazelcastConfig(null);
        c.setClusterName(name);
        return c;
    }

    private static Future<JsonObject> request(Vertx v, String address, JsonObject body) {
        return v.eventBus().<JsonObject>request(address, body, TIMEOUT).map(m -> m.body());
    }

    private static Future<JsonObject> reserveAndDelete(Vertx v, JsonObject reserve) {
        return request(v, Addresses.RESERVE, reserve)
                .compose(job -> request(v, Addresses.DELETE, new JsonObject().put("id", job.getLong("id"))));
    }

    /** Runs {@code op} n times with {@code concurrency} in flight; returns operations per second. */
    private static double measure(int n, int concurrency, IntFunction<Future<?>> op) {
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            lanes.add(lane(next, n, op));
        }
        Future.all(lanes).await();
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    private static Future<Void> lane(AtomicInteger next, int n, IntFunction<Future<?>> op) {
        int i = next.getAndIncrement();
        if (i >= n) {
            return Future.succeededFuture();
        }
        return op.apply(i).compose(x -> lane(next, n, op));
    }
}
