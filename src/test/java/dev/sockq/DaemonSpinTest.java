package dev.sockq;

import dev.sockq.config.SockqConfig;
import dev.sockq.support.MetricsScrape;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --daemon-spin-us over TCP: one client's next command finds the daemon's thread awake, counted in /metrics. */
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
            for (int i = 1; i <= 50; i += 2) {
                assertEquals("INSERTED " + i + "\r\n", a.call("put 0 0 60 1\r\nx\r\n"));
                assertEquals("INSERTED " + (i + 1) + "\r\n", b.call("put 0 0 60 1\r\ny\r\n"));
            }
            assertEquals(0.0, MetricsScrape.scrape(s.httpPort()).get(SAVED));
        }
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
