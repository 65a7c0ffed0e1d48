package dev.sockq;

import dev.sockq.config.SockqConfig;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --single-thread: sockets and daemon on one event loop, as Main sets it up, journal included. */
class SingleThreadTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private TestServer start() {
        return TestServer.start(vertx, new JsonObject().put("singleThread", true).put("inMemory", false)
                .put("dataDir", dir.toString()).put("fsync", "always"));
    }

    @Test
    void servesTheProtocolWithTheJournalOnOneThread() throws Exception {
        try (TestServer s = start(); RawClient c = s.client(); RawClient w = s.client()) {
            assertEquals("INSERTED 1\r\n", c.call("put 5 0 60 5\r\nhello\r\n"));
            assertEquals("RESERVED 1 5\r\nhello\r\n", w.call("reserve\r\n"));
            assertEquals("DELETED\r\n", w.call("delete 1\r\n"));
            // a waiting reserve is woken by another connection's put on the same loop
            w.send("reserve-with-timeout 5\r\n");
            assertEquals("INSERTED 2\r\n", c.call("put 0 0 60 2\r\nhi\r\n"));
            assertEquals("RESERVED 2 2\r\nhi\r\n", w.reply());
            w.call("release 2 0 0\r\n");
        }
        try (TestServer s = start(); RawClient c = s.client()) { // the journal kept what was acknowledged
            assertEquals("FOUND 2 2\r\nhi\r\n", c.call("peek-ready\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("peek 1\r\n"));
        }
    }

    @Test
    void oneThreadMeansOneShardAndOneInstanceOfEachSocket() {
        for (JsonObject more : new JsonObject[] {new JsonObject().put("daemonShards", 2),
                new JsonObject().put("tcpInstances", 2), new JsonObject().put("udpInstances", 2),
                new JsonObject().put("cluster", true)}) {
            Exception e = assertThrows(IllegalArgumentException.class,
                    () -> SockqConfig.from(new JsonObject().put("singleThread", true).mergeIn(more)));
            assertTrue(e.getMessage().contains("singleThread"), e.getMessage());
        }
    }
}
