package dev.sockq.interop;

import com.surftools.BeanstalkClient.Client;
import com.surftools.BeanstalkClient.Job;
import com.surftools.BeanstalkClientImpl.ClientImpl;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sockq driven by an existing beanstalkd client library (com.surftools BeanstalkClient), unchanged. */
@ExtendWith(VertxExtension.class)
class ThirdPartyClientInteropTest {
    private TestServer server;
    private Client client;

    @BeforeEach
    void start(Vertx vertx) {
        server = TestServer.start(vertx, new JsonObject());
        client = new ClientImpl("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void producerAndWorkerFlow() {
        client.useTube("emails");
        assertEquals("emails", client.listTubeUsed());
        long low = client.put(100, 0, 60, bytes("later"));
        long high = client.put(1, 0, 60, bytes("first"));
        long delayed = client.put(0, 100, 60, bytes("delayed"));
        assertEquals(2, client.watch("emails"));
        assertEquals(1, client.ignore("default"));
        assertEquals(List.of("emails"), client.listTubesWatched());
        assertTrue(client.listTubes().containsAll(List.of("default", "emails")));

        Job job = client.reserve(1);
        assertEquals(high, job.getJobId());
        assertArrayEquals(bytes("first"), job.getData());
        assertTrue(client.touch(high));
        assertTrue(client.release(high, 500, 0));
        job = client.reserve(1);
        assertEquals(low, job.getJobId(), "released with a worse priority, so the other job comes first");
        assertTrue(client.bury(low, 7));
        assertArrayEquals(bytes("later"), client.peekBuried().getData());
        assertEquals(1, client.kick(10));
        assertArrayEquals(bytes("delayed"), client.peekDelayed().getData());

        Map<String, String> tube = client.statsTube("emails");
        assertEquals("2", tube.get("current-jobs-ready"));
        assertEquals("1", tube.get("current-jobs-delayed"));
        Map<String, String> stats = client.statsJob(low);
        assertEquals("ready", stats.get("state"));
        assertEquals("7", stats.get("pri"));
        assertEquals("1", stats.get("buries"));
        assertEquals("1", stats.get("kicks"));

        assertTrue(client.delete(low));
        assertFalse(client.delete(low));
        assertTrue(client.delete(delayed));
        assertNull(client.peek(low));
        assertEquals("3", client.stats().get("cmd-put"));
    }

    @Test
    void manyJobsRoundTrip() {
        client.useTube("bulk");
        client.watch("bulk");
        client.ignore("default");
        for (int i = 0; i < 500; i++) {
            client.put(i % 10, 0, 60, bytes("job-" + i));
        }
        int seen = 0;
        Job job;
        while ((job = client.reserve(0)) != null) {
            assertTrue(new String(job.getData(), StandardCharsets.US_ASCII).startsWith("job-"));
            assertTrue(client.delete(job.getJobId()));
            seen++;
        }
        assertEquals(500, seen);
        assertEquals("0", client.statsTube("bulk").get("current-jobs-ready"));
        assertEquals("500", client.stats().get("cmd-delete"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
