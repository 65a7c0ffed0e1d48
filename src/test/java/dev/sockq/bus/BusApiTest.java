package dev.sockq.bus;

import dev.sockq.support.Poll;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The JSON event-bus API over a real Vert.x event bus, against a real server (and its TCP port). */
class BusApiTest {
    private final List<TestServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
    }

    private TestServer start(JsonObject config) {
        TestServer s = TestServer.start(config);
        servers.add(s);
        return s;
    }

    private TestServer start() {
        return start(new JsonObject());
    }

    private static JsonObject call(TestServer s, String address, Object body) {
        Future<Message<JsonObject>> reply = s.vertx().eventBus().request(address, body, new DeliveryOptions().setSendTimeout(10_000));
        return reply.await().body();
    }

    /** The failure a request gets; fails the test if it succeeds. */
    private static ReplyException failure(TestServer s, String address, Object body) {
        try {
            JsonObject ok = call(s, address, body);
            return fail(address + " " + body + " should fail, got " + ok);
        } catch (ReplyException e) {
            return e;
        } catch (CompletionException e) {
            return assertInstanceOf(ReplyException.class, e.getCause());
        }
    }

    private static void assertFails(String word, TestServer s, String address, Object body) {
        ReplyException e = failure(s, address, body);
        assertEquals(word, e.getMessage(), address + " " + body);
        assertEquals(ReplyFailure.RECIPIENT_FAILURE, e.failureType());
    }

    private static JsonObject put(TestServer s, String tube, String body) {
        return call(s, Addresses.PUT, new JsonObject().put("tube", tube).put("body", body));
    }

    private static JsonObject reserve(TestServer s, String... tubes) {
        return call(s, Addresses.RESERVE, new JsonObject().put("tubes", new JsonArray(List.of((Object[]) tubes))));
    }

    private static JsonObject jobStats(TestServer s, long id) {
        return call(s, Addresses.STATS, new JsonObject().put("id", id));
    }

    @Test
    void putReserveDeleteInUtf8() {
        TestServer s = start();
        long id = put(s, "emails", "héllo ✉").getLong("id");
        JsonObject job = reserve(s, "other", "emails");
        assertEquals(new JsonObject().put("id", id).put("tube", "emails").put("body", "héllo ✉").put("encoding", "utf8"), job);
        assertEquals("reserved", jobStats(s, id).getString("state"));
        assertEquals(new JsonObject(), call(s, Addresses.DELETE, new JsonObject().put("id", id)));
        assertFails("NOT_FOUND", s, Addresses.DELETE, new JsonObject().put("id", id));
        assertFails("NOT_FOUND", s, Addresses.STATS, new JsonObject().put("id", id));
    }

    @Test
    void base64BodiesRoundTripAndInvalidUtf8ComesBackAsBase64() {
        TestServer s = start();
        byte[] bytes = {(byte) 0xff, 0, (byte) 0x80, '\r', '\n', 'x'};
        long id = call(s, Addresses.PUT, new JsonObject().put("tube", "bin").put("encoding", "base64")
                .put("body", Base64.getEncoder().encodeToString(bytes))).getLong("id");
        JsonObject job = reserve(s, "bin");
        assertEquals(id, job.getLong("id"));
        assertEquals("base64", job.getString("encoding"));
        assertArrayEquals(bytes, Base64.getDecoder().decode(job.getString("body")));
        // valid UTF-8 sent as base64 comes back as text
        call(s, Addresses.PUT, new JsonObject().put("tube", "bin").put("encoding", "base64")
                .put("body", Base64.getEncoder().encodeToString("plain".getBytes(StandardCharsets.UTF_8))));
        JsonObject text = reserve(s, "bin");
        assertEquals("plain", text.getString("body"));
        assertEquals("utf8", text.getString("encoding"));
    }

    @Test
    void releaseBuryKickTouchPeekAndStats() {
        TestServer s = start();
        long id = call(s, Addresses.PUT, new JsonObject().put("tube", "t").put("body", "x").put("priority", 7).put("ttr", 30))
                .getLong("id");
        assertEquals(new JsonObject().put("id", id).put("body", "x").put("encoding", "utf8").put("tube", "t"),
                call(s, Addresses.PEEK, new JsonObject().put("tube", "t").put("state", "ready")));
        reserve(s, "t");
        assertEquals(new JsonObject(), call(s, Addresses.TOUCH, new JsonObject().put("id", id)));
        assertEquals(new JsonObject(), call(s, Addresses.RELEASE, new JsonObject().put("id", id)));
        JsonObject stats = jobStats(s, id);
        assertEquals("ready", stats.getString("state"));
        assertEquals(7L, stats.getLong("pri"), "release without a priority keeps the job's");
        assertEquals(1L, stats.getLong("releases"));

        reserve(s, "t");
        assertEquals(new JsonObject(), call(s, Addresses.BURY, new JsonObject().put("id", id).put("priority", 3)));
        assertEquals("buried", jobStats(s, id).getString("state"));
        assertEquals(3L, jobStats(s, id).getLong("pri"));
        assertEquals(id, call(s, Addresses.PEEK, new JsonObject().put("tube", "t").put("state", "buried")).getLong("id"));
        assertEquals(new JsonObject().put("kicked", 1L), call(s, Addresses.KICK, new JsonObject().put("tube", "t").put("bound", 10)));
        assertEquals("ready", jobStats(s, id).getString("state"));

        reserve(s, "t");
        call(s, Addresses.BURY, new JsonObject().put("id", id));
        assertEquals(new JsonObject(), call(s, Addresses.KICK, new JsonObject().put("id", id)));
        assertFails("NOT_FOUND", s, Addresses.KICK, new JsonObject().put("id", id));
        reserve(s, "t");
        call(s, Addresses.RELEASE, new JsonObject().put("id", id).put("priority", 1).put("delay", 60));
        assertEquals("delayed", jobStats(s, id).getString("state"));
        assertEquals(id, call(s, Addresses.PEEK, new JsonObject().put("id", id)).getLong("id"));
        assertEquals(1L, call(s, Addresses.STATS, new JsonObject().put("tube", "t")).getLong("current-jobs-delayed"));
        assertFails("NOT_FOUND", s, Addresses.PEEK, new JsonObject().put("tube", "t"));

        JsonObject server = call(s, Addresses.STATS, new JsonObject());
        assertEquals(1L, server.getLong("current-jobs-delayed"));
        assertEquals(1L, server.getLong("cmd-put"));
        assertEquals(4L, server.getLong("cmd-reserve-with-timeout"));
        assertEquals(0L, server.getLong("current-connections"), "bus callers are not connections");
        assertEquals(false, server.getBoolean("draining"));
        assertInstanceOf(String.class, server.getValue("id"));
        assertEquals("t", call(s, Addresses.STATS, new JsonObject().put("tube", "t")).getString("name"));
        assertFails("NOT_FOUND", s, Addresses.STATS, new JsonObject().put("tube", "nope"));
        assertFails("NOT_FOUND", s, Addresses.TOUCH, new JsonObject().put("id", id));
        assertFails("NOT_FOUND", s, Addresses.RELEASE, new JsonObject().put("id", 999));
        assertFails("NOT_FOUND", s, Addresses.BURY, new JsonObject().put("id", 999));
    }

    @Test
    void everyBadFieldIsBadFormatAndTheServerKeepsServing() {
        TestServer s = start();
        JsonObject ok = new JsonObject().put("tube", "t").put("body", "b");
        Map<String, List<Object>> bad = Map.of(
                Addresses.PUT, List.of(
                        new JsonObject().put("body", "b"),
                        new JsonObject().put("tube", "t"),
                        ok.copy().put("tube", "-starts-with-dash"),
                        ok.copy().put("tube", "a".repeat(201)),
                        ok.copy().put("tube", "sp ace"),
                        ok.copy().put("tube", 5),
                        ok.copy().put("priority", -1),
                        ok.copy().put("priority", 4294967296L),
                        ok.copy().put("delay", 1.5),
                        ok.copy().put("ttr", "60"),
                        ok.copy().put("ttr", true),
                        ok.copy().put("body", 12),
                        ok.copy().put("encoding", "latin1"),
                        ok.copy().put("encoding", "base64").put("body", "%%%"),
                        ok.copy().put("prioirty", 1),
                        "not an object",
                        new JsonArray().add(1)),
                Addresses.RESERVE, List.of(
                        new JsonObject(),
                        new JsonObject().put("tubes", new JsonArray()),
                        new JsonObject().put("tubes", "t"),
                        new JsonObject().put("tubes", new JsonArray().add(5)),
                        new JsonObject().put("tubes", new JsonArray().add("t")).put("timeout", -1),
                        new JsonObject().put("tubes", new JsonArray().add("t")).put("timeout", 4294967296L)),
                Addresses.DELETE, List.of(new JsonObject(), new JsonObject().put("id", -1), new JsonObject().put("id", "1"),
                        new JsonObject().put("id", new java.math.BigInteger("18446744073709551615"))),
                Addresses.RELEASE, List.of(new JsonObject().put("id", 1).put("delay", -5)),
                Addresses.BURY, List.of(new JsonObject().put("id", 1).put("priority", 1e12)),
                Addresses.KICK, List.of(new JsonObject(), new JsonObject().put("id", 1).put("tube", "t")),
                Addresses.PEEK, List.of(new JsonObject().put("tube", "t").put("state", "reserved")),
                Addresses.STATS, List.of(new JsonObject().put("tube", "bad name"), new JsonObject().put("job", 1)));
        bad.forEach((address, bodies) -> {
            for (Object body : bodies) {
                ReplyException e = failure(s, address, body);
                assertEquals("BAD_FORMAT", e.getMessage(), address + " " + body);
                assertEquals(400, e.failureCode());
            }
        });
        assertEquals(0L, call(s, Addresses.STATS, null).getLong("total-jobs"), "nothing was inserted");
        assertTrue(call(s, Addresses.PUT, ok).getLong("id") > 0);
        assertTrue(call(s, Addresses.PUT, ok.copy().put("priority", 4294967295L).put("delay", 0).put("ttr", 0.0))
                .getLong("id") > 0, "bounds and whole-number doubles are accepted");
    }

    @Test
    void oversizedBodiesAreJobTooBig() {
        TestServer s = start(new JsonObject().put("maxJobSize", 10));
        assertTrue(put(s, "t", "0123456789").getLong("id") > 0);
        assertFails("JOB_TOO_BIG", s, Addresses.PUT, new JsonObject().put("tube", "t").put("body", "0123456789a"));
        assertFails("JOB_TOO_BIG", s, Addresses.PUT, new JsonObject().put("tube", "t").put("body", "é".repeat(6)));
        assertFails("JOB_TOO_BIG", s, Addresses.PUT, new JsonObject().put("tube", "t").put("encoding", "base64")
                .put("body", Base64.getEncoder().encodeToString(new byte[11])));
        assertEquals(413, failure(s, Addresses.PUT, new JsonObject().put("tube", "t").put("body", "x".repeat(11))).failureCode());
        assertEquals(1L, call(s, Addresses.STATS, null).getLong("total-jobs"));
    }

    @Test
    void reserveTimesOutAtOnceOrAfterItsTimeoutAndWakesForANewJob() {
        TestServer s = start();
        assertFails("TIMED_OUT", s, Addresses.RESERVE, new JsonObject().put("tubes", new JsonArray().add("empty")));
        long t0 = System.nanoTime();
        assertFails("TIMED_OUT", s, Addresses.RESERVE, new JsonObject().put("tubes", new JsonArray().add("empty")).put("timeout", 1));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 900 && ms < 5000, "waited " + ms + " ms");

        Future<Message<JsonObject>> waiting = s.vertx().eventBus().request(Addresses.RESERVE,
                new JsonObject().put("tubes", new JsonArray().add("later")).put("timeout", 10));
        Poll.until(() -> call(s, Addresses.STATS, new JsonObject().put("tube", "later")).getLong("current-waiting") == 1);
        long id = put(s, "later", "now").getLong("id");
        JsonObject job = waiting.await().body();
        assertEquals(id, job.getLong("id"));
        assertEquals("later", job.getString("tube"));
        assertEquals(0L, call(s, Addresses.STATS, null).getLong("current-waiting"));
    }

    @Test
    void aBusReservedJobReturnsToReadyWhenItsTtrRunsOut() throws Exception {
        TestServer s = start();
        long id = call(s, Addresses.PUT, new JsonObject().put("tube", "ttr").put("body", "x").put("ttr", 1)).getLong("id");
        long t0 = System.nanoTime();
        reserve(s, "ttr");
        try (RawClient c = s.client()) {
            assertEquals("WATCHING 2\r\n", c.call("watch ttr\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("delete " + id + "\r\n"), "owned by the bus, not this connection");
            assertEquals("RESERVED " + id + " 1\r\nx\r\n", c.call("reserve-with-timeout 5\r\n"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 950 && ms < 3000, "TTR of 1 s ran out after " + ms + " ms");
        }
        Poll.until(() -> jobStats(s, id).getString("state").equals("ready")); // the TCP client went away
        assertEquals(1L, jobStats(s, id).getLong("timeouts"));
        assertFails("NOT_FOUND", s, Addresses.TOUCH, new JsonObject().put("id", id));
    }

    @Test
    void putOverTheBusReserveOverTcpAndTheOtherWayRound() throws Exception {
        TestServer s = start();
        long busId = put(s, "mixed", "from the bus").getLong("id");
        try (RawClient c = s.client()) {
            c.call("watch mixed\r\n");
            c.call("ignore default\r\n");
            assertEquals("RESERVED " + busId + " 12\r\nfrom the bus\r\n", c.call("reserve-with-timeout 0\r\n"));
            assertFails("NOT_FOUND", s, Addresses.DELETE, new JsonObject().put("id", busId));
            assertEquals("DELETED\r\n", c.call("delete " + busId + "\r\n"));

            c.call("use mixed\r\n");
            String inserted = c.call("put 5 0 60 8\r\nfrom tcp\r\n");
            long tcpId = Long.parseLong(inserted.trim().split(" ")[1]);
            JsonObject job = reserve(s, "mixed");
            assertEquals(new JsonObject().put("id", tcpId).put("tube", "mixed").put("body", "from tcp").put("encoding", "utf8"), job);
            assertEquals("NOT_FOUND\r\n", c.call("release " + tcpId + " 0 0\r\n"));
            call(s, Addresses.DELETE, new JsonObject().put("id", tcpId));
            assertEquals("NOT_FOUND\r\n", c.call("peek " + tcpId + "\r\n"));
        }
    }

    @Test
    void drainingRefusesBusPuts() {
        TestServer s = start();
        s.vertx().eventBus().send(Addresses.DAEMON_CONTROL, "drain");
        Poll.until(() -> call(s, Addresses.STATS, null).getBoolean("draining"));
        ReplyException e = failure(s, Addresses.PUT, new JsonObject().put("tube", "t").put("body", "x"));
        assertEquals("DRAINING", e.getMessage());
        assertEquals(503, e.failureCode());
    }

    @Test
    void theApiCanBeSwitchedOff() {
        TestServer s = start(new JsonObject().put("busApi", false));
        ReplyException e = failure(s, Addresses.PUT, new JsonObject().put("tube", "t").put("body", "x"));
        assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
    }

    @Test
    void busPutsAndDeletesAreJournaledBeforeTheyAreAcknowledged(@TempDir Path dir) {
        JsonObject durable = new JsonObject().put("inMemory", false).put("dataDir", dir.toString()).put("fsync", "always");
        TestServer first = start(durable);
        long kept = put(first, "d", "kept").getLong("id");
        long gone = put(first, "d", "gone").getLong("id");
        call(first, Addresses.DELETE, new JsonObject().put("id", gone));
        long reserved = put(first, "d", "reserved").getLong("id");
        reserve(first, "d");
        first.close();
        servers.remove(first);

        TestServer second = start(durable);
        JsonObject a = reserve(second, "d");
        JsonObject b = reserve(second, "d");
        assertEquals(List.of(kept, reserved), List.of(a.getLong("id"), b.getLong("id")));
        assertNotEquals(gone, a.getLong("id"));
        assertFails("TIMED_OUT", second, Addresses.RESERVE, new JsonObject().put("tubes", new JsonArray().add("d")));
        assertTrue(put(second, "d", "next").getLong("id") > reserved, "ids continue");
    }
}
