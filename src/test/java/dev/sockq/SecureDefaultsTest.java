package dev.sockq;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sockq.config.SockqConfig;
import dev.sockq.support.TestCertificates;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What sockq does unasked: loopback by default, warnings when exposed without TLS, limits on by default. */
@ExtendWith(VertxExtension.class)
class SecureDefaultsTest {
    @Test
    void defaultsAreLoopbackAndLimited() {
        SockqConfig c = SockqConfig.defaults();
        assertEquals("127.0.0.1", c.host());
        assertEquals(10_000, c.maxConnections());
        assertEquals(100_000, c.maxTubes());
        assertEquals(Runtime.getRuntime().maxMemory() / 2, c.maxJobBytes());
        assertEquals(64L << 20, c.maxPendingOutput());
        assertEquals(30, c.slowClientTimeoutSec());
    }

    @Test
    void listeningBeyondLoopbackWithoutTlsWarnsForTcpAndUdp(Vertx vertx) {
        List<String> warnings = warningsWhileRunning(vertx, new JsonObject().put("host", "0.0.0.0"));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("tcp=0.0.0.0:") && warnings.get(0).contains("without TLS"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("udp=0.0.0.0:") && warnings.get(1).contains("never encrypted"), warnings.get(1));
    }

    @Test
    void loopbackIsQuiet(Vertx vertx) {
        assertEquals(List.of(), warningsWhileRunning(vertx, new JsonObject()));
        assertEquals(List.of(), warningsWhileRunning(vertx, new JsonObject().put("host", "localhost")));
    }

    @Test
    void tlsOnTheMainPortLeavesOnlyTheUdpWarning(Vertx vertx, @TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        JsonObject conf = new JsonObject().put("host", "0.0.0.0")
                .put("tlsCert", certs.serverCert.toString()).put("tlsKey", certs.serverKey.toString());
        List<String> warnings = warningsWhileRunning(vertx, conf);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("udp=0.0.0.0:"), warnings.get(0));
        assertEquals(List.of(), warningsWhileRunning(vertx, conf.copy().put("udpPort", -1)));
    }

    private static List<String> warningsWhileRunning(Vertx vertx, JsonObject conf) {
        Logger logger = (Logger) LoggerFactory.getLogger(SockqServer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (TestServer ignored = TestServer.start(vertx, conf)) {
            logger.detachAppender(logged); // the start is logged; the rest of the test is not
        } finally {
            logger.detachAppender(logged);
        }
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
