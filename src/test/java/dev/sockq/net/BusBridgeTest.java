package dev.sockq.net;

import dev.sockq.support.BridgeClient;
import dev.sockq.support.Poll;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TCP event-bus bridge, spoken by a plain socket as a non-JVM service would. */
class BusBridgeTest {
    private TestServer server;
    private int bridgePort;

    @BeforeEach
    void start() {
        server = TestServer.start(new JsonObject().put("bridgePort", 0)
                .put("push", new JsonArray().add(new JsonObject().put("tube", "bridged").put("address", "workers.bridged"))));
        bridgePort = server.bridgePort();
        assertTrue(bridgePort > 0, "bridge bound");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aPutOverTheBridgeIsReservedOverTcpAndATcpPutIsReservedOverTheBridge() throws Exception {
        try (BridgeClient bridge = new BridgeClient(bridgePort); RawClient tcp = server.client()) {
            JsonObject reply = bridge.request("sockq.put", new JsonObject().put("tube", "jobs").put("body", "from python"));
            assertEquals("message", reply.getString("type"), reply.encode());
            long id = reply.getJsonObject("body").getLong("id");
            tcp.call("watch jobs\r\n");
            assertEquals("RESERVED " + id + " 11\r\nfrom python\r\n", tcp.call("reserve-with-timeout 5\r\n"));
            assertEquals("DELETED\r\n", tcp.call("delete " + id + "\r\n"));

            tcp.call("use jobs\r\n");
            String inserted = tcp.call("put 0 0 60 8\r\nfrom tcp\r\n");
            long second = Long.parseLong(inserted.trim().substring("INSERTED ".length()));
            JsonObject job = bridge.request("sockq.reserve", new JsonObject().put("tubes", new JsonArray().add("jobs"))
                    .put("timeout", 5)).getJsonObject("body");
            assertEquals(second, job.getLong("id"));
            assertEquals("from tcp", job.getString("body"));
            assertEquals("message", bridge.request("sockq.delete", new JsonObject().put("id", second)).getString("type"));
            assertEquals("NOT_FOUND\r\n", tcp.call("peek " + second + "\r\n"));
        }
    }

    @Test
    void aFailureComesBackAsAnErrFrameWithTheBeanstalkdWord() throws Exception {
        try (BridgeClient bridge = new BridgeClient(bridgePort)) {
            JsonObject reply = bridge.request("sockq.delete", new JsonObject().put("id", 999_999));
            assertEquals("err", reply.getString("type"), reply.encode());
            assertEquals("NOT_FOUND", reply.getString("message"));
        }
    }

    @Test
    void aBridgeClientRegisteredOnAPushAddressGetsTheJobsAndItsReplyDeletesThem() throws Exception {
        try (BridgeClient worker = new BridgeClient(bridgePort); RawClient tcp = server.client()) {
            worker.write(new JsonObject().put("type", "register").put("address", "workers.bridged"));
            tcp.call("use bridged\r\n");
            String inserted = tcp.call("put 0 0 60 5\r\nhello\r\n");
            long id = Long.parseLong(inserted.trim().substring("INSERTED ".length()));
            JsonObject pushed = worker.read(); // a first push may find no consumer yet: it is retried
            assertEquals("message", pushed.getString("type"), pushed.encode());
            assertEquals("workers.bridged", pushed.getString("address"));
            assertEquals(id, pushed.getJsonObject("body").getLong("id"));
            assertEquals("hello", pushed.getJsonObject("body").getString("body"));
            worker.write(new JsonObject().put("type", "send").put("address", pushed.getString("replyAddress"))
                    .put("body", new JsonObject()));
            Poll.until(() -> {
                try {
                    return tcp.call("peek " + id + "\r\n").equals("NOT_FOUND\r\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void internalAddressesAreRefusedAndTheConnectionKeepsWorking() throws Exception {
        try (BridgeClient bridge = new BridgeClient(bridgePort); RawClient tcp = server.client()) {
            for (String address : new String[] {"sockq.daemon.control", "sockq.daemon.sessions", "sockq.out.tcp.0",
                    "sockq.putx", "other.service"}) {
                JsonObject reply = bridge.request(address, new JsonObject());
                assertEquals("err", reply.getString("type"), address + ": " + reply.encode());
                assertEquals("access_denied", reply.getString("message"), address);
            }
            // nor may a bridge client listen to them, or to the API's own addresses (to steal requests)
            for (String address : new String[] {"sockq.daemon.control", "sockq.put", "sockq.reserve"}) {
                bridge.write(new JsonObject().put("type", "register").put("address", address));
                JsonObject refused = bridge.read();
                assertEquals("err", refused.getString("type"), address);
                assertEquals("access_denied", refused.getString("message"), address);
            }
            // the daemon is untouched and the bridge connection still serves the API
            assertEquals("message", bridge.request("sockq.put", new JsonObject().put("tube", "t").put("body", "x"))
                    .getString("type"));
            tcp.call("use t\r\n");
            assertTrue(tcp.call("peek-ready\r\n").startsWith("FOUND "));
        }
    }
}
