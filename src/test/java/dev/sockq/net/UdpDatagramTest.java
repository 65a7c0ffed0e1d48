package dev.sockq.net;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Datagram puts through a real UDP socket on loopback, checked through the TCP protocol. */
@ExtendWith(VertxExtension.class)
class UdpDatagramTest {
    private TestServer server;
    private DatagramSocket udp;

    private void start(Vertx vertx, JsonObject conf) throws IOException {
        server = TestServer.start(vertx, conf);
        udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        udp.setSoTimeout(5000);
        udp.setReceiveBufferSize(4 << 20);
    }

    @AfterEach
    void stop() {
        if (udp != null) {
            udp.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void putIntoATubeAndReadItOverTcp(Vertx vertx) throws IOException {
        start(vertx, new JsonObject());
        assertEquals(server.port(), server.udpPort(), "UDP follows the TCP port by default");
        assertEquals("INSERTED 1\r\n", call("use events\r\nput 7 0 30 5\r\nhello\r\n"));
        assertEquals("INSERTED 2\r\n", call("put 0 0 30 3\r\nabc\r\n"));
        try (RawClient c = server.client()) {
            assertEquals("WATCHING 2\r\n", c.call("watch events\r\n"));
            assertEquals("RESERVED 2 3\r\nabc\r\n", c.call("reserve\r\n"));
            assertEquals("RESERVED 1 5\r\nhello\r\n", c.call("reserve\r\n"));
            String job = c.call("stats-job 1\r\n");
            assertTrue(job.contains("tube: events\n") && job.contains("pri: 7\n") && job.contains("ttr: 30\n"), job);
        }
    }

    @Test
    void repeatedTokenInsertsOnceAndAnswersTheSameId(Vertx vertx) throws IOException {
        start(vertx, new JsonObject());
        String a = "id order-17\r\nput 0 0 30 1\r\na\r\n";
        String b = "id order-18\r\nput 0 0 30 1\r\nb\r\n";
        assertEquals("INSERTED 1\r\n", call(a));
        assertEquals("INSERTED 1\r\n", call(a));
        assertEquals("INSERTED 2\r\n", call(b));
        assertEquals("INSERTED 1\r\n", call(a)); // out of order repeat
        assertEquals("INSERTED 2\r\n", call(b));
        Map<String, Long> stats = stats();
        assertEquals(2, stats.get("total-jobs"));
        assertEquals(5, stats.get("udp-datagrams-received"));
        assertEquals(2, stats.get("udp-datagrams-inserted"));
        assertEquals(3, stats.get("udp-datagrams-duplicate"));
    }

    @Test
    void dedupeForgetsAfterItsWindowAndBeyondItsCapacity(Vertx vertx) throws IOException {
        start(vertx, new JsonObject().put("udpDedupeWindow", 1).put("udpDedupeMax", 2));
        assertEquals("INSERTED 1\r\n", call("id t1\r\nput 0 0 30 1\r\na\r\n"));
        assertEquals("INSERTED 2\r\n", call("id t2\r\nput 0 0 30 1\r\nb\r\n"));
        assertEquals("INSERTED 3\r\n", call("id t3\r\nput 0 0 30 1\r\nc\r\n"));
        // t1 was the oldest of three with room for two
        assertEquals("INSERTED 4\r\n", call("id t1\r\nput 0 0 30 1\r\na\r\n"));
        assertEquals("INSERTED 3\r\n", call("id t3\r\nput 0 0 30 1\r\nc\r\n"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        String r;
        do {
            r = call("id t3\r\nput 0 0 30 1\r\nc\r\n");
        } while (r.equals("INSERTED 3\r\n") && System.nanoTime() < deadline);
        assertEquals("INSERTED 5\r\n", r, "after the 1 s window the token is new again");
    }

    @Test
    void badDatagramsGetAnErrorAndInsertNothing(Vertx vertx) throws IOException {
        start(vertx, new JsonObject().put("maxDatagramSize", 300).put("maxJobSize", 100));
        assertEquals("BAD_FORMAT\r\n", call("put 0 0 30 10\r\nshort\r\n"));          // truncated
        assertEquals("EXPECTED_CRLF\r\n", call("put 0 0 30 5\r\nhello!\r\n"));        // wrong count
        assertEquals("BAD_FORMAT\r\n", call("put 0 0 30 5\r\nhello\r\nput 0 0 30 1\r\nx\r\n")); // two messages
        assertEquals("UNKNOWN_COMMAND\r\n", call("stats-tube default\r\n"));           // not use/put
        assertEquals("UNKNOWN_COMMAND\r\n", call("frobnicate 0 0 30 5\r\n"));
        assertEquals("BAD_FORMAT\r\n", call("id " + "t".repeat(65) + "\r\nput 0 0 30 1\r\nx\r\n"));
        assertEquals("BAD_FORMAT\r\n", call("id has space\r\nput 0 0 30 1\r\nx\r\n"));
        assertEquals("BAD_FORMAT\r\n", call("use -bad\r\nput 0 0 30 1\r\nx\r\n"));
        assertEquals("BAD_FORMAT\r\n", call("put 0 0 30\r\nxxxxxxxxxx\r\n"));
        assertEquals("JOB_TOO_BIG\r\n", call("put 0 0 30 101\r\n" + "z".repeat(101) + "\r\n"));
        assertEquals("JOB_TOO_BIG\r\n", call("put 0 0 30 1\r\nx\r\n" + " ".repeat(300)));
        assertEquals("BAD_FORMAT\r\n", call("no line end at all"));
        // never more bytes back than came in: a 3-byte datagram gets no 12-byte error
        send("x\r\n");
        assertNull(receive(300));
        Map<String, Long> stats = stats();
        assertEquals(0, stats.get("total-jobs"));
        assertEquals(0, stats.get("udp-datagrams-inserted"));
        assertEquals(13, stats.get("udp-datagrams-rejected"));
    }

    @Test
    void aFloodOfBadDatagramsDoesNotStopTcpClients(Vertx vertx) throws Exception {
        start(vertx, new JsonObject());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread flood = new Thread(() -> {
            byte[] junk = "put 0 0 30 999\r\nshort\r\n".getBytes(StandardCharsets.US_ASCII);
            try (DatagramSocket f = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                while (!stop.get()) {
                    f.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), server.udpPort()));
                }
            } catch (IOException ignored) {
                // socket closed at the end
            }
        });
        flood.start();
        try (RawClient c = server.client()) {
            for (int i = 1; i <= 300; i++) {
                assertEquals("INSERTED " + i + "\r\n", c.call("put 0 0 30 2\r\nok\r\n"));
                assertEquals("RESERVED " + i + " 2\r\nok\r\n", c.call("reserve-with-timeout 5\r\n"));
                assertEquals("DELETED\r\n", c.call("delete " + i + "\r\n"));
            }
        } finally {
            stop.set(true);
            flood.join();
        }
        Map<String, Long> stats = stats();
        assertTrue(stats.get("udp-datagrams-rejected") > 0, "the flood reached sockq");
        assertEquals(0, stats.get("udp-datagrams-inserted"));
        assertEquals(300, stats.get("total-jobs"));
    }

    @Test
    void repliesCanBeSwitchedOff(Vertx vertx) throws IOException {
        start(vertx, new JsonObject().put("udpReplies", false));
        send("put 0 0 30 4\r\nfire\r\n");
        assertNull(receive(300));
        try (RawClient c = server.client()) {
            assertEquals("RESERVED 1 4\r\nfire\r\n", c.call("reserve-with-timeout 5\r\n"));
        }
    }

    @Test
    void burstWithRetransmissionLosesNothingAndDuplicatesNothing(Vertx vertx) throws IOException {
        start(vertx, new JsonObject());
        int n = 10_000;
        int batch = 50;
        long lastId = 0;
        int retransmitted = 0;
        java.util.Random random = new java.util.Random(7);
        long deadline = System.nanoTime() + 60_000_000_000L;
        // A sender as a real one would be: a window of datagrams, resent whole until every one is
        // acknowledged. Resending is safe only because the tokens make puts idempotent.
        for (int first = 0; first < n; first += batch) {
            Set<Long> ids = new HashSet<>();
            for (int attempt = 0; ids.size() < batch; attempt++) {
                assertTrue(System.nanoTime() < deadline, "burst did not finish in time");
                for (int i = first; i < first + batch; i++) {
                    String body = "job-" + i;
                    String datagram = "id burst-" + i + "\r\nuse burst\r\nput 0 0 60 " + body.length() + "\r\n" + body + "\r\n";
                    // the network we simulate on top of loopback loses 1% and duplicates 1% of first sends
                    int fate = attempt == 0 ? random.nextInt(100) : 50;
                    if (fate >= 1) {
                        send(datagram);
                    }
                    if (fate >= 99) {
                        send(datagram);
                    }
                }
                retransmitted += attempt == 0 ? 0 : batch;
                String r;
                while (ids.size() < batch && (r = receive(attempt == 0 ? 30 : 300)) != null) {
                    long id = Long.parseLong(r.trim().substring("INSERTED ".length()));
                    if (id > lastId) {
                        ids.add(id); // ignore late replies to an earlier window
                    }
                }
            }
            lastId = ids.stream().mapToLong(Long::longValue).max().orElseThrow();
        }
        System.out.println("burst: " + n + " datagrams, " + retransmitted + " retransmitted");
        Map<String, Long> stats = stats();
        assertEquals(n, stats.get("total-jobs"), "every datagram acknowledged, none inserted twice");
        assertEquals(n, lastId);
        try (RawClient c = server.client()) {
            c.call("watch burst\r\n");
            Set<String> bodies = new HashSet<>();
            c.send("reserve-with-timeout 0\r\n".repeat(n)); // pipelined
            for (int i = 0; i < n; i++) {
                String r = c.reply();
                assertTrue(r.startsWith("RESERVED "), r);
                bodies.add(r.split("\r\n")[1]);
            }
            assertEquals("TIMED_OUT\r\n", c.call("reserve-with-timeout 0\r\n"));
            assertEquals(n, bodies.size());
        }
    }

    @Test
    void severalInstancesShareThePortWithTheNativeTransport() throws IOException {
        Vertx nativeVertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();
        try {
            server = TestServer.start(nativeVertx, new JsonObject().put("udpInstances", 3));
            udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            udp.setSoTimeout(5000);
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                ids.add(call("id s" + i + "\r\nput 0 0 30 1\r\nx\r\n"));
            }
            assertEquals(50, ids.size());
        } finally {
            server.close();
            server = null;
            nativeVertx.close().await();
        }
    }

    private String call(String datagram) throws IOException {
        send(datagram);
        String r = receive(5000);
        assertNotEquals(null, r, "no reply to " + datagram);
        return r;
    }

    private void send(String datagram) throws IOException {
        byte[] b = datagram.getBytes(StandardCharsets.ISO_8859_1);
        udp.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), server.udpPort()));
    }

    private String receive(int timeoutMs) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.setSoTimeout(timeoutMs);
        try {
            udp.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private Map<String, Long> stats() throws IOException {
        try (RawClient c = server.client()) {
            Map<String, Long> m = new HashMap<>();
            Matcher kv = Pattern.compile("(?m)^([a-z-]+): (\\d+)$").matcher(c.call("stats\r\n"));
            while (kv.find()) {
                m.put(kv.group(1), Long.parseLong(kv.group(2)));
            }
            return m;
        }
    }
}
