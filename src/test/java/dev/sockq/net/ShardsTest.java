package dev.sockq.net;

import dev.sockq.bus.Shards;
import dev.sockq.support.Poll;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import dev.sockq.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --daemon-shards 2 through real sockets: routing by tube and id, cross-shard reserve, aggregation, journals. */
class ShardsTest {
    /** A tube on shard 0 and one on shard 1 ("default" is on shard 1 with two shards). */
    private static final String A = tubeOn(0);
    private static final String B = tubeOn(1);

    @TempDir
    Path dir;
    private TestServer server;

    private static String tubeOn(int shard) {
        for (int i = 0; ; i++) {
            if (Shards.ofTube("t" + i, 2) == shard) {
                return "t" + i;
            }
        }
    }

    @BeforeEach
    void start() {
        server = TestServer.start(new JsonObject().put("daemonShards", 2).put("tcpInstances", 2));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static RawClient watchingBoth(TestServer s) throws IOException {
        RawClient w = s.client();
        assertEquals("WATCHING 2\r\n", w.call("watch " + A + "\r\n"));
        assertEquals("WATCHING 3\r\n", w.call("watch " + B + "\r\n"));
        assertEquals("WATCHING 2\r\n", w.call("ignore default\r\n"));
        return w;
    }

    private static long put(RawClient c, String tube, int pri, String body) throws IOException {
        c.call("use " + tube + "\r\n");
        String r = c.call("put " + pri + " 0 60 " + body.length() + "\r\n" + body + "\r\n");
        assertTrue(r.startsWith("INSERTED "), r);
        return Long.parseLong(r.trim().split(" ")[1]);
    }

    private static long stat(RawClient c, String command, String key) throws IOException {
        for (String line : c.call(command + "\r\n").split("\n")) {
            if (line.startsWith(key + ": ")) {
                return Long.parseLong(line.substring(key.length() + 2).trim());
            }
        }
        throw new AssertionError(key + " missing from " + command);
    }

    @Test
    void idsCarryTheirShardAndIdCommandsFindTheirJob() throws IOException {
        try (RawClient c = server.client()) {
            assertEquals(1, put(c, A, 5, "a1"));
            assertEquals(3, put(c, A, 5, "a2"));
            assertEquals(2, put(c, B, 5, "b1"));
            assertEquals("FOUND 2 2\r\nb1\r\n", c.call("peek 2\r\n"));
            assertTrue(c.call("stats-job 3\r\n").contains("tube: " + A + "\n"));
            assertEquals("USING " + A + "\r\n", c.call("use " + A + "\r\n"));
            assertEquals("FOUND 1 2\r\na1\r\n", c.call("peek-ready\r\n"));
            assertEquals("DELETED\r\n", c.call("delete 2\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("delete 2\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("peek 1000\r\n"));
            // pipelined across shards: the replies still come in command order
            assertEquals("FOUND 1 2\r\na1\r\nFOUND 3 2\r\na2\r\nNOT_FOUND\r\nUSING " + A + "\r\n",
                    c.call("peek 1\r\npeek 3\r\npeek 2\r\nlist-tube-used\r\n")
                            + c.reply() + c.reply() + c.reply());
        }
    }

    /**
     * A `use` that moves to another shard tells the old shard (UNUSE) before the client hears USING:
     * another connection, on the other TCP event loop, asking right after must see the move. Failed
     * within a few rounds while that UNUSE waited for the end of the event-loop turn.
     */
    @Test
    void anotherConnectionSeesAUseThatMovedShardsAtOnce() throws IOException {
        for (int i = 0; i < 200; i++) {
            try (RawClient c = server.client(); RawClient other = server.client()) {
                c.call("watch " + B + "\r\n"); // keeps B alive when nobody uses it
                c.call("use " + B + "\r\n");
                assertEquals("USING " + A + "\r\n", c.call("use " + A + "\r\n"));
                assertEquals(0, stat(other, "stats-tube " + B, "current-using"), "round " + i);
            }
        }
    }

    @Test
    void useWatchIgnoreAsBeanstalkd() throws IOException {
        try (RawClient c = server.client(); RawClient other = server.client()) {
            assertEquals("WATCHING 2\r\n", c.call("watch " + A + "\r\n"));
            assertEquals("WATCHING 2\r\n", c.call("watch " + A + "\r\n"));
            assertEquals("WATCHING 1\r\n", c.call("ignore default\r\n"));
            assertEquals("NOT_IGNORED\r\n", c.call("ignore " + A + "\r\n"));
            assertEquals("WATCHING 1\r\n", c.call("ignore nosuchtube\r\n"));
            assertEquals("WATCHING 2\r\n", c.call("watch " + B + "\r\n"));
            assertEquals("OK 14\r\n---\n- " + A + "\n- " + B + "\n\r\n", c.call("list-tubes-watched\r\n"));
            assertEquals("USING " + B + "\r\n", c.call("use " + B + "\r\n"));
            assertEquals(1, stat(other, "stats-tube " + B, "current-using"));
            assertEquals(1, stat(other, "stats-tube default", "current-using")); // other itself
            assertEquals("USING " + A + "\r\n", c.call("use " + A + "\r\n"));
            assertEquals(0, stat(other, "stats-tube " + B, "current-using"));
            assertEquals(1, stat(other, "stats-tube " + A, "current-using"));
            assertEquals(1, stat(other, "stats-tube " + A, "current-watching"));
        }
    }

    @Test
    void aClientWatchingBothShardsGetsTheBestPriorityFirst() throws IOException {
        try (RawClient p = server.client(); RawClient w = watchingBoth(server)) {
            long a10 = put(p, A, 10, "a10");
            long b5 = put(p, B, 5, "b5");
            long a1 = put(p, A, 1, "a1");
            long b1 = put(p, B, 1, "b1"); // same priority as a1: the lower id wins
            long b20 = put(p, B, 20, "b20");
            List<Long> order = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String r = w.call("reserve-with-timeout 0\r\n");
                assertTrue(r.startsWith("RESERVED "), r);
                order.add(Long.parseLong(r.split(" ")[1]));
            }
            assertEquals(List.of(Math.min(a1, b1), Math.max(a1, b1), b5, a10, b20), order);
            assertEquals("TIMED_OUT\r\n", w.call("reserve-with-timeout 0\r\n"));
            // the offers that lost left no trace: each job was reserved once, never released
            for (long id : order) {
                assertEquals(1, stat(p, "stats-job " + id, "reserves"));
                assertEquals(0, stat(p, "stats-job " + id, "releases"));
            }
            assertEquals(5, stat(p, "stats", "current-jobs-reserved"));
            assertEquals(6, stat(p, "stats", "cmd-reserve-with-timeout"));
            assertEquals(0, stat(p, "stats", "cmd-release"));
        }
    }

    @Test
    void aWaitingReserveIsAnsweredByAPutOnEitherShard() throws IOException {
        try (RawClient p = server.client(); RawClient w = watchingBoth(server)) {
            w.send("reserve\r\n");
            assertTrue(w.silentFor(200));
            long id = put(p, A, 7, "late");
            assertEquals("RESERVED " + id + " 4\r\nlate\r\n", w.reply());
            w.send("reserve-with-timeout 5\r\n");
            assertTrue(w.silentFor(100));
            long id2 = put(p, B, 7, "later");
            assertEquals("RESERVED " + id2 + " 5\r\nlater\r\n", w.reply());
            // nothing waits any more: the other shard's wait was cancelled
            assertEquals(0, stat(p, "stats", "current-waiting"));
            long start = System.nanoTime();
            assertEquals("TIMED_OUT\r\n", w.call("reserve-with-timeout 1\r\n"));
            assertTrue(System.nanoTime() - start >= 900_000_000L);
        }
    }

    @Test
    void everyJobIsReservedExactlyOnceUnderConcurrentWorkers() throws Exception {
        int jobs = 2000;
        putMany(jobs / 2); // these are offered by both shards at once (phase one)
        Map<Long, Integer> seen = new ConcurrentHashMap<>();
        AtomicBoolean produced = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    int n = 0;
                    try (RawClient w = watchingBoth(server)) {
                        while (true) {
                            // waits on both shards while the producer runs: offers race cancels (phase two)
                            String r = w.call("reserve-with-timeout 1\r\n");
                            if (r.equals("TIMED_OUT\r\n")) {
                                if (produced.get()) {
                                    return n;
                                }
                                continue;
                            }
                            long id = Long.parseLong(r.split(" ")[1]);
                            seen.merge(id, 1, Integer::sum);
                            assertEquals("DELETED\r\n", w.call("delete " + id + "\r\n"));
                            n++;
                        }
                    }
                }));
            }
            pool.submit(() -> {
                for (int i = 0; i < 10; i++) {
                    putMany(jobs / 20);
                }
                produced.set(true);
                return null;
            }).get(60, TimeUnit.SECONDS);
            int total = 0;
            for (Future<Integer> f : workers) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(jobs, total);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(jobs, seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "a job was reserved twice");
        try (RawClient c = server.client()) {
            assertEquals(0, stat(c, "stats", "current-jobs-ready"));
            assertEquals(0, stat(c, "stats", "current-jobs-reserved"));
            assertEquals(0, stat(c, "stats", "current-waiting"));
            assertEquals(jobs, stat(c, "stats", "cmd-delete"));
            assertEquals(0, stat(c, "stats", "cmd-release"));
        }
    }

    /** Puts {@code n} jobs of mixed priorities, alternating between the shards, pipelined. */
    private void putMany(int n) throws IOException {
        try (RawClient p = server.client()) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                batch.append("use ").append(i % 2 == 0 ? A : B).append("\r\nput ").append(i % 7)
                        .append(" 0 60 1\r\nx\r\n");
            }
            p.send(batch.toString());
            for (int i = 0; i < 2 * n; i++) {
                String r = p.reply();
                assertTrue(r.startsWith("USING") || r.startsWith("INSERTED"), r);
            }
        }
    }

    @Test
    void aClientLeavingMidHandoffStrandsNothing() throws Exception {
        try (RawClient p = server.client()) {
            put(p, A, 1, "a");
            put(p, B, 1, "b");
            for (int i = 0; i < 50; i++) {
                RawClient w = watchingBoth(server);
                w.send("reserve\r\n"); // offers go out on both shards; the client leaves before the answer
                w.socket().setSoLinger(true, 0);
                w.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (stat(p, "stats", "current-jobs-reserved") != 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, stat(p, "stats", "current-jobs-reserved"));
            assertEquals(2, stat(p, "stats", "current-jobs-ready"));
            try (RawClient w = watchingBoth(server)) {
                assertTrue(w.call("reserve-with-timeout 0\r\n").startsWith("RESERVED "));
                assertTrue(w.call("reserve-with-timeout 0\r\n").startsWith("RESERVED "));
            }
        }
    }

    @Test
    void deadlineSoonComesFromTheShardHoldingTheJob() throws IOException {
        try (RawClient p = server.client(); RawClient w = watchingBoth(server)) {
            p.call("use " + A + "\r\n");
            assertTrue(p.call("put 0 0 2 1\r\nd\r\n").startsWith("INSERTED "));
            assertTrue(w.call("reserve\r\n").startsWith("RESERVED "));
            assertEquals("WATCHING 1\r\n", w.call("ignore " + A + "\r\n")); // only shard 1's tube is watched now
            long start = System.nanoTime();
            assertEquals("DEADLINE_SOON\r\n", w.call("reserve\r\n")); // shard 0 holds the job about to time out
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
            assertEquals(0, stat(p, "stats", "current-waiting"));
        }
    }

    @Test
    void memoryLimitsHoldForTheServerNotPerShard() throws IOException {
        try (TestServer s = TestServer.start(new JsonObject().put("daemonShards", 2).put("maxTubes", 3)
                .put("maxJobBytes", 3 * (1 + 256)));
             RawClient c = s.client()) {
            put(c, A, 1, "a");
            put(c, A, 1, "a");
            put(c, B, 1, "b"); // three jobs: the budget is spent, though shard 1 holds only one
            assertEquals("OUT_OF_MEMORY\r\n", c.call("put 1 0 60 1\r\nb\r\n"));
            assertEquals("DELETED\r\n", c.call("delete 1\r\n")); // room on shard 0 is room for shard 1
            assertTrue(c.call("put 1 0 60 1\r\nb\r\n").startsWith("INSERTED "));
            // default, A and B: three tubes over both shards are the limit
            assertEquals("OUT_OF_MEMORY\r\n", c.call("watch another\r\n"));
        }
    }

    @Test
    void statsAndListTubesAddUpAcrossShards() throws IOException {
        try (RawClient c = server.client(); RawClient d = server.client()) {
            put(c, A, 1, "a");
            put(c, B, 1, "b");
            put(c, B, 1, "c");
            String tubes = d.call("list-tubes\r\n");
            assertEquals(List.of("default", A, B).stream().sorted().toList(),
                    tubes.lines().filter(l -> l.startsWith("- ")).map(l -> l.substring(2)).sorted().toList());
            d.call("stats\r\n");
            Map<String, String> stats = new java.util.HashMap<>();
            d.call("stats\r\n").lines().filter(l -> l.contains(": "))
                    .forEach(l -> stats.put(l.substring(0, l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)));
            assertEquals("3", stats.get("current-jobs-ready"));
            assertEquals("3", stats.get("cmd-put"));
            assertEquals("3", stats.get("total-jobs"));
            assertEquals("3", stats.get("current-tubes"));
            assertEquals("2", stats.get("current-connections"));
            assertEquals("2", stats.get("cmd-stats")); // counted once each, this one included
            assertEquals("1", stats.get("cmd-list-tubes"));
            assertEquals("3", stats.get("cmd-use"));
            assertEquals(String.valueOf(ProcessHandle.current().pid()), stats.get("pid"));
        }
    }

    @Test
    void clientsByRoleCountOnceThoughTheyTouchBothShards() throws Exception {
        try (RawClient p = server.client(); RawClient w = watchingBoth(server); RawClient idle = server.client()) {
            put(p, A, 1, "a"); // one producer, on both shards
            put(p, B, 1, "b");
            w.send("reserve\r\nreserve\r\nreserve\r\n"); // one worker, then waiting on both shards
            w.reply();
            w.reply();
            assertTrue(w.silentFor(200), "the third reserve waits");
            Map<String, String> stats = new java.util.HashMap<>();
            idle.call("stats\r\n").lines().filter(l -> l.contains(":"))
                    .forEach(l -> stats.put(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).trim()));
            assertEquals("1", stats.get("current-producers"));
            assertEquals("1", stats.get("current-workers"));
            assertEquals("1", stats.get("current-waiting"));
            assertEquals("3", stats.get("current-connections"));
            assertTrue(stats.keySet().stream().noneMatch(k -> k.startsWith("shard-")), "shard lines stay inside: " + stats);
            JsonObject bus = server.vertx().eventBus().<JsonObject>request(Addresses.STATS, new JsonObject(),
                    new DeliveryOptions().setSendTimeout(10_000)).await().body();
            assertEquals(1L, bus.getLong("current-producers"), bus::encode);
            assertEquals(1L, bus.getLong("current-workers"), bus::encode);
            assertEquals(1L, bus.getLong("current-waiting"), bus::encode);
            assertTrue(bus.fieldNames().stream().noneMatch(k -> k.startsWith("shard-")), bus::encode);
        }
    }

    @Test
    void busApiAndDatagramsRouteByTubeAndId() throws Exception {
        EventBus bus = server.vertx().eventBus();
        DeliveryOptions wait = new DeliveryOptions().setSendTimeout(10_000);
        long a = bus.<JsonObject>request(Addresses.PUT, new JsonObject().put("tube", A).put("body", "x"), wait)
                .await().body().getLong("id");
        long b = bus.<JsonObject>request(Addresses.PUT, new JsonObject().put("tube", B).put("body", "y"), wait)
                .await().body().getLong("id");
        assertEquals(0, Shards.ofId(a, 2));
        assertEquals(1, Shards.ofId(b, 2));
        assertEquals(B, bus.<JsonObject>request(Addresses.PEEK, new JsonObject().put("id", b), wait).await().body()
                .getString("tube"));
        assertEquals(2, bus.<JsonObject>request(Addresses.STATS, new JsonObject(), wait).await().body()
                .getLong("current-jobs-ready"));
        JsonObject reserved = bus.<JsonObject>request(Addresses.RESERVE,
                new JsonObject().put("tubes", new JsonArray().add(A)), wait).await().body();
        assertEquals(a, reserved.getLong("id"));
        bus.request(Addresses.DELETE, new JsonObject().put("id", a), wait).await();
        // one bus request has no connection to hand a job over to: tubes of two shards are refused
        ReplyException e = assertThrows(ReplyException.class, () -> bus.request(Addresses.RESERVE,
                new JsonObject().put("tubes", new JsonArray().add(A).add(B)), wait).await());
        assertEquals("BAD_FORMAT", e.getMessage());

        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress()); RawClient c = server.client()) {
            for (String tube : List.of(A, B)) {
                byte[] d = ("use " + tube + "\r\nput 0 0 30 1\r\nd\r\n").getBytes(StandardCharsets.US_ASCII);
                udp.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), server.udpPort()));
                byte[] buf = new byte[64];
                DatagramPacket reply = new DatagramPacket(buf, buf.length);
                udp.setSoTimeout(5_000);
                udp.receive(reply);
                String line = new String(buf, 0, reply.getLength(), StandardCharsets.US_ASCII);
                assertTrue(line.startsWith("INSERTED "), line);
                long id = Long.parseLong(line.trim().split(" ")[1]);
                assertEquals(Shards.ofTube(tube, 2), Shards.ofId(id, 2));
                assertTrue(c.call("stats-job " + id + "\r\n").contains("tube: " + tube + "\n"));
            }
        }
    }

    @Test
    void eachShardPushesItsOwnTubes() throws Exception {
        JsonArray push = new JsonArray();
        for (String tube : List.of(A, B)) {
            push.add(new JsonObject().put("tube", tube).put("address", "workers." + tube).put("jitter", 0));
        }
        try (TestServer s = TestServer.start(new JsonObject().put("daemonShards", 2).put("push", push));
             RawClient c = s.client()) {
            Map<Long, Integer> received = new ConcurrentHashMap<>();
            for (String tube : List.of(A, B)) {
                s.vertx().eventBus().<JsonObject>consumer("workers." + tube, m -> {
                    received.merge(m.body().getLong("id"), 1, Integer::sum);
                    m.reply(new JsonObject());
                }).completion().await();
            }
            for (int i = 0; i < 10; i++) {
                put(c, i % 2 == 0 ? A : B, 1, "p" + i);
            }
            Poll.until(() -> received.size() == 10);
            Poll.until(() -> {
                try {
                    return stat(c, "stats", "current-jobs-reserved") == 0 && stat(c, "stats", "cmd-delete") == 10;
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertTrue(received.values().stream().allMatch(n -> n == 1), "a job was pushed twice");
        }
    }

    @Test
    void metricsAddUpEveryShard() throws Exception {
        try (TestServer s = TestServer.start(new JsonObject().put("daemonShards", 2).put("httpPort", 0));
             RawClient c = s.client()) {
            put(c, A, 1, "a");
            put(c, B, 1, "b");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + s.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("tube=\"" + A + "\""), r.body());
            assertTrue(r.body().contains("tube=\"" + B + "\""), r.body());
        }
    }

    @Test
    void jobsOnBothShardsSurviveARestart() throws IOException {
        JsonObject conf = new JsonObject().put("daemonShards", 2).put("inMemory", false).put("dataDir", dir.toString());
        long a;
        long b;
        try (TestServer s = TestServer.start(conf); RawClient c = s.client()) {
            a = put(c, A, 3, "on-a");
            b = put(c, B, 4, "on-b");
        }
        assertTrue(Files.isDirectory(dir.resolve("shard-0")) && Files.isDirectory(dir.resolve("shard-1")));
        try (TestServer s = TestServer.start(conf); RawClient c = s.client()) {
            assertEquals("FOUND " + a + " 4\r\non-a\r\n", c.call("peek " + a + "\r\n"));
            assertEquals("FOUND " + b + " 4\r\non-b\r\n", c.call("peek " + b + "\r\n"));
            assertEquals(a + 2, put(c, A, 1, "x")); // ids go on after the recovered ones, on their shard
            assertEquals(b + 2, put(c, B, 1, "y"));
        }
        // another shard count would place tubes elsewhere than their jobs: refused, saying why
        assertRefused(conf.copy().put("daemonShards", 1), "--daemon-shards 2");
    }

    @Test
    void oneShardKeepsTheDataFolderAsItWas() throws IOException {
        JsonObject conf = new JsonObject().put("inMemory", false).put("dataDir", dir.toString());
        try (TestServer s = TestServer.start(conf); RawClient c = s.client()) {
            assertEquals(1, put(c, A, 1, "x"));
            assertEquals(2, put(c, B, 1, "y"));
        }
        assertEquals(0, dir.toFile().list((d, name) -> name.startsWith("shard-")).length);
        assertRefused(conf.copy().put("daemonShards", 2), "--daemon-shards 1");
    }

    private static void assertRefused(JsonObject conf, String advice) {
        Vertx vertx = Vertx.vertx();
        try {
            Exception e = assertThrows(Exception.class, () -> TestServer.start(vertx, conf));
            assertTrue(String.valueOf(e.getMessage()).contains(advice), e.getMessage());
        } finally {
            vertx.close().await();
        }
    }
}
