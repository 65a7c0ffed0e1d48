package dev.sockq.net;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sockq.config.SockqConfig;
import dev.sockq.daemon.Daemon;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory and connection limits through real sockets: each answers with its documented error and harms no one else. */
@ExtendWith(VertxExtension.class)
class LimitsTest {
    private static final long JOB = Daemon.JOB_OVERHEAD;

    @Test
    void connectionsPastTheLimitAreClosedWithOneLogLine(Vertx vertx) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ConnectionLimit.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        List<RawClient> open = new ArrayList<>();
        try (TestServer server = TestServer.start(vertx, new JsonObject().put("maxConnections", 3))) {
            for (int i = 0; i < 3; i++) {
                open.add(server.client());
                assertEquals("USING default\r\n", open.get(i).call("list-tube-used\r\n"));
            }
            for (int i = 0; i < 30; i++) {
                try (RawClient extra = server.client()) {
                    extra.send("list-tube-used\r\n");
                    assertTrue(extra.closedByServer(), "connection " + (i + 4) + " was served");
                }
            }
            assertEquals(1, logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), logged.list.toString());
            assertTrue(logged.list.get(0).getFormattedMessage().contains("maxConnections=3"));
            assertEquals("USING default\r\n", open.get(2).call("list-tube-used\r\n"), "the first three are still served");
            open.remove(0).close();
            assertTrue(acceptedWithin(server, 10_000), "a place freed by a close is taken again");
        } finally {
            logger.detachAppender(logged);
            for (RawClient c : open) {
                c.close();
            }
        }
    }

    private static boolean acceptedWithin(TestServer server, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            try (RawClient c = server.client()) {
                c.send("list-tube-used\r\n");
                if (c.line().equals("USING default\r\n")) {
                    return true;
                }
            } catch (java.io.EOFException | java.net.SocketException refused) {
                // the close has not reached the server yet
            }
        }
        return false;
    }

    @Test
    void newTubesPastTheLimitAnswerOutOfMemoryAndChangeNothing(Vertx vertx) throws IOException {
        try (TestServer server = TestServer.start(vertx, new JsonObject().put("maxTubes", 3));
             RawClient c = server.client();
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertEquals("USING a\r\n", c.call("use a\r\n"));
            assertEquals("WATCHING 2\r\n", c.call("watch b\r\n"));
            assertEquals("OUT_OF_MEMORY\r\n", c.call("use c\r\n"));
            assertEquals("OUT_OF_MEMORY\r\n", c.call("watch c\r\n"));
            assertEquals("USING a\r\n", c.call("list-tube-used\r\n"));
            assertEquals("OK 18\r\n---\n- default\n- b\n\r\n", c.call("list-tubes-watched\r\n"));
            assertEquals("OK 22\r\n---\n- default\n- a\n- b\n\r\n", c.call("list-tubes\r\n"));
            assertEquals("WATCHING 3\r\n", c.call("watch a\r\n"), "existing tubes stay usable");
            udp.setSoTimeout(5000);
            assertEquals("OUT_OF_MEMORY\r\n", datagram(udp, server, "use d\r\nput 0 0 60 2\r\nhi\r\n"));
            assertEquals("INSERTED 1\r\n", datagram(udp, server, "use a\r\nput 0 0 60 2\r\nhi\r\n"));
            assertEquals("WATCHING 2\r\n", c.call("ignore b\r\n"));
            assertEquals("USING c\r\n", c.call("use c\r\n"), "b vanished, so there is room for c");
        }
    }

    @Test
    void putsPastTheJobBytesLimitAnswerOutOfMemoryUntilDeletesFreeRoom(Vertx vertx) throws IOException {
        JsonObject limit = new JsonObject().put("maxJobBytes", 3 * (100 + JOB));
        String body = "x".repeat(100);
        try (TestServer server = TestServer.start(vertx, limit);
             RawClient c = server.client();
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            for (int i = 1; i <= 3; i++) {
                assertEquals("INSERTED " + i + "\r\n", c.call("put 0 0 60 100\r\n" + body + "\r\n"));
            }
            assertEquals("OUT_OF_MEMORY\r\n", c.call("put 0 0 60 100\r\n" + body + "\r\n"));
            assertEquals("OUT_OF_MEMORY\r\n", c.call("put 0 0 60 0\r\n\r\n"), "an empty job still costs its bookkeeping");
            assertEquals("OUT_OF_MEMORY\r\n", datagram(udp, server, "put 0 0 60 100\r\n" + body + "\r\n"));
            assertEquals("RESERVED 1 100\r\n" + body + "\r\n", c.call("reserve-with-timeout 0\r\n"), "reads go on");
            assertEquals("BURIED\r\n", c.call("bury 1 0\r\n"));
            assertTrue(c.call("stats\r\n").contains("\ncurrent-jobs-ready: 2\n"));
            assertEquals("DELETED\r\n", c.call("delete 2\r\n"));
            assertEquals("INSERTED 4\r\n", datagram(udp, server, "put 0 0 60 100\r\n" + body + "\r\n"));
            assertEquals("OUT_OF_MEMORY\r\n", c.call("put 0 0 60 100\r\n" + body + "\r\n"));
            assertEquals("DELETED\r\n", c.call("delete 1\r\n"));
            assertEquals("INSERTED 5\r\n", c.call("put 0 0 60 100\r\n" + body + "\r\n"));
        }
    }

    @Test
    void recoveryKeepsEveryJobPastTheJobBytesLimit(@TempDir Path data) throws IOException {
        JsonObject durable = new JsonObject().put("inMemory", false).put("dataDir", data.toString());
        try (TestServer server = TestServer.start(durable); RawClient c = server.client()) {
            for (int i = 1; i <= 5; i++) {
                assertEquals("INSERTED " + i + "\r\n", c.call("put 0 0 60 100\r\n" + "y".repeat(100) + "\r\n"));
            }
        }
        try (TestServer server = TestServer.start(durable.copy().put("maxJobBytes", 2 * (100 + JOB)));
             RawClient c = server.client()) {
            assertTrue(c.call("stats\r\n").contains("\ncurrent-jobs-ready: 5\n"), "all five come back");
            assertEquals("OUT_OF_MEMORY\r\n", c.call("put 0 0 60 1\r\nz\r\n"));
            for (int i = 1; i <= 4; i++) {
                assertEquals("DELETED\r\n", c.call("delete " + i + "\r\n"));
            }
            assertEquals("INSERTED 6\r\n", c.call("put 0 0 60 1\r\nz\r\n"));
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAfterTheSlowClientTimeoutAndItsJobsReturn(Vertx vertx) throws IOException {
        try (TestServer server = TestServer.start(vertx, new JsonObject().put("slowClientTimeout", 1))) {
            long elapsed = dropsNonReader(server);
            assertTrue(elapsed >= 900, "dropped after " + elapsed + " ms, before the timeout");
        }
    }

    @Test
    void aClientOwedMoreThanThePendingOutputCapIsDroppedAtOnce(Vertx vertx) throws IOException {
        JsonObject conf = new JsonObject().put("slowClientTimeout", 0).put("maxPendingOutput", 200_000);
        try (TestServer server = TestServer.start(vertx, conf)) {
            dropsNonReader(server);
        }
    }

    /**
     * A worker reserves a job, then asks for a big job again and again without reading the
     * replies; another worker waiting on the same tube must get the first job back once the
     * silent one is dropped. Returns how long that took, in ms.
     */
    private static long dropsNonReader(TestServer server) throws IOException {
        try (RawClient silent = server.client(); RawClient waiter = server.client()) {
            assertEquals("INSERTED 1\r\n", silent.call("put 0 0 600 1\r\na\r\n"));
            assertEquals("USING big\r\n", silent.call("use big\r\n"));
            assertEquals("INSERTED 2\r\n", silent.call("put 0 0 600 60000\r\n" + "b".repeat(60_000) + "\r\n"));
            assertEquals("RESERVED 1 1\r\na\r\n", silent.call("reserve\r\n"));
            long start = System.nanoTime();
            silent.send("peek 2\r\n".repeat(1000)); // 60 MB of replies, never read
            assertEquals("RESERVED 1 1\r\na\r\n", waiter.call("reserve-with-timeout 20\r\n"));
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waiter.call("stats\r\n").contains("\ncurrent-connections: 1\n"));
            return elapsed;
        }
    }

    @Test
    void announcedSizesAndEndlessLinesAllocateNothing(Vertx vertx) throws Exception {
        JsonObject conf = new JsonObject().put("maxJobSize", SockqConfig.MAX_JOB_SIZE_LIMIT);
        long before = heapAfterGc();
        List<RawClient> announcers = new ArrayList<>();
        try (TestServer server = TestServer.start(vertx, conf); RawClient other = server.client()) {
            byte[] some = new byte[1000];
            for (int i = 0; i < 8; i++) {
                RawClient a = server.client();
                announcers.add(a);
                a.send("put 0 0 60 2000000000\r\n").send(some); // ~2 GB each if allocated on announcement
            }
            RawClient skipper = server.client(); // beyond maxJobSize: skipped as it arrives, never kept
            announcers.add(skipper);
            skipper.send("put 0 0 60 4294967295\r\n").send(new byte[4 << 20]);

            try (RawClient liner = server.client()) {
                OutputStream out = liner.socket().getOutputStream();
                byte[] chunk = new byte[1 << 20];
                Arrays.fill(chunk, (byte) 'x');
                for (int i = 0; i < 16; i++) {
                    out.write(chunk); // a 16 MiB line with no end in sight
                }
                assertEquals("INSERTED 1\r\n", other.call("put 0 0 60 2\r\nok\r\n"), "others are served meanwhile");
                liner.send("\r\nlist-tube-used\r\n");
                assertEquals("BAD_FORMAT\r\n", liner.line(), "one error for the whole line");
                assertEquals("USING default\r\n", liner.line(), "and the connection stays in step");
            }
            long grown = heapAfterGc() - before;
            assertTrue(grown < 256L << 20, "heap grew by " + (grown >> 20) + " MiB");
            assertEquals("RESERVED 1 2\r\nok\r\n", other.call("reserve-with-timeout 0\r\n"));
        } finally {
            for (RawClient a : announcers) {
                a.close();
            }
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String datagram(DatagramSocket udp, TestServer server, String payload) throws IOException {
        byte[] b = payload.getBytes(StandardCharsets.ISO_8859_1);
        udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), server.udpPort()));
        DatagramPacket reply = new DatagramPacket(new byte[1024], 1024);
        udp.receive(reply);
        return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.ISO_8859_1);
    }
}
