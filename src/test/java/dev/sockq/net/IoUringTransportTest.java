package dev.sockq.net;

import dev.sockq.config.SockqConfig;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** `--transport io_uring`: the same server over Vert.x's io_uring transport, TCP and UDP, several instances. */
class IoUringTransportTest {
    @Test
    void servesTcpAndDatagramsOverIoUring() throws Exception {
        assumeTrue(Transport.IO_URING.available(), () -> "io_uring unavailable here: " + Transport.IO_URING.unavailabilityCause());
        Vertx vertx = Vertx.builder().withTransport(Transport.IO_URING).build();
        try (TestServer s = TestServer.start(vertx, new JsonObject().put("tcpInstances", 2).put("udpInstances", 2));
             RawClient producer = s.client(); RawClient worker = s.client();
             DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // pipelined: one read carries several commands, answered in order
            producer.send("use q\r\nput 1 0 60 1\r\na\r\nput 2 0 60 1\r\nb\r\n");
            assertEquals("USING q\r\n", producer.line());
            assertEquals("INSERTED 1\r\n", producer.line());
            assertEquals("INSERTED 2\r\n", producer.line());
            // a datagram sent twice with one id token inserts once (SO_REUSEPORT spreads the instances)
            udp.setSoTimeout(5000);
            byte[] put = "id t-1\r\nuse q\r\nput 3 0 60 1\r\nc\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 2; i++) {
                udp.send(new DatagramPacket(put, put.length, InetAddress.getLoopbackAddress(), s.udpPort()));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                udp.receive(reply);
                assertEquals("INSERTED 3\r\n", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII));
            }
            assertEquals("WATCHING 2\r\n", worker.call("watch q\r\n"));
            for (String expected : new String[] {"RESERVED 1 1\r\na\r\n", "RESERVED 2 1\r\nb\r\n", "RESERVED 3 1\r\nc\r\n"}) {
                String r = worker.call("reserve-with-timeout 0\r\n");
                assertEquals(expected, r);
                assertEquals("DELETED\r\n", worker.call("delete " + r.split(" ")[1] + "\r\n"));
            }
            assertTrue(worker.call("stats-tube q\r\n").contains("total-jobs: 3\n"));
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void aUnixSocketNeedsEpoll() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SockqConfig.from(
                new JsonObject().put("host", "unix:/tmp/sockq.sock").put("transport", "io_uring")));
        assertTrue(e.getMessage().contains("epoll"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SockqConfig.from(new JsonObject().put("transport", "kqueue")));
    }
}
