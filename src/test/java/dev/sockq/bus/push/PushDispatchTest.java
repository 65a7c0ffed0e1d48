package dev.sockq.bus.push;

import dev.sockq.bus.Addresses;
import dev.sockq.support.Poll;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Push dispatch from a bound tube to consumers on a real event bus, with jobs put over TCP and the bus. */
class PushDispatchTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(JsonObject binding) {
        server = TestServer.start(new JsonObject().put("httpPort", 0).put("push", new JsonArray().add(binding)));
        return server;
    }

    private static JsonObject binding(String tube, Object... keyValues) {
        JsonObject b = new JsonObject().put("tube", tube).put("address", "workers." + tube).put("jitter", 0);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.put((String) keyValues[i], keyValues[i + 1]);
        }
        return b;
    }

    private JsonObject call(String address, JsonObject body) {
        return server.vertx().eventBus().<JsonObject>request(address, body).await().body();
    }

    private long put(String tube, String body, int ttr) {
        return call(Addresses.PUT, new JsonObject().put("tube", tube).put("body", body).put("ttr", ttr)).getLong("id");
    }

    private JsonObject jobStats(long id) {
        return call(Addresses.STATS, new JsonObject().put("id", id));
    }

    private boolean gone(long id) {
        try {
            jobStats(id);
            return false;
        } catch (ReplyException | CompletionException e) {
            return true;
        }
    }

    /** One sample of sockq_push_total{tube, outcome} from /metrics. */
    private long pushed(String tube, String outcome) {
        try {
            String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("sockq_push_total\\{tube=\"" + Pattern.quote(tube) + "\",outcome=\"" + outcome
                    + "\"} (\\d+)").matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : fail("no " + outcome + " sample in /metrics");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachJobIsPushedOnceAndARepliedJobIsDeleted() throws Exception {
        start(binding("emails", "concurrency", 2));
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        server.vertx().eventBus().<JsonObject>consumer("workers.emails", m -> {
            received.add(m.body());
            m.reply(new JsonObject());
        }).completion().await();
        long first = put("emails", "hello", 60);
        try (RawClient c = server.client()) {
            c.call("use emails\r\n");
            for (int i = 0; i < 9; i++) {
                c.call("put 0 0 60 3\r\nn:" + i + "\r\n");
            }
        }
        Poll.until(() -> received.size() == 10 && call(Addresses.STATS, new JsonObject()).getLong("current-jobs-reserved") == 0);
        assertEquals(new JsonObject().put("id", first).put("tube", "emails").put("body", "hello").put("encoding", "utf8")
                .put("attempt", 1), received.get(0));
        assertEquals(10, received.stream().map(j -> j.getLong("id")).distinct().count());
        JsonObject tube = call(Addresses.STATS, new JsonObject().put("tube", "emails"));
        assertEquals(0L, tube.getLong("current-jobs-ready"));
        assertEquals(10L, tube.getLong("cmd-delete"));
        Poll.until(() -> pushed("emails", "succeeded") == 10);
        assertEquals(10, pushed("emails", "sent"));
        assertEquals(0, pushed("emails", "failed"));
    }

    @Test
    void aFailureIsRetriedWithExponentialBackoff() {
        start(binding("retry", "backoffBaseMs", 300, "backoffCapMs", 10_000, "maxAttempts", 5));
        ConcurrentLinkedQueue<long[]> attempts = new ConcurrentLinkedQueue<>(); // {attempt, nanos}
        server.vertx().eventBus().<JsonObject>consumer("workers.retry", m -> {
            int attempt = m.body().getInteger("attempt");
            attempts.add(new long[]{attempt, System.nanoTime()});
            if (attempt < 3) {
                m.fail(500, "try again");
            } else {
                m.reply(new JsonObject());
            }
        }).completion().await();
        long id = put("retry", "flaky", 60);
        Poll.until(() -> gone(id));
        List<long[]> seen = List.copyOf(attempts);
        assertEquals(List.of(1L, 2L, 3L), seen.stream().map(a -> a[0]).toList());
        long firstGap = (seen.get(1)[1] - seen.get(0)[1]) / 1_000_000;
        long secondGap = (seen.get(2)[1] - seen.get(1)[1]) / 1_000_000;
        assertTrue(firstGap >= 290 && firstGap < 1300, "base delay 300 ms, got " + firstGap);
        assertTrue(secondGap >= 590 && secondGap < 1600, "doubled delay 600 ms, got " + secondGap);
        assertEquals(2, pushed("retry", "failed"));
        assertEquals(1, pushed("retry", "succeeded"));
    }

    @Test
    void aJobIsBuriedAfterMaxAttempts() {
        start(binding("doomed", "backoffBaseMs", 20, "maxAttempts", 3));
        AtomicInteger calls = new AtomicInteger();
        server.vertx().eventBus().<JsonObject>consumer("workers.doomed", m -> {
            calls.incrementAndGet();
            m.fail(1, "no");
        }).completion().await();
        long id = put("doomed", "x", 60);
        Poll.until(() -> jobStats(id).getString("state").equals("buried"));
        JsonObject stats = jobStats(id);
        assertEquals(3L, stats.getLong("reserves"), "reserves counts the attempts");
        assertEquals(1L, stats.getLong("buries"));
        assertEquals(2L, stats.getLong("releases"));
        assertEquals(3, calls.get());
        assertEquals(1, pushed("doomed", "buried"));
        assertEquals(3, pushed("doomed", "failed"));
        // kicked back, it gets one more attempt (its reserves are already at maxAttempts)
        call(Addresses.KICK, new JsonObject().put("id", id));
        Poll.until(() -> jobStats(id).getString("state").equals("buried") && calls.get() == 4);
    }

    @Test
    void neverMoreThanConcurrencyInFlight() {
        start(binding("busy", "concurrency", 3));
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        server.vertx().eventBus().<JsonObject>consumer("workers.busy", m -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            server.vertx().setTimer(15, t -> {
                inFlight.decrementAndGet();
                done.incrementAndGet();
                m.reply(new JsonObject());
            });
        }).completion().await();
        for (int i = 0; i < 30; i++) {
            put("busy", "job " + i, 60);
        }
        Poll.until(() -> done.get() == 30);
        assertEquals(3, most.get(), "at most 3 in flight, and 3 reached");
        Poll.until(() -> call(Addresses.STATS, new JsonObject().put("tube", "busy")).getLong("current-jobs-reserved") == 0);
        assertEquals(30L, call(Addresses.STATS, new JsonObject().put("tube", "busy")).getLong("cmd-delete"));
    }

    @Test
    void aJobInFlightCannotBeReservedByAnyoneElse() throws Exception {
        start(binding("held"));
        ConcurrentLinkedQueue<Message<JsonObject>> holding = new ConcurrentLinkedQueue<>();
        server.vertx().eventBus().<JsonObject>consumer("workers.held", holding::add).completion().await();
        long id = put("held", "mine", 60);
        Poll.until(() -> holding.size() == 1);
        try (RawClient c = server.client()) {
            c.call("watch held\r\n");
            assertEquals("TIMED_OUT\r\n", c.call("reserve-with-timeout 0\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("reserve-job " + id + "\r\n"));
            assertEquals("NOT_FOUND\r\n", c.call("delete " + id + "\r\n"));
        }
        try {
            call(Addresses.DELETE, new JsonObject().put("id", id));
            fail("the bus owner does not hold a pushed job");
        } catch (ReplyException e) {
            assertEquals("NOT_FOUND", e.getMessage());
        }
        assertEquals("reserved", jobStats(id).getString("state"));
        holding.poll().reply(new JsonObject());
        Poll.until(() -> gone(id));
    }

    @Test
    void aSilentConsumerTimesOutThenTheJobIsBuried() {
        start(binding("slow", "timeoutMs", 200, "backoffBaseMs", 100, "maxAttempts", 2));
        AtomicInteger calls = new AtomicInteger();
        server.vertx().eventBus().<JsonObject>consumer("workers.slow", m -> calls.incrementAndGet()).completion().await();
        long t0 = System.nanoTime();
        long id = put("slow", "x", 60);
        Poll.until(() -> jobStats(id).getString("state").equals("buried"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 480 && ms < 3000, "200 + 100 + 200 ms, took " + ms);
        assertEquals(2, calls.get());
        assertEquals(2, pushed("slow", "timed_out"));
        assertEquals(1, pushed("slow", "buried"));
    }

    @Test
    void withoutTimeoutMsTheConsumerGetsTheJobsTtrAndTheDispatcherStillDecides() {
        start(binding("ttr", "maxAttempts", 1));
        server.vertx().eventBus().<JsonObject>consumer("workers.ttr", m -> { }).completion().await();
        long t0 = System.nanoTime();
        long id = put("ttr", "x", 1);
        assertTrue(jobStats(id).getLong("time-left") >= 1, "held for TTR plus a grace period");
        Poll.until(() -> jobStats(id).getString("state").equals("buried"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 950 && ms < 1900, "buried at the TTR of 1 s, took " + ms);
        assertEquals(0L, jobStats(id).getLong("timeouts"), "the daemon's own TTR never fired");
    }

    @Test
    void jobsWaitWithoutLosingAttemptsUntilAConsumerRegisters() {
        start(binding("later", "backoffBaseMs", 50, "maxAttempts", 1));
        long id = put("later", "patience", 60);
        Poll.until(() -> pushed("later", "no_consumer") >= 3);
        assertEquals(0L, jobStats(id).getLong("reserves"), "no consumer, no attempt");
        List<JsonObject> received = new CopyOnWriteArrayList<>();
        server.vertx().eventBus().<JsonObject>consumer("workers.later", m -> {
            received.add(m.body());
            m.reply(null);
        });
        Poll.until(() -> gone(id));
        assertEquals(1, received.get(0).getInteger("attempt"));
    }
}
