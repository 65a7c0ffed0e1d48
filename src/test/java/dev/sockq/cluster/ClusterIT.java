package dev.sockq.cluster;

import dev.sockq.SockqServer;
import dev.sockq.config.SockqConfig;
import dev.sockq.support.Poll;
import dev.sockq.support.RawClient;
import dev.sockq.support.SockqProcess;
import dev.sockq.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two JVMs on loopback: a sockq node started from the jar with --cluster, and this JVM as a
 * clustered Vert.x client (later also a second sockq node). One cluster for the whole class:
 * joining costs seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final Pattern LISTENING = Pattern.compile("sockq listening tcp=127\\.0\\.0\\.1:(\\d+) ");
    private static final Pattern JOINED = Pattern.compile("sockq joined the cluster in (\\d+) ms");
    private static final Pattern LEADER = Pattern.compile("sockq api leader");
    private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(5_000);

    @TempDir
    static Path dir;
    static Path clusterConfig;
    static SockqProcess node;
    static int nodePort;
    static Vertx client;

    @BeforeAll
    static void startCluster() throws Exception {
        clusterConfig = TestCluster.config(dir);
        long launched = System.nanoTime();
        node = SockqProcess.start(dir, Map.of("SOCKQ_PUSH", "[{\"tube\": \"pushed\", \"address\": \"it.workers\"}]"), "-p", "0", "--udp-port", "-1", "--http-port", "-1", "--in-memory",
                "--cluster", "--cluster-config", clusterConfig.toString());
        Matcher joined = node.await(JOINED, 90, TimeUnit.SECONDS);
        nodePort = Integer.parseInt(node.await(LISTENING, 30, TimeUnit.SECONDS).group(1));
        node.await(LEADER, 30, TimeUnit.SECONDS);
        long nodeReadyMs = ms(launched);
        long joining = System.nanoTime();
        client = ClusterSetup.start(null, new VertxOptions(), ClusterSetup.hazelcastConfig(clusterConfig.toString()),
                "127.0.0.1", 0).await();
        System.out.printf("cluster join: jar node %s ms (launch to API leader %d ms), second member (this JVM) %d ms%n",
                joined.group(1), nodeReadyMs, ms(joining));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close().await();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void aJobPutOverTheClusteredBusIsReservedOverTcp() throws Exception {
        JsonObject put = untilServed("sockq.put", new JsonObject().put("tube", "from-bus").put("body", "hello from the bus"));
        long id = put.getLong("id");
        try (RawClient c = new RawClient(nodePort)) {
            assertEquals("WATCHING 2\r\n", c.call("watch from-bus\r\n"));
            assertEquals("RESERVED " + id + " 18\r\nhello from the bus\r\n", c.call("reserve-with-timeout 5\r\n"));
            assertEquals("DELETED\r\n", c.call("delete " + id + "\r\n"));
        }
    }

    @Test
    @Order(2)
    void aJobPutOverTcpIsReservedAndDeletedOverTheClusteredBus() throws Exception {
        long id;
        try (RawClient c = new RawClient(nodePort)) {
            c.call("use from-tcp\r\n");
            String inserted = c.call("put 0 0 60 13\r\nhello via tcp\r\n");
            assertTrue(inserted.startsWith("INSERTED "), inserted);
            id = Long.parseLong(inserted.trim().substring("INSERTED ".length()));
        }
        JsonObject job = untilServed("sockq.reserve", new JsonObject().put("tubes", new JsonArray().add("from-tcp")).put("timeout", 5));
        assertEquals(id, job.getLong("id"));
        assertEquals("from-tcp", job.getString("tube"));
        assertEquals("hello via tcp", job.getString("body"));
        assertEquals("utf8", job.getString("encoding"));
        request("sockq.delete", new JsonObject().put("id", id));
        try (RawClient c = new RawClient(nodePort)) {
            assertEquals("NOT_FOUND\r\n", c.call("peek " + id + "\r\n"));
        }
    }

    @Test
    @Order(3)
    void aJobPutOverTcpIsPushedToAConsumerInTheOtherJvm() throws Exception {
        BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        MessageConsumer<JsonObject> worker = client.eventBus().consumer("it.workers", m -> {
            received.add(m.body());
            m.reply(new JsonObject()); // done: the job is deleted
        });
        worker.completion().await();
        try (RawClient c = new RawClient(nodePort)) {
            c.call("use pushed\r\n");
            String inserted = c.call("put 0 0 60 11\r\npush me out\r\n");
            long id = Long.parseLong(inserted.trim().substring("INSERTED ".length()));
            JsonObject job = received.poll(30, TimeUnit.SECONDS);
            assertTrue(job != null, "pushed within 30 s");
            assertEquals(id, job.getLong("id"));
            assertEquals("pushed", job.getString("tube"));
            assertEquals("push me out", job.getString("body"));
            Poll.until(() -> {
                try {
                    return c.call("peek " + id + "\r\n").equals("NOT_FOUND\r\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } finally {
            worker.unregister().await();
        }
    }

    @Test
    @Order(4)
    void theDaemonsInternalAddressesCannotBeReachedFromAnotherNode() {
        // the jar node consumes sockq.daemon.* with localConsumer: invisible to this JVM
        ReplyException e = assertThrows(ReplyException.class,
                () -> client.eventBus().request("sockq.daemon.control", "snapshot", QUICK).await());
        assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
    }

    @Test
    @Order(5)
    void aSecondNodeServesItsOwnSocketsAndTakesOverTheApiWhenTheLeaderDies() throws Exception {
        SockqServer second = new SockqServer(client, SockqConfig.from(new JsonObject().put("port", 0)
                .put("udpPort", -1).put("httpPort", -1).put("inMemory", true).put("cluster", true)));
        second.start().await();
        try {
            assertFalse(second.servesApi(), "the jar node leads");
            // each node owns its jobs: a put on the second node stays there
            try (RawClient mine = new RawClient(second.tcpPort()); RawClient theirs = new RawClient(nodePort)) {
                mine.call("use local-only\r\n");
                assertEquals("INSERTED 1\r\n", mine.call("put 0 0 60 4\r\nmine\r\n"));
                theirs.call("use local-only\r\n");
                assertEquals("NOT_FOUND\r\n", theirs.call("peek-ready\r\n"));
                assertEquals("FOUND 1 4\r\nmine\r\n", mine.call("peek-ready\r\n"));
            }
            long killed = System.nanoTime();
            node.close(); // kill -9: Hazelcast drops the member and releases its lock
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!second.servesApi() && System.nanoTime() < deadline) {
                Thread.sleep(20); // polling another component's state: no event to wait on
            }
            assertTrue(second.servesApi(), "the second node took over the API");
            System.out.printf("api failover after kill -9 of the leader: %d ms%n", ms(killed));
            JsonObject put = untilServed("sockq.put", new JsonObject().put("tube", "after-failover").put("body", "still here"),
                    true);
            try (RawClient c = new RawClient(second.tcpPort())) {
                c.call("watch after-failover\r\n");
                assertEquals("RESERVED " + put.getLong("id") + " 10\r\nstill here\r\n", c.call("reserve-with-timeout 5\r\n"));
            }
        } finally {
            second.stop().await();
        }
    }

    /** Requests until the API answers (its registration reaches this node a little after election). */
    private static JsonObject untilServed(String address, JsonObject body) throws InterruptedException {
        return untilServed(address, body, false);
    }

    /**
     * As above; after a failover also retries a TIMEOUT: the dead leader's registration may still be
     * listed for a moment and get the request (a dead node cannot have acted on it).
     */
    private static JsonObject untilServed(String address, JsonObject body, boolean afterFailover)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return request(address, body);
            } catch (ReplyException e) {
                boolean notYet = e.failureType() == ReplyFailure.NO_HANDLERS
                        || (afterFailover && e.failureType() == ReplyFailure.TIMEOUT);
                if (!notYet || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // waiting for a cluster-wide registration: no local event announces it
            }
        }
    }

    private static JsonObject request(String address, JsonObject body) {
        Message<JsonObject> reply = client.eventBus().<JsonObject>request(address, body, QUICK).await();
        return reply.body();
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
