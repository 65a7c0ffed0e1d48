package dev.sockq.client;

import dev.sockq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against a real in-process sockq: every command, error mapping, pipelining, reconnect. */
@Timeout(10)
class BeanstalkClientTest {
    private TestServer server;
    private Vertx vertx;
    private BeanstalkClient client;

    @BeforeEach
    void start() {
        server = TestServer.start();
        vertx = Vertx.vertx();
        client = BeanstalkClient.connect(vertx, ClientOptions.of("127.0.0.1", server.port())
                .withReconnect(3, Duration.ofMillis(50))).await();
    }

    @AfterEach
    void stop() {
        client.close().await();
        vertx.close().await();
        server.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandOnce() {
        assertEquals("jobs", client.use("jobs").await());
        assertEquals("jobs", client.listTubeUsed().await());
        assertEquals(2, client.watch("jobs").await());
        assertEquals(1, client.ignore("default").await());
        assertEquals(List.of("jobs"), client.listTubesWatched().await());
        assertTrue(client.listTubes().await().containsAll(List.of("default", "jobs")));

        long id = client.put(10, 0, 60, bytes("hello\r\nworld")).await();
        assertArrayEquals(bytes("hello\r\nworld"), client.peek(id).await().body());
        assertEquals(id, client.peekReady().await().id());
        Map<String, String> job = client.statsJob(id).await();
        assertEquals("jobs", job.get("tube"));
        assertEquals("ready", job.get("state"));
        assertEquals("10", job.get("pri"));

        Job reserved = client.reserve().await();
        assertEquals(id, reserved.id());
        assertArrayEquals(bytes("hello\r\nworld"), reserved.body());
        client.touch(id).await();
        client.release(id, 5, 0).await();
        assertEquals(id, client.reserveWithTimeout(1).await().id());
        client.bury(id, 7).await();
        assertEquals(id, client.peekBuried().await().id());
        assertEquals(1, client.kick(10).await());
        assertEquals(id, client.reserve().await().id());
        client.bury(id, 7).await();
        client.kickJob(id).await();
        client.delete(id).await();

        long delayed = client.put(0, 100, 60, new byte[0]).await();
        Job peeked = client.peekDelayed().await();
        assertEquals(delayed, peeked.id());
        assertEquals(0, peeked.body().length);

        client.pauseTube("jobs", 1).await();
        Map<String, String> tube = client.statsTube("jobs").await();
        assertEquals("jobs", tube.get("name"));
        assertEquals("1", tube.get("cmd-pause-tube"));
        Map<String, String> stats = client.stats().await();
        assertEquals("2", stats.get("cmd-put"));
        assertTrue(stats.containsKey("version"));

        client.quit().await();
    }

    @Test
    void errorRepliesFailWithTheReplyWord() {
        BeanstalkException notFound = assertThrows(BeanstalkException.class, () -> client.delete(424242).await());
        assertEquals("NOT_FOUND", notFound.reply());
        assertEquals("NOT_FOUND", assertThrows(BeanstalkException.class,
                () -> client.statsJob(424242).await()).reply());
        assertEquals("NOT_FOUND", assertThrows(BeanstalkException.class, () -> client.peekReady().await()).reply());
        assertEquals("TIMED_OUT", assertThrows(BeanstalkException.class,
                () -> client.reserveWithTimeout(0).await()).reply());
        assertEquals("NOT_IGNORED", assertThrows(BeanstalkException.class,
                () -> client.ignore("default").await()).reply());
        // the connection is still in step after errors
        assertEquals("default", client.listTubeUsed().await());
    }

    @Test
    void pipelinesAThousandPutsWithoutWaiting() {
        client.use("pipe").await();
        List<Future<Long>> puts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            puts.add(client.put(0, 0, 60, bytes("job " + i)));
        }
        Future.all(puts).await();
        for (int i = 1; i < 1000; i++) {
            assertTrue(puts.get(i).result() > puts.get(i - 1).result(), "replies matched in order");
        }
        assertEquals("1000", client.statsTube("pipe").await().get("current-jobs-ready"));
        client.watch("pipe").await();
        client.ignore("default").await();
        Job first = client.reserve().await();
        assertEquals((long) puts.get(0).result(), first.id());
        assertArrayEquals(bytes("job 0"), first.body());
    }

    @Test
    void framesABodyThatSpansManyReads() {
        byte[] body = new byte[65_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i % 7 == 0 ? '\r' : i % 7 == 1 ? '\n' : i);
        }
        long id = client.put(0, 0, 60, body).await();
        Future<Job> reserved = client.reserve();
        Future<String> next = client.listTubeUsed();
        assertArrayEquals(body, reserved.await().body());
        assertEquals(id, reserved.result().id());
        assertEquals("default", next.await());
    }

    @Test
    void reconnectsAfterTheServerClosesAndRestoresTubes() {
        client.use("after").await();
        client.watch("after").await();
        client.ignore("default").await();
        client.quit().await();

        // the next command opens a new connection, which first gets use/watch/ignore again
        long id = client.put(0, 0, 60, bytes("again")).await();
        assertEquals("after", client.listTubeUsed().await());
        assertEquals(List.of("after"), client.listTubesWatched().await());
        assertEquals(id, client.reserve().await().id());
        assertEquals("2", client.stats().await().get("total-connections"));
    }

    @Test
    void withoutReconnectAClosedConnectionFailsCommands() {
        BeanstalkClient once = BeanstalkClient.connect(vertx, ClientOptions.of("127.0.0.1", server.port())).await();
        once.quit().await();
        assertThrows(RuntimeException.class, () -> once.stats().await());
        once.close().await();
    }

    @Test
    void connectFailsOnAClosedPort() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int closed = port;
        assertThrows(Exception.class, () -> BeanstalkClient.connect(vertx, ClientOptions.of("127.0.0.1", closed))
                .await());
    }
}
