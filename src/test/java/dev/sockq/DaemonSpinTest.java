package dev.sockq;

import dev.sockq.config.SockqConfig;
import dev.sockq.support.MetricsScrape;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --daemon-spin-us over TCP and UDP: one client's next command finds the daemon's thread awake, counted in /metrics. */
class DaemonSpinTest {
    private static final String SAVED = "sockq_daemon_wakeups_saved_total";

    /** Sends 50 puts one at a time, as a lone client does, and returns the wake-ups the daemon saved. */
    private static double loneClientPuts(JsonObject conf) throws Exception {
        try (TestServer s = TestServer.start(conf.put("httpPort", 0)); RawClient c = s.client()) {
            for (int i = 1; i <= 50; i++) {
                assertEquals("INSERTED " + i + "\r\n", c.call("put 0 0 60 1\r\nx\r\n"));
            }
            return MetricsScrape.scrape(s.httpPort()).get(SAVED);
        }
    }

    @Test
    void aLoneClientsNextCommandFindsTheDaemonAwake() throws Exception {
        // 10 ms: far longer than a loopback round trip, so nearly every put after the first is caught
        double saved = loneClientPuts(new JsonObject().put("daemonSpinUs", 10_000));
        assertTrue(saved > 0, "wake-ups saved: " + saved);
    }

    @Test
    void clientsTakingTurnsNeverStartASpin() throws Exception {
        // two clients, one command each in turn: every turn is lone, but never the same client twice
        // in a row, as with many clients spread over several event loops or shards
        try (TestServer s = TestServer.start(new JsonObject().put("daemonSpinUs", 10_000).put("httpPort", 0));
             RawClient a = s.client(); RawClient b = s.client()) {
            // a session's opening is a turn of its own and may come just before its first command (a
            // legitimate lone run): two rounds first, so that both are open and the last two turns differ
            for (int i = 0; i < 2; i++) {
                assertEquals("USING default\r\n", a.call("use default\r\n"));
                assertEquals("USING default\r\n", b.call("use default\r\n"));
            }
            double before = MetricsScrape.scrape(s.httpPort()).get(SAVED);
            for (int i = 1; i <= 50; i += 2) {
                assertEquals("INSERTED " + i + "\r\n", a.call("put 0 0 60 1\r\nx\r\n"));
                assertEquals("INSERTED " + (i + 1) + "\r\n", b.call("put 0 0 60 1\r\ny\r\n"));
            }
            assertEquals(before, MetricsScrape.scrape(s.httpPort()).get(SAVED));
        }
    }

    @Test
    void aLoneDatagramSendersNextPutFindsTheDaemonAwake() throws Exception {
        try (TestServer s = TestServer.start(new JsonObject().put("daemonSpinUs", 10_000).put("httpPort", 0));
             DatagramSocket u = datagramSocket()) {
            for (int i = 1; i <= 50; i++) {
                assertEquals("INSERTED " + i + "\r\n", put(u, s.udpPort()));
            }
            double saved = MetricsScrape.scrape(s.httpPort()).get(SAVED);
            assertTrue(saved > 0, "wake-ups saved: " + saved);
        }
    }

    @Test
    void datagramSendersTakingTurnsNeverStartASpin() throws Exception {
        // as with the TCP clients above: each put is one sender's, never the same sender's twice in a row,
        // and a TCP client between two datagrams of one sender breaks the run as well
        try (TestServer s = TestServer.start(new JsonObject().put("daemonSpinUs", 10_000).put("httpPort", 0));
             DatagramSocket a = datagramSocket(); DatagramSocket b = datagramSocket(); RawClient c = s.client()) {
            // c's session open, and the last two turns different ones (see above)
            assertEquals("USING default\r\n", c.call("use default\r\n"));
            assertEquals("INSERTED 1\r\n", put(a, s.udpPort()));
            assertEquals("USING default\r\n", c.call("use default\r\n"));
            double before = MetricsScrape.scrape(s.httpPort()).get(SAVED);
            for (int i = 2; i <= 49; i += 3) {
                assertEquals("INSERTED " + i + "\r\n", put(a, s.udpPort()));
                assertEquals("INSERTED " + (i + 1) + "\r\n", put(b, s.udpPort()));
                assertEquals("INSERTED " + (i + 2) + "\r\n", c.call("put 0 0 60 1\r\nx\r\n"));
            }
            assertEquals(before, MetricsScrape.scrape(s.httpPort()).get(SAVED));
        }
    }

    private static DatagramSocket datagramSocket() throws IOException {
        DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        u.setSoTimeout(5000);
        return u;
    }

    /** One datagram put, sent from {@code u}, and the reply to it. */
    private static String put(DatagramSocket u, int port) throws IOException {
        byte[] b = "put 0 0 60 1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        u.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket p = new DatagramPacket(new byte[100], 100);
        u.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void withoutASpinEveryCommandWakesTheDaemon() throws Exception {
        assertEquals(0.0, loneClientPuts(new JsonObject().put("daemonSpinUs", 0)));
    }

    @Test
    void theSpinDefaultsTo100MicrosAndIsBounded() {
        assertEquals(100, SockqConfig.defaults().daemonSpinUs());
        for (long bad : new long[] {-1, SockqConfig.MAX_DAEMON_SPIN_US + 1}) {
            Exception e = assertThrows(IllegalArgumentException.class,
                    () -> SockqConfig.from(new JsonObject().put("daemonSpinUs", bad)));
            assertTrue(e.getMessage().contains("daemonSpinUs"), e.getMessage());
        }
    }
}
