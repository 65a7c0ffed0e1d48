package dev.sockq.daemon;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue core without any transport: commands go straight into {@link Daemon}, time is a
 * fake clock moved by the test, and replies are compared byte for byte with what beanstalkd
 * 1.12 sends.
 */
class DaemonTest {
    private long now = 1_700_000_000_000L;
    private Daemon daemon;
    private long nextSessionId = 1;

    @BeforeEach
    void setUp() {
        daemon = new Daemon(65535, () -> now, ServerInfo.current());
    }

    // ------------------------------------------------------------------ helpers

    private Session open() {
        long id = nextSessionId++;
        return daemon.open(id, "route-" + id);
    }

    /** Submits the commands in one batch and returns everything the session has to send. */
    private String send(Session s, Command... commands) {
        daemon.submit(s.id(), List.of(commands));
        return out(s);
    }

    private static String out(Session s) {
        return new String(s.takeOutput(), StandardCharsets.ISO_8859_1);
    }

    /** Moves the fake clock and lets the daemon act on whatever became due. */
    private void advance(long ms) {
        now += ms;
        daemon.tick();
    }

    private static Command put(long pri, long delaySec, long ttrSec, String body) {
        return Command.put(pri, delaySec * 1000, ttrSec * 1000, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Command put(String body) {
        return put(100, 0, 60, body);
    }

    private static Command reserve() {
        return Command.simple(Op.RESERVE);
    }

    private static Command reserveWithTimeout(long seconds) {
        return Command.withCount(Op.RESERVE_WITH_TIMEOUT, seconds);
    }

    private static Command reserveJob(long id) {
        return Command.withId(Op.RESERVE_JOB, id);
    }

    private static Command delete(long id) {
        return Command.withId(Op.DELETE, id);
    }

    private static Command release(long id, long pri, long delaySec) {
        return Command.release(id, pri, delaySec * 1000);
    }

    private static Command bury(long id, long pri) {
        return Command.bury(id, pri);
    }

    private static Command touch(long id) {
        return Command.withId(Op.TOUCH, id);
    }

    private static Command peek(long id) {
        return Command.withId(Op.PEEK, id);
    }

    private static Command kick(long bound) {
        return Command.withCount(Op.KICK, bound);
    }

    private static Command kickJob(long id) {
        return Command.withId(Op.KICK_JOB, id);
    }

    private static Command use(String tube) {
        return Command.withTube(Op.USE, tube);
    }

    private static Command watch(String tube) {
        return Command.withTube(Op.WATCH, tube);
    }

    private static Command ignore(String tube) {
        return Command.withTube(Op.IGNORE, tube);
    }

    private static Command statsJob(long id) {
        return Command.withId(Op.STATS_JOB, id);
    }

    private static Command statsTube(String tube) {
        return Command.withTube(Op.STATS_TUBE, tube);
    }

    private static Command pause(String tube, long seconds) {
        return Command.pauseTube(tube, seconds * 1000);
    }

    private static Command op(Op op) {
        return Command.simple(op);
    }

    private static String reserved(long id, String body) {
        return "RESERVED " + id + " " + body.length() + "\r\n" + body + "\r\n";
    }

    private static String found(long id, String body) {
        return "FOUND " + id + " " + body.length() + "\r\n" + body + "\r\n";
    }

    private static String inserted(long id) {
        return "INSERTED " + id + "\r\n";
    }

    /** "OK n\r\n&lt;yaml&gt;\r\n" with n checked against the YAML's byte length; returns the YAML. */
    private static String okBody(String reply) {
        assertTrue(reply.startsWith("OK "), reply);
        int eol = reply.indexOf("\r\n");
        int n = Integer.parseInt(reply.substring(3, eol));
        String rest = reply.substring(eol + 2);
        assertTrue(rest.endsWith("\r\n"), reply);
        String yaml = rest.substring(0, rest.length() - 2);
        assertEquals(n, yaml.getBytes(StandardCharsets.ISO_8859_1).length, "OK length of " + reply);
        assertTrue(yaml.startsWith("---\n"), reply);
        assertTrue(yaml.endsWith("\n"), reply);
        return yaml;
    }

    /** The key: value pairs of a stats reply, in order. */
    private static Map<String, String> yaml(String reply) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : okBody(reply).substring(4).split("\n")) {
            int colon = line.indexOf(": ");
            assertTrue(colon > 0, line);
            assertNull(m.put(line.substring(0, colon), line.substring(colon + 2)), "duplicate " + line);
        }
        return m;
    }

    /** The names of a list-tubes or list-tubes-watched reply, in order. */
    private static List<String> list(String reply) {
        List<String> names = new ArrayList<>();
        String body = okBody(reply).substring(4);
        if (body.isEmpty()) {
            return names;
        }
        for (String line : body.split("\n")) {
            assertTrue(line.startsWith("- "), line);
            names.add(line.substring(2));
        }
        return names;
    }

    private Map<String, String> stats(Session s) {
        return yaml(send(s, op(Op.STATS)));
    }

    private Map<String, String> statsJobOf(Session s, long id) {
        return yaml(send(s, statsJob(id)));
    }

    private Map<String, String> statsTubeOf(Session s, String tube) {
        return yaml(send(s, statsTube(tube)));
    }

    private List<String> tubes(Session s) {
        return list(send(s, op(Op.LIST_TUBES)));
    }

    private List<String> watched(Session s) {
        return list(send(s, op(Op.LIST_TUBES_WATCHED)));
    }

    // ------------------------------------------------------------------ basics

    // ------------------------------------------------------------------ journal space

    /** A journal stand-in whose space comes and goes as the test says. */
    private static final class Space implements Durability {
        boolean room;
        boolean coming = true;

        public boolean canAccept(int bodyBytes) {
            return room;
        }

        public boolean spaceComing() {
            return coming;
        }

        public void put(long id, String tube, long pri, long delayMs, long ttrMs, byte[] body, String token) {
        }

        public void update(long id, JobState state, long pri, long delayMs) {
        }

        public void delete(long id) {
        }
    }

    @Test
    void putWaitsForJournalSpaceOnItsWayAndKeepsTheSessionsOrder() {
        Space space = new Space();
        daemon.setDurability(space);
        Session s = open();
        Session other = open();
        assertEquals("", send(s, put("a"), op(Op.LIST_TUBE_USED)));
        assertEquals("USING default\r\n", send(other, op(Op.LIST_TUBE_USED)), "other sessions go on");
        space.room = true;
        daemon.resumeStalled();
        assertEquals("INSERTED 1\r\nUSING default\r\n", out(s));
    }

    @Test
    void putIsRefusedWhenTheJournalHasNoSpaceComing() {
        Space space = new Space();
        space.coming = false;
        daemon.setDurability(space);
        Session s = open();
        assertEquals("OUT_OF_MEMORY\r\n", send(s, put("a")));
        // a stalled put learns of a failed preallocation and is refused then
        space.coming = true;
        assertEquals("", send(s, put("b")));
        space.coming = false;
        daemon.resumeStalled();
        assertEquals("OUT_OF_MEMORY\r\n", out(s));
    }

    @Test
    void aStalledSessionThatClosesLeavesNothingBehind() {
        Space space = new Space();
        daemon.setDurability(space);
        Session s = open();
        assertEquals("", send(s, put("a")));
        daemon.close(s.id());
        space.room = true;
        daemon.resumeStalled();
        assertEquals("NOT_FOUND\r\n", send(open(), peek(1)));
    }

    @Test
    void putReserveDelete() {
        Session c = open();
        assertEquals("INSERTED 1\r\n", send(c, put(10, 0, 60, "hello")));
        assertEquals("RESERVED 1 5\r\nhello\r\n", send(c, reserve()));
        assertEquals("DELETED\r\n", send(c, delete(1)));
        assertEquals("NOT_FOUND\r\n", send(c, delete(1)));
        assertEquals("TIMED_OUT\r\n", send(c, reserveWithTimeout(0)));
    }

    @Test
    void bodiesAreBinaryAndMayBeEmpty() {
        Session c = open();
        String body = "a\r\nb\0\u00ff";
        assertEquals(inserted(1), send(c, put(body)));
        assertEquals(inserted(2), send(c, put("")));
        assertEquals("RESERVED 1 6\r\n" + body + "\r\n", send(c, reserve()));
        assertEquals("RESERVED 2 0\r\n\r\n", send(c, reserve()));
    }

    @Test
    void batchAnswersInOrderAndCountsAnswers() {
        Session c = open();
        daemon.submit(c.id(), List.of(put("a"), put("b"), Command.error(Replies.BAD_FORMAT), op(Op.LIST_TUBE_USED)));
        List<Session> dirty = daemon.takeDirty();
        assertEquals(List.of(c), dirty);
        assertEquals("route-" + c.id(), dirty.get(0).route());
        assertEquals(List.of(), daemon.takeDirty());
        assertEquals(4, c.takeAnswered());
        assertEquals(0, c.takeAnswered());
        assertEquals("INSERTED 1\r\nINSERTED 2\r\nBAD_FORMAT\r\nUSING default\r\n", out(c));
        assertEquals("", out(c));
    }

    @Test
    void unknownSessionIsIgnored() {
        daemon.submit(42, List.of(put("x")));
        daemon.close(42);
        Session c = open();
        assertEquals("0", stats(c).get("total-jobs"));
    }

    // ------------------------------------------------------------------ priority

    @Test
    void lowerPriorityFirstAndFifoAmongEquals() {
        Session p = open();
        assertEquals(inserted(1), send(p, put(5, 0, 60, "a")));
        assertEquals(inserted(2), send(p, put(1, 0, 60, "b")));
        assertEquals(inserted(3), send(p, put(5, 0, 60, "c")));
        assertEquals(inserted(4), send(p, put(0, 0, 60, "d")));
        assertEquals(inserted(5), send(p, put(4294967295L, 0, 60, "e")));
        assertEquals(inserted(6), send(p, put(5, 0, 60, "f")));
        assertEquals(found(4, "d"), send(p, op(Op.PEEK_READY)));
        Session w = open();
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            got.append(send(w, reserveWithTimeout(0)));
        }
        assertEquals(reserved(4, "d") + reserved(2, "b") + reserved(1, "a") + reserved(3, "c")
                + reserved(6, "f") + reserved(5, "e"), got.toString());
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
    }

    @Test
    void bestJobAcrossWatchedTubes() {
        Session p = open();
        send(p, use("a"), put(10, 0, 60, "a10"), use("b"), put(3, 0, 60, "b3"), use("a"), put(3, 0, 60, "a3"),
                use("c"), put(0, 0, 60, "c0"));
        Session w = open();
        assertEquals("WATCHING 2\r\nWATCHING 3\r\nWATCHING 2\r\n", send(w, watch("a"), watch("b"), ignore("default")));
        assertEquals(reserved(2, "b3"), send(w, reserve()));
        assertEquals(reserved(3, "a3"), send(w, reserve()));
        assertEquals(reserved(1, "a10"), send(w, reserve()));
        // job 4 sits in an unwatched tube
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
    }

    @Test
    void blockedReserveOnSeveralTubesTakesTheFirstJobPut() {
        Session w = open();
        send(w, watch("a"), watch("b"));
        assertEquals("", send(w, reserve()));
        Session p = open();
        assertEquals("USING b\r\n" + inserted(1), send(p, use("b"), put(500, 0, 60, "late")));
        assertEquals(reserved(1, "late"), out(w));
    }

    @Test
    void urgentJobsAreCounted() {
        Session p = open();
        send(p, put(1023, 0, 60, "u"), put(1024, 0, 60, "n"), put(0, 0, 60, "u2"));
        Map<String, String> st = stats(p);
        assertEquals("2", st.get("current-jobs-urgent"));
        assertEquals("3", st.get("current-jobs-ready"));
        assertEquals("2", statsTubeOf(p, "default").get("current-jobs-urgent"));
        send(p, reserve());
        assertEquals("1", stats(p).get("current-jobs-urgent"));
        // released with a non-urgent priority
        assertEquals("RELEASED\r\n", send(p, release(3, 2000, 0)));
        assertEquals("1", stats(p).get("current-jobs-urgent"));
    }

    // ------------------------------------------------------------------ delays and kicks

    @Test
    void delayedJobBecomesReadyAfterItsDelay() {
        Session c = open();
        assertEquals(inserted(1), send(c, put(1, 5, 60, "later")));
        assertEquals("TIMED_OUT\r\n", send(c, reserveWithTimeout(0)));
        assertEquals("NOT_FOUND\r\n", send(c, op(Op.PEEK_READY)));
        assertEquals(found(1, "later"), send(c, op(Op.PEEK_DELAYED)));
        Map<String, String> job = statsJobOf(c, 1);
        assertEquals("delayed", job.get("state"));
        assertEquals("5", job.get("delay"));
        assertEquals("4", job.get("time-left"));
        assertEquals("1", stats(c).get("current-jobs-delayed"));
        assertEquals(now + 5000, daemon.nextWakeupAt());

        advance(4999);
        assertEquals("NOT_FOUND\r\n", send(c, op(Op.PEEK_READY)));
        assertEquals("TIMED_OUT\r\n", send(c, reserveWithTimeout(0)));
        advance(1);
        assertEquals(found(1, "later"), send(c, op(Op.PEEK_READY)));
        assertEquals("NOT_FOUND\r\n", send(c, op(Op.PEEK_DELAYED)));
        Map<String, String> st = stats(c);
        assertEquals("0", st.get("current-jobs-delayed"));
        assertEquals("1", st.get("current-jobs-ready"));
        assertEquals(Long.MAX_VALUE, daemon.nextWakeupAt());
        assertEquals(reserved(1, "later"), send(c, reserve()));
    }

    @Test
    void blockedReserveGetsTheDelayedJobWhenItIsDue() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserve()));
        assertEquals(inserted(1), send(p, put(1, 2, 60, "d")));
        advance(1999);
        assertEquals("", out(w));
        advance(1);
        assertEquals(reserved(1, "d"), out(w));
    }

    @Test
    void delayedJobsBecomeReadyInDeadlineOrderThenPriorityOrder() {
        Session c = open();
        send(c, put(9, 10, 60, "ten"), put(5, 3, 60, "three"), put(1, 7, 60, "seven"));
        assertEquals(found(2, "three"), send(c, op(Op.PEEK_DELAYED)));
        advance(3000);
        assertEquals(found(3, "seven"), send(c, op(Op.PEEK_DELAYED)));
        assertEquals(found(2, "three"), send(c, op(Op.PEEK_READY)));
        advance(10_000);
        // all due: ready order is by priority
        assertEquals(reserved(3, "seven") + reserved(2, "three") + reserved(1, "ten"),
                send(c, reserve(), reserve(), reserve()));
    }

    @Test
    void kickMovesDelayedJobsSoonestFirst() {
        Session c = open();
        send(c, put(1, 30, 60, "a"), put(1, 10, 60, "b"), put(1, 20, 60, "c"));
        assertEquals("KICKED 2\r\n", send(c, kick(2)));
        assertEquals(reserved(2, "b") + reserved(3, "c"), send(c, reserve(), reserve()));
        assertEquals("KICKED 1\r\n", send(c, kick(5)));
        assertEquals("KICKED 0\r\n", send(c, kick(5)));
        assertEquals("1", statsJobOf(c, 1).get("kicks"));
        assertEquals("ready", statsJobOf(c, 1).get("state"));
        // kicked jobs are no longer timed
        advance(31_000);
        Map<String, String> st = stats(c);
        assertEquals("1", st.get("current-jobs-ready"));
        assertEquals("0", st.get("current-jobs-delayed"));
        assertEquals("2", st.get("current-jobs-reserved"));
    }

    @Test
    void kickPrefersBuriedOverDelayed() {
        Session c = open();
        send(c, put(1, 10, 60, "delayed"), put(1, 0, 60, "b1"), put(1, 0, 60, "b2"));
        assertEquals(reserved(2, "b1") + reserved(3, "b2"), send(c, reserve(), reserve()));
        assertEquals("BURIED\r\nBURIED\r\n", send(c, bury(3, 1), bury(2, 1)));
        assertEquals(found(3, "b2"), send(c, op(Op.PEEK_BURIED)));
        assertEquals("KICKED 1\r\n", send(c, kick(1)));
        assertEquals(found(2, "b1"), send(c, op(Op.PEEK_BURIED)));
        // buried jobs remain: the delayed one is left alone even though the bound allows more
        assertEquals("KICKED 1\r\n", send(c, kick(10)));
        assertEquals(found(1, "delayed"), send(c, op(Op.PEEK_DELAYED)));
        assertEquals("KICKED 1\r\n", send(c, kick(10)));
        Map<String, String> st = stats(c);
        assertEquals("3", st.get("current-jobs-ready"));
        assertEquals("0", st.get("current-jobs-buried"));
        assertEquals("0", st.get("current-jobs-delayed"));
        assertEquals("3", st.get("cmd-kick"));
    }

    @Test
    void kickOnlyTouchesTheUsedTube() {
        Session c = open();
        send(c, use("other"), put(1, 10, 60, "x"), use("default"));
        assertEquals("KICKED 0\r\n", send(c, kick(10)));
        assertEquals("USING other\r\nKICKED 1\r\n", send(c, use("other"), kick(10)));
    }

    @Test
    void kickJobForBuriedAndDelayedOnly() {
        Session c = open();
        send(c, put(1, 0, 60, "buried"), put(1, 10, 60, "delayed"), put(1, 0, 60, "ready"));
        assertEquals(reserved(1, "buried"), send(c, reserve()));
        assertEquals("BURIED\r\n", send(c, bury(1, 5)));
        assertEquals(inserted(4), send(c, put(0, 0, 60, "mine")));
        assertEquals(reserved(4, "mine"), send(c, reserve()));

        assertEquals("NOT_FOUND\r\n", send(c, kickJob(3)));
        assertEquals("NOT_FOUND\r\n", send(c, kickJob(4)));
        assertEquals("NOT_FOUND\r\n", send(c, kickJob(99)));
        assertEquals("KICKED\r\n", send(c, kickJob(1)));
        assertEquals("KICKED\r\n", send(c, kickJob(2)));
        assertEquals("NOT_FOUND\r\n", send(c, kickJob(2)));
        assertEquals("ready", statsJobOf(c, 1).get("state"));
        assertEquals("ready", statsJobOf(c, 2).get("state"));
        assertEquals("1", statsJobOf(c, 2).get("kicks"));
        // kick-job is not `kick`
        assertEquals("0", stats(c).get("cmd-kick"));
    }

    @Test
    void kickedJobGoesToAWaitingWorker() {
        Session p = open();
        Session w = open();
        send(p, put(1, 10, 60, "x"));
        assertEquals("", send(w, reserve()));
        assertEquals("KICKED\r\n", send(p, kickJob(1)));
        assertEquals(reserved(1, "x"), out(w));
    }

    // ------------------------------------------------------------------ time to run

    @Test
    void silentWorkerLosesItsJobAfterTtr() {
        Session p = open();
        Session w = open();
        send(p, put(1, 0, 3, "job"));
        assertEquals(reserved(1, "job"), send(w, reserve()));
        assertEquals("2", statsJobOf(p, 1).get("time-left"));
        advance(2999);
        assertEquals("reserved", statsJobOf(p, 1).get("state"));
        advance(1);
        Map<String, String> job = statsJobOf(p, 1);
        assertEquals("ready", job.get("state"));
        assertEquals("1", job.get("timeouts"));
        assertEquals("1", job.get("reserves"));
        Map<String, String> st = stats(p);
        assertEquals("1", st.get("job-timeouts"));
        assertEquals("1", st.get("current-jobs-ready"));
        assertEquals("0", st.get("current-jobs-reserved"));
        assertEquals("", out(w));
        // the job is no longer the worker's
        assertEquals("NOT_FOUND\r\n", send(w, touch(1)));
        assertEquals("NOT_FOUND\r\n", send(w, release(1, 1, 0)));
        assertEquals("NOT_FOUND\r\n", send(w, bury(1, 1)));
        Session w2 = open();
        assertEquals(reserved(1, "job"), send(w2, reserve()));
        assertEquals("2", statsJobOf(p, 1).get("reserves"));
        assertEquals("DELETED\r\n", send(w2, delete(1)));
    }

    @Test
    void timedOutJobGoesStraightToAWaitingWorker() {
        Session a = open();
        Session b = open();
        send(a, put(1, 0, 2, "x"));
        assertEquals(reserved(1, "x"), send(a, reserve()));
        assertEquals("", send(b, reserve()));
        advance(2000);
        assertEquals(reserved(1, "x"), out(b));
        assertEquals("", out(a));
        assertEquals("1", stats(a).get("job-timeouts"));
    }

    @Test
    void touchRestartsTheTtr() {
        Session c = open();
        Session other = open();
        send(c, put(1, 0, 3, "job"));
        assertEquals(reserved(1, "job"), send(c, reserve()));
        advance(2000);
        assertEquals("TOUCHED\r\n", send(c, touch(1)));
        assertEquals("NOT_FOUND\r\n", send(other, touch(1)));
        assertEquals("NOT_FOUND\r\n", send(c, touch(99)));
        assertEquals("2", statsJobOf(c, 1).get("time-left"));
        advance(2999);
        assertEquals("reserved", statsJobOf(c, 1).get("state"));
        advance(1);
        assertEquals("ready", statsJobOf(c, 1).get("state"));
        assertEquals("NOT_FOUND\r\n", send(c, touch(1)));
        Map<String, String> st = stats(c);
        assertEquals("4", st.get("cmd-touch"));
        assertEquals("1", st.get("job-timeouts"));
    }

    @Test
    void ttrZeroIsRaisedToOneSecond() {
        Session c = open();
        send(c, put(1, 0, 0, "quick"));
        assertEquals("1", statsJobOf(c, 1).get("ttr"));
        assertEquals(reserved(1, "quick"), send(c, reserve()));
        advance(999);
        assertEquals("reserved", statsJobOf(c, 1).get("state"));
        advance(1);
        assertEquals("ready", statsJobOf(c, 1).get("state"));
    }

    // ------------------------------------------------------------------ blocking reserve

    @Test
    void blockedReserveIsAnsweredByALaterPut() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserve()));
        Map<String, String> st = stats(p);
        assertEquals("1", st.get("current-waiting"));
        assertEquals("1", st.get("current-workers"));
        assertEquals("1", statsTubeOf(p, "default").get("current-waiting"));
        assertEquals(inserted(1), send(p, put("hello")));
        assertEquals(reserved(1, "hello"), out(w));
        st = stats(p);
        assertEquals("0", st.get("current-waiting"));
        assertEquals("1", st.get("current-jobs-reserved"));
        assertEquals("0", st.get("current-jobs-ready"));
        assertEquals("0", statsTubeOf(p, "default").get("current-waiting"));
    }

    @Test
    void blockedReserveIgnoresJobsInUnwatchedTubes() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserve()));
        send(p, use("elsewhere"), put("x"));
        assertEquals("", out(w));
        send(p, use("default"), put("y"));
        assertEquals(reserved(2, "y"), out(w));
    }

    @Test
    void severalWaitersEachGetADifferentJobExactlyOnce() {
        Session p = open();
        List<Session> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Session w = open();
            workers.add(w);
            assertEquals("", send(w, reserve()));
        }
        assertEquals("4", stats(p).get("current-waiting"));
        send(p, put("j1"), put("j2"), put("j3"));
        Set<String> replies = new HashSet<>();
        int silent = 0;
        for (Session w : workers) {
            String r = out(w);
            if (r.isEmpty()) {
                silent++;
            } else {
                assertTrue(replies.add(r), r);
            }
        }
        assertEquals(1, silent);
        assertEquals(Set.of(reserved(1, "j1"), reserved(2, "j2"), reserved(3, "j3")), replies);
        Map<String, String> st = stats(p);
        assertEquals("1", st.get("current-waiting"));
        assertEquals("3", st.get("current-jobs-reserved"));
        assertEquals("0", st.get("current-jobs-ready"));
        send(p, put("j4"));
        int got = 0;
        for (Session w : workers) {
            String r = out(w);
            if (!r.isEmpty()) {
                assertEquals(reserved(4, "j4"), r);
                got++;
            }
        }
        assertEquals(1, got);
        assertEquals("0", stats(p).get("current-waiting"));
    }

    @Test
    void reserveWithTimeoutTimesOut() {
        Session w = open();
        assertEquals("", send(w, reserveWithTimeout(3)));
        assertEquals(now + 3000, daemon.nextWakeupAt());
        advance(2999);
        assertEquals("", out(w));
        daemon.takeDirty();
        advance(1);
        assertEquals(List.of(w), daemon.takeDirty());
        assertEquals(1, w.takeAnswered());
        assertEquals("TIMED_OUT\r\n", out(w));
        assertEquals("0", stats(w).get("current-waiting"));
        // a job put afterwards is not handed to the timed-out session
        Session p = open();
        send(p, put("x"));
        assertEquals("", out(w));
        assertEquals("1", stats(p).get("current-jobs-ready"));
    }

    @Test
    void reserveWithTimeoutZeroAnswersAtOnce() {
        Session w = open();
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
        assertEquals("0", stats(w).get("current-waiting"));
        send(w, put("x"));
        assertEquals(reserved(1, "x"), send(w, reserveWithTimeout(0)));
        Map<String, String> st = stats(w);
        assertEquals("2", st.get("cmd-reserve-with-timeout"));
        assertEquals("0", st.get("cmd-reserve"));
    }

    @Test
    void reserveWithTimeoutAnsweredByAJobIsNotTimedOutLater() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserveWithTimeout(5)));
        advance(2000);
        send(p, put(1, 0, 100, "x"));
        assertEquals(reserved(1, "x"), out(w));
        advance(10_000);
        assertEquals("", out(w));
        // a second reserve-with-timeout gets its own full timeout
        assertEquals("", send(w, reserveWithTimeout(2)));
        advance(1999);
        assertEquals("", out(w));
        advance(1);
        assertEquals("TIMED_OUT\r\n", out(w));
    }

    @Test
    void deadlineSoonAtReserveTime() {
        Session w = open();
        send(w, put(1, 0, 5, "x"));
        assertEquals(reserved(1, "x"), send(w, reserve()));
        advance(3999);
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
        advance(1);
        assertEquals("DEADLINE_SOON\r\n", send(w, reserve()));
        assertEquals("DEADLINE_SOON\r\n", send(w, reserveWithTimeout(10)));
        assertEquals("0", stats(w).get("current-waiting"));
        // the job is still ours
        assertEquals("reserved", statsJobOf(w, 1).get("state"));
        // with a ready job to take, reserve hands it out even within the safety margin
        send(w, put(1, 0, 5, "y"));
        assertEquals(reserved(2, "y"), send(w, reserve()));
        assertEquals("DELETED\r\nDELETED\r\n", send(w, delete(1), delete(2)));
    }

    @Test
    void ttrOfOneSecondIsAlwaysDeadlineSoon() {
        Session w = open();
        send(w, put(1, 0, 1, "x"));
        assertEquals(reserved(1, "x"), send(w, reserve()));
        assertEquals("DEADLINE_SOON\r\n", send(w, reserve()));
    }

    @Test
    void deadlineSoonWhileWaiting() {
        Session w = open();
        send(w, put(1, 0, 5, "x"));
        assertEquals(reserved(1, "x"), send(w, reserve()));
        assertEquals("", send(w, reserve()));
        assertEquals(now + 4000, daemon.nextWakeupAt());
        advance(3999);
        assertEquals("", out(w));
        advance(1);
        assertEquals("DEADLINE_SOON\r\n", out(w));
        assertEquals("0", stats(w).get("current-waiting"));
        assertEquals("reserved", statsJobOf(w, 1).get("state"));
        assertEquals("DELETED\r\n", send(w, delete(1)));
    }

    @Test
    void deadlineSoonBeatsALongerReserveTimeout() {
        Session w = open();
        send(w, put(1, 0, 5, "x"));
        send(w, reserve());
        assertEquals("", send(w, reserveWithTimeout(60)));
        advance(4000);
        assertEquals("DEADLINE_SOON\r\n", out(w));
        advance(60_000);
        assertEquals("", out(w));
    }

    @Test
    void shorterReserveTimeoutBeatsDeadlineSoon() {
        Session w = open();
        send(w, put(1, 0, 10, "x"));
        send(w, reserve());
        assertEquals("", send(w, reserveWithTimeout(2)));
        advance(2000);
        assertEquals("TIMED_OUT\r\n", out(w));
        advance(7000);
        assertEquals("", out(w));
        assertEquals("DEADLINE_SOON\r\n", send(w, reserve()));
    }

    @Test
    void jobArrivingBeforeDeadlineSoonCancelsIt() {
        Session w = open();
        Session p = open();
        send(w, put(1, 0, 5, "x"));
        send(w, reserve());
        assertEquals("", send(w, reserve()));
        advance(1000);
        send(p, put(1, 0, 100, "y"));
        assertEquals(reserved(2, "y"), out(w));
        advance(3000);
        assertEquals("", out(w));
        advance(1000);
        assertEquals("", out(w));
        assertEquals("ready", statsJobOf(p, 1).get("state"));
    }

    @Test
    void deadlineSoonWhenOnlyPausedTubesHaveReadyJobs() {
        Session w = open();
        send(w, put(1, 0, 1, "held"), reserve(), use("p"), put(1, 0, 60, "paused"), pause("p", 10));
        assertEquals("WATCHING 2\r\n", send(w, watch("p")));
        // beanstalkd 1.12: the ready job in the paused tube lets the reserve wait, and the wait
        // ends at once with DEADLINE_SOON, for a zero timeout too
        assertEquals("DEADLINE_SOON\r\n", send(w, reserveWithTimeout(0)));
        assertEquals("", send(w, reserve()));
        advance(0);
        assertEquals("DEADLINE_SOON\r\n", out(w));
    }

    @Test
    void commandsBehindABlockedReserveWaitForIt() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserve(), op(Op.LIST_TUBE_USED), put(7, 0, 60, "mine")));
        assertEquals("", send(w, use("later")));
        assertEquals("0", stats(p).get("cmd-list-tube-used"));
        assertEquals(inserted(1), send(p, put("first")));
        assertEquals(reserved(1, "first") + "USING default\r\n" + inserted(2) + "USING later\r\n", out(w));
    }

    @Test
    void pipelinedReservesBlockOneAfterTheOther() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserve(), reserve(), reserveWithTimeout(1), op(Op.LIST_TUBE_USED)));
        send(p, put("a"));
        assertEquals(reserved(1, "a"), out(w));
        send(p, put("b"));
        assertEquals(reserved(2, "b"), out(w));
        advance(1000);
        assertEquals("TIMED_OUT\r\nUSING default\r\n", out(w));
    }

    @Test
    void commandsBehindATimedOutReserveRunOnTick() {
        Session w = open();
        assertEquals("", send(w, reserveWithTimeout(1), put("x"), reserveWithTimeout(0)));
        advance(1000);
        assertEquals("TIMED_OUT\r\n" + inserted(1) + reserved(1, "x"), out(w));
    }

    // ------------------------------------------------------------------ release, bury, delete

    @Test
    void releaseWithPriorityAndDelay() {
        Session w = open();
        send(w, put(10, 0, 60, "a"), put(20, 0, 60, "b"));
        assertEquals(reserved(1, "a"), send(w, reserve()));
        assertEquals("RELEASED\r\n", send(w, release(1, 30, 0)));
        Map<String, String> job = statsJobOf(w, 1);
        assertEquals("ready", job.get("state"));
        assertEquals("30", job.get("pri"));
        assertEquals("1", job.get("releases"));
        assertEquals(reserved(2, "b"), send(w, reserve()));
        assertEquals(reserved(1, "a"), send(w, reserve()));
        assertEquals("RELEASED\r\n", send(w, release(1, 5, 4)));
        job = statsJobOf(w, 1);
        assertEquals("delayed", job.get("state"));
        assertEquals("4", job.get("delay"));
        assertEquals("2", job.get("releases"));
        assertEquals(found(1, "a"), send(w, op(Op.PEEK_DELAYED)));
        advance(3999);
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
        advance(1);
        assertEquals(reserved(1, "a"), send(w, reserve()));
        assertEquals("3", statsJobOf(w, 1).get("reserves"));
        assertEquals("2", stats(w).get("cmd-release"));
    }

    @Test
    void releaseOfAJobNotReservedBySessionIsNotFound() {
        Session a = open();
        Session b = open();
        send(a, put("x"), put("y"));
        assertEquals("NOT_FOUND\r\n", send(a, release(1, 1, 0)));
        assertEquals(reserved(1, "x"), send(a, reserve()));
        assertEquals("NOT_FOUND\r\n", send(b, release(1, 1, 0)));
        assertEquals("NOT_FOUND\r\n", send(b, bury(1, 1)));
        assertEquals("NOT_FOUND\r\n", send(a, release(99, 1, 0)));
        assertEquals("RELEASED\r\n", send(a, release(1, 1, 0)));
        assertEquals("NOT_FOUND\r\n", send(a, release(1, 1, 0)));
    }

    @Test
    void releasedJobGoesToAWaitingWorker() {
        Session a = open();
        Session b = open();
        send(a, put("x"));
        assertEquals(reserved(1, "x"), send(a, reserve()));
        assertEquals("", send(b, reserve()));
        assertEquals("RELEASED\r\n", send(a, release(1, 0, 0)));
        assertEquals(reserved(1, "x"), out(b));
    }

    @Test
    void buryAndPeekBuried() {
        Session w = open();
        send(w, put(1, 0, 60, "a"), put(1, 0, 60, "b"), put(1, 0, 60, "c"));
        assertEquals("NOT_FOUND\r\n", send(w, op(Op.PEEK_BURIED)));
        assertEquals(reserved(1, "a") + reserved(2, "b"), send(w, reserve(), reserve()));
        assertEquals("BURIED\r\n", send(w, bury(2, 9)));
        assertEquals("BURIED\r\n", send(w, bury(1, 8)));
        assertEquals("NOT_FOUND\r\n", send(w, bury(1, 8)));
        assertEquals("NOT_FOUND\r\n", send(w, bury(3, 8)));
        // oldest buried first, not best priority
        assertEquals(found(2, "b"), send(w, op(Op.PEEK_BURIED)));
        Map<String, String> job = statsJobOf(w, 2);
        assertEquals("buried", job.get("state"));
        assertEquals("9", job.get("pri"));
        assertEquals("1", job.get("buries"));
        assertEquals("0", job.get("time-left"));
        assertEquals(reserved(3, "c"), send(w, reserve()));
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
        Map<String, String> st = stats(w);
        assertEquals("2", st.get("current-jobs-buried"));
        // failed buries count too, as in beanstalkd
        assertEquals("4", st.get("cmd-bury"));
        assertEquals("2", statsTubeOf(w, "default").get("current-jobs-buried"));
        // buried jobs are untimed
        advance(3_600_000);
        assertEquals("2", stats(w).get("current-jobs-buried"));
        // reserve-job takes a buried job directly
        assertEquals(reserved(1, "a"), send(w, reserveJob(1)));
        assertEquals(found(2, "b"), send(w, op(Op.PEEK_BURIED)));
    }

    @Test
    void deleteInEveryState() {
        Session a = open();
        Session b = open();
        send(a, put(1, 0, 60, "ready"), put(1, 10, 60, "delayed"), put(1, 0, 60, "buried"), put(1, 0, 60, "mine"),
                put(1, 0, 60, "theirs"));
        assertEquals(reserved(3, "buried") + "BURIED\r\n" + reserved(4, "mine"),
                send(a, reserveJob(3), bury(3, 1), reserveJob(4)));
        assertEquals(reserved(5, "theirs"), send(b, reserveJob(5)));

        assertEquals("NOT_FOUND\r\n", send(a, delete(5)));
        assertEquals("reserved", statsJobOf(a, 5).get("state"));
        assertEquals("DELETED\r\n", send(a, delete(1)));
        assertEquals("DELETED\r\n", send(a, delete(2)));
        assertEquals("DELETED\r\n", send(a, delete(3)));
        assertEquals("DELETED\r\n", send(a, delete(4)));
        assertEquals("DELETED\r\n", send(b, delete(5)));
        for (long id = 1; id <= 5; id++) {
            assertEquals("NOT_FOUND\r\n", send(a, statsJob(id)));
            assertEquals("NOT_FOUND\r\n", send(a, peek(id)));
        }
        Map<String, String> st = stats(a);
        for (String k : List.of("current-jobs-urgent", "current-jobs-ready", "current-jobs-reserved",
                "current-jobs-delayed", "current-jobs-buried")) {
            assertEquals("0", st.get(k), k);
        }
        assertEquals("6", st.get("cmd-delete"));
        assertEquals("5", st.get("total-jobs"));
        assertEquals("5", statsTubeOf(a, "default").get("cmd-delete"));
        // the deleted delayed job no longer fires
        advance(20_000);
        assertEquals("0", stats(a).get("current-jobs-ready"));
    }

    @Test
    void peekById() {
        Session c = open();
        send(c, use("t"), put("x"));
        assertEquals(found(1, "x"), send(c, peek(1)));
        assertEquals("NOT_FOUND\r\n", send(c, peek(2)));
        // peek by id ignores tubes
        assertEquals("USING default\r\n" + found(1, "x"), send(c, use("default"), peek(1)));
        assertEquals("NOT_FOUND\r\n", send(c, op(Op.PEEK_READY)));
    }

    @Test
    void reserveJobTakesReadyDelayedOrBuriedJobs() {
        Session a = open();
        Session b = open();
        send(a, put(1, 0, 60, "r"), put(1, 10, 60, "d"));
        assertEquals(reserved(2, "d"), send(a, reserveJob(2)));
        assertEquals("0", stats(a).get("current-jobs-delayed"));
        assertEquals(reserved(1, "r"), send(a, reserveJob(1)));
        assertEquals("NOT_FOUND\r\n", send(b, reserveJob(1)));
        assertEquals("NOT_FOUND\r\n", send(a, reserveJob(1)));
        assertEquals("NOT_FOUND\r\n", send(a, reserveJob(3)));
        Map<String, String> st = stats(a);
        assertEquals("2", st.get("current-jobs-reserved"));
        assertEquals("1", st.get("current-workers"));
        // the delayed job reserved early is not made ready by its old delay
        advance(10_000);
        assertEquals("reserved", statsJobOf(a, 2).get("state"));
    }

    // ------------------------------------------------------------------ connection life

    @Test
    void closeReturnsReservedJobsToAWaitingWorker() {
        Session a = open();
        Session b = open();
        send(a, put(5, 0, 60, "x"), put(1, 0, 60, "y"));
        assertEquals(reserved(2, "y") + reserved(1, "x"), send(a, reserve(), reserve()));
        assertEquals("", send(b, reserve()));
        daemon.close(a.id());
        assertEquals(reserved(2, "y"), out(b));
        Map<String, String> st = stats(b);
        assertEquals("1", st.get("current-jobs-ready"));
        assertEquals("1", st.get("current-jobs-reserved"));
        assertEquals("0", st.get("job-timeouts"));
        assertEquals("1", st.get("current-connections"));
        assertEquals("2", st.get("total-connections"));
        assertEquals("0", st.get("current-producers"));
        assertEquals("1", st.get("current-workers"));
        assertEquals("0", statsJobOf(b, 1).get("timeouts"));
        // commands for the closed session are dropped
        daemon.submit(a.id(), List.of(put("z")));
        assertEquals("", out(a));
        assertEquals("2", stats(b).get("total-jobs"));
        // the job returned to ready is not timed any more
        assertEquals("DELETED\r\n", send(b, delete(2)));
        advance(120_000);
        st = stats(b);
        assertEquals("0", st.get("job-timeouts"));
        assertEquals("1", st.get("current-jobs-ready"));
    }

    @Test
    void closeHandsReservedJobsToWaitersInReserveOrder() {
        Session a = open();
        send(a, put(3, 0, 60, "x"), put(1, 0, 60, "y"), put(2, 0, 60, "z"));
        assertEquals(reserved(2, "y") + reserved(3, "z") + reserved(1, "x"), send(a, reserve(), reserve(), reserve()));
        Session w1 = open();
        Session w2 = open();
        assertEquals("", send(w1, reserve()));
        assertEquals("", send(w2, reserve()));
        daemon.close(a.id());
        assertEquals(reserved(2, "y"), out(w1));
        assertEquals(reserved(3, "z"), out(w2));
        Map<String, String> st = stats(w1);
        assertEquals("1", st.get("current-jobs-ready"));
        assertEquals("2", st.get("current-jobs-reserved"));
        assertEquals("0", st.get("current-waiting"));
        assertEquals(found(1, "x"), send(w1, op(Op.PEEK_READY)));
    }

    @Test
    void aServedWaiterLeavesTheQueuesOfItsOtherTubes() {
        Session w1 = open();
        Session w2 = open();
        Session p = open();
        for (Session w : List.of(w1, w2)) {
            assertEquals("WATCHING 2\r\nWATCHING 3\r\n", send(w, watch("a"), watch("b"), reserve()));
        }
        assertEquals("USING b\r\n" + inserted(1), send(p, use("b"), put("j1")));
        assertEquals(reserved(1, "j1"), out(w1));
        assertEquals("1", statsTubeOf(p, "a").get("current-waiting"));
        assertEquals("USING a\r\n" + inserted(2), send(p, use("a"), put("j2")));
        assertEquals("", out(w1));
        assertEquals(reserved(2, "j2"), out(w2));
        assertEquals("0", statsTubeOf(p, "a").get("current-waiting"));
        assertEquals("0", statsTubeOf(p, "b").get("current-waiting"));
        assertEquals("DELETED\r\n", send(w1, delete(1), reserve()));
        assertEquals("1", statsTubeOf(p, "b").get("current-waiting"));
        send(p, put("j3"));
        assertEquals(reserved(3, "j3"), out(w1));
        assertEquals("0", stats(p).get("current-waiting"));
    }

    @Test
    void buriedJobsKeepBuryOrderWhenOneLeavesFromTheMiddle() {
        Session w = open();
        send(w, put("a"), put("b"), put("c"), put("d"));
        send(w, reserve(), reserve(), reserve(), reserve());
        assertEquals("BURIED\r\n".repeat(4), send(w, bury(3, 1), bury(1, 1), bury(4, 1), bury(2, 1)));
        assertEquals("DELETED\r\n", send(w, delete(1)));
        assertEquals(found(3, "c"), send(w, op(Op.PEEK_BURIED)));
        assertEquals("KICKED\r\n", send(w, kickJob(4)));
        assertEquals("KICKED 1\r\n", send(w, kick(1)));
        assertEquals(found(2, "b"), send(w, op(Op.PEEK_BURIED)));
        assertEquals("1", statsTubeOf(w, "default").get("current-jobs-buried"));
        assertEquals("KICKED 1\r\n", send(w, kick(10)));
        assertEquals("NOT_FOUND\r\n", send(w, op(Op.PEEK_BURIED)));
        assertEquals(reserved(2, "b") + reserved(3, "c") + reserved(4, "d"), send(w, reserve(), reserve(), reserve()));
    }

    @Test
    void closeOfAWaitingSessionStopsItsWait() {
        Session a = open();
        Session p = open();
        send(a, reserveWithTimeout(5));
        daemon.close(a.id());
        assertEquals("0", stats(p).get("current-waiting"));
        assertEquals("0", statsTubeOf(p, "default").get("current-waiting"));
        send(p, put("x"));
        assertEquals("1", stats(p).get("current-jobs-ready"));
        advance(5000);
        assertEquals("", out(a));
        daemon.close(a.id()); // twice is harmless
        assertEquals("1", stats(p).get("current-connections"));
    }

    @Test
    void closeReleasesTubeReferences() {
        Session a = open();
        Session b = open();
        send(a, use("u"), watch("w"));
        assertEquals(List.of("default", "u", "w"), tubes(b));
        daemon.close(a.id());
        assertEquals(List.of("default"), tubes(b));
    }

    @Test
    void quitIgnoresTheRest() {
        Session q = open();
        Session other = open();
        assertFalse(q.closeRequested());
        daemon.submit(q.id(), List.of(op(Op.LIST_TUBE_USED), op(Op.QUIT), put("dropped")));
        assertTrue(daemon.takeDirty().contains(q));
        assertTrue(q.closeRequested());
        assertEquals("USING default\r\n", out(q));
        assertEquals("", send(q, put("also dropped"), op(Op.STATS)));
        Map<String, String> st = stats(other);
        assertEquals("0", st.get("cmd-put"));
        assertEquals("0", st.get("total-jobs"));
        assertEquals("1", st.get("cmd-stats"));
        // the quitting session is counted until the transport closes it
        assertEquals("2", st.get("current-connections"));
        daemon.close(q.id());
        assertEquals("1", stats(other).get("current-connections"));
    }

    @Test
    void quitWhileBlockedWaitsForTheReserve() {
        Session w = open();
        Session p = open();
        assertEquals("", send(w, reserve(), op(Op.QUIT)));
        assertFalse(w.closeRequested());
        send(p, put("x"));
        assertEquals(reserved(1, "x"), out(w));
        assertTrue(w.closeRequested());
    }

    // ------------------------------------------------------------------ tubes

    @Test
    void useAndWatchCreateTubesThatVanishWhenUnused() {
        Session c = open();
        assertEquals(List.of("default"), tubes(c));
        assertEquals("USING foo\r\n", send(c, use("foo")));
        assertEquals("USING foo\r\n", send(c, op(Op.LIST_TUBE_USED)));
        assertEquals(List.of("default", "foo"), tubes(c));
        assertEquals("WATCHING 2\r\n", send(c, watch("bar")));
        assertEquals("WATCHING 2\r\n", send(c, watch("bar")));
        assertEquals(List.of("default", "foo", "bar"), tubes(c));
        assertEquals("USING default\r\n", send(c, use("default")));
        assertEquals(List.of("default", "bar"), tubes(c));
        assertEquals("WATCHING 1\r\n", send(c, ignore("bar")));
        assertEquals(List.of("default"), tubes(c));
        assertEquals("NOT_FOUND\r\n", send(c, statsTube("bar")));
        assertEquals("1", stats(c).get("current-tubes"));
    }

    @Test
    void tubeWithJobsStaysUntilItsLastJobIsDeleted() {
        Session c = open();
        send(c, use("jobs"), put("a"), put(1, 5, 60, "b"), use("default"));
        assertEquals(List.of("default", "jobs"), tubes(c));
        Map<String, String> t = statsTubeOf(c, "jobs");
        assertEquals("0", t.get("current-using"));
        assertEquals("0", t.get("current-watching"));
        assertEquals("2", t.get("total-jobs"));
        send(c, delete(1));
        assertEquals(List.of("default", "jobs"), tubes(c));
        send(c, delete(2));
        assertEquals(List.of("default"), tubes(c));
        // a fresh tube of the same name starts from zero
        send(c, use("jobs"));
        assertEquals("0", statsTubeOf(c, "jobs").get("total-jobs"));
    }

    @Test
    void defaultTubeNeverVanishes() {
        Session c = open();
        send(c, use("x"), watch("x"), ignore("default"));
        assertEquals("OK 8\r\n---\n- x\n\r\n", send(c, op(Op.LIST_TUBES_WATCHED)));
        assertEquals(List.of("default", "x"), tubes(c));
        Map<String, String> t = statsTubeOf(c, "default");
        assertEquals("0", t.get("current-using"));
        assertEquals("0", t.get("current-watching"));
        daemon.close(c.id());
        Session d = open();
        assertEquals(List.of("default"), tubes(d));
    }

    @Test
    void ignoreOfTheLastWatchedTubeIsRefused() {
        Session c = open();
        assertEquals("NOT_IGNORED\r\n", send(c, ignore("default")));
        assertEquals("WATCHING 1\r\n", send(c, ignore("never-watched")));
        assertEquals("WATCHING 2\r\n", send(c, watch("a")));
        assertEquals("WATCHING 1\r\n", send(c, ignore("default")));
        assertEquals("NOT_IGNORED\r\n", send(c, ignore("a")));
        assertEquals(List.of("a"), watched(c));
        assertEquals(List.of("default", "a"), tubes(c));
        assertEquals("4", stats(c).get("cmd-ignore"));
    }

    @Test
    void ignoreMovesTheLastWatchedTubeIntoTheHole() {
        Session c = open();
        send(c, watch("a"), watch("b"), watch("c"));
        assertEquals(List.of("default", "a", "b", "c"), watched(c));
        assertEquals("WATCHING 3\r\n", send(c, ignore("a")));
        assertEquals(List.of("default", "c", "b"), watched(c));
        assertEquals("WATCHING 2\r\n", send(c, ignore("default")));
        assertEquals(List.of("b", "c"), watched(c));
        assertEquals("WATCHING 3\r\n", send(c, watch("default")));
        assertEquals("OK 22\r\n---\n- b\n- c\n- default\n\r\n", send(c, op(Op.LIST_TUBES_WATCHED)));
    }

    @Test
    void listTubesMovesTheLastTubeIntoTheHole() {
        Session c = open();
        Session keep = open();
        send(keep, watch("b"), watch("c"));
        send(c, use("a"));
        assertEquals(List.of("default", "b", "c", "a"), tubes(c));
        send(keep, ignore("b"));
        assertEquals(List.of("default", "a", "c"), tubes(c));
        assertEquals("OK 22\r\n---\n- default\n- a\n- c\n\r\n", send(c, op(Op.LIST_TUBES)));
    }

    @Test
    void tubeCountersForUseAndWatch() {
        Session a = open();
        Session b = open();
        send(a, use("t"), watch("t"));
        send(b, watch("t"));
        Map<String, String> t = statsTubeOf(a, "t");
        assertEquals("1", t.get("current-using"));
        assertEquals("2", t.get("current-watching"));
        Map<String, String> d = statsTubeOf(a, "default");
        assertEquals("1", d.get("current-using"));
        assertEquals("2", d.get("current-watching"));
        assertEquals("2", stats(a).get("current-tubes"));
    }

    // ------------------------------------------------------------------ pause

    @Test
    void pausedTubeHandsOutNothingUntilThePauseEnds() {
        Session p = open();
        Session w = open();
        send(p, put("x"));
        assertEquals("PAUSED\r\n", send(p, pause("default", 5)));
        assertEquals("TIMED_OUT\r\n", send(w, reserveWithTimeout(0)));
        assertEquals("", send(w, reserve()));
        Map<String, String> t = statsTubeOf(p, "default");
        assertEquals("5", t.get("pause"));
        assertEquals("4", t.get("pause-time-left"));
        assertEquals("1", t.get("cmd-pause-tube"));
        assertEquals("1", t.get("current-waiting"));
        assertEquals("1", t.get("current-jobs-ready"));
        assertEquals(now + 5000, daemon.nextWakeupAt());
        advance(2000);
        assertEquals("2", statsTubeOf(p, "default").get("pause-time-left"));
        // peek is not affected by the pause
        assertEquals(found(1, "x"), send(p, op(Op.PEEK_READY)));
        advance(2999);
        assertEquals("", out(w));
        advance(1);
        assertEquals(reserved(1, "x"), out(w));
        t = statsTubeOf(p, "default");
        assertEquals("0", t.get("pause"));
        assertEquals("0", t.get("pause-time-left"));
        assertEquals("1", t.get("cmd-pause-tube"));
        assertEquals("1", stats(p).get("cmd-pause-tube"));
        // only the reserved job's TTR is left to watch
        assertEquals(now + 60_000, daemon.nextWakeupAt());
    }

    @Test
    void pauseOfOneTubeLeavesOtherWatchedTubesAlone() {
        Session p = open();
        Session w = open();
        send(p, put(0, 0, 60, "urgent-default"), use("other"), put(100, 0, 60, "other"));
        send(p, pause("default", 10));
        assertEquals("WATCHING 2\r\n", send(w, watch("other")));
        assertEquals(reserved(2, "other"), send(w, reserve()));
        assertEquals("", send(w, reserve()));
        advance(10_000);
        assertEquals(reserved(1, "urgent-default"), out(w));
    }

    @Test
    void pauseOfUnknownTubeAndPauseZero() {
        Session p = open();
        Session w = open();
        assertEquals("NOT_FOUND\r\n", send(p, pause("nope", 5)));
        send(p, put("x"));
        assertEquals("PAUSED\r\n", send(p, pause("default", 0)));
        assertEquals("0", statsTubeOf(p, "default").get("pause"));
        assertEquals(reserved(1, "x"), send(w, reserve()));
        assertEquals("2", stats(p).get("cmd-pause-tube"));
    }

    @Test
    void pauseZeroHoldsNothingBack() {
        Session p = open();
        Session w = open();
        send(p, put("x"), put("y"));
        // beanstalkd pauses for one nanosecond: the next command already finds the tube open
        assertEquals("PAUSED\r\n" + reserved(1, "x"), send(w, pause("default", 0), reserveWithTimeout(0)));
        Map<String, String> t = statsTubeOf(p, "default");
        assertEquals("0", t.get("pause"));
        assertEquals("0", t.get("pause-time-left"));
        assertEquals("1", t.get("cmd-pause-tube"));
        // pause-tube 0 ends a long pause; waiting workers get their jobs on the next tick
        assertEquals("PAUSED\r\n", send(p, pause("default", 60)));
        assertEquals("", send(w, reserve()));
        assertEquals("PAUSED\r\n", send(p, pause("default", 0)));
        assertEquals(now, daemon.nextWakeupAt());
        advance(0);
        assertEquals(reserved(2, "y"), out(w));
    }

    @Test
    void pauseIsCutShortByNothingButItsOwnEnd() {
        Session p = open();
        Session w = open();
        send(p, pause("default", 3));
        assertEquals("", send(w, reserve()));
        send(p, put("x"));
        assertEquals("", out(w));
        // a second pause restarts the pause; the first one's end does nothing
        advance(2000);
        assertEquals("PAUSED\r\n", send(p, pause("default", 3)));
        advance(1000);
        assertEquals("", out(w));
        advance(1999);
        assertEquals("", out(w));
        advance(1);
        assertEquals(reserved(1, "x"), out(w));
        assertEquals("2", statsTubeOf(p, "default").get("cmd-pause-tube"));
    }

    // ------------------------------------------------------------------ stats

    @Test
    void serverStatsCounters() {
        Session p = open();
        Session w = open();
        Session idle = open();
        send(p, put("a"), put(1, 10, 60, "b"), use("t"), put("c"), op(Op.PEEK_READY), peek(1), op(Op.PEEK_DELAYED),
                op(Op.PEEK_BURIED), op(Op.LIST_TUBES), op(Op.LIST_TUBE_USED), op(Op.LIST_TUBES_WATCHED),
                statsJob(1), statsTube("t"), pause("t", 0));
        send(w, watch("t"), ignore("t"), reserve(), reserveWithTimeout(0), kick(1), touch(1), bury(1, 1));
        String reply = send(idle, op(Op.STATS));
        Map<String, String> st = yaml(reply);
        List<String> keys = new ArrayList<>(st.keySet());
        assertEquals(List.of("current-jobs-urgent", "current-jobs-ready", "current-jobs-reserved",
                "current-jobs-delayed", "current-jobs-buried", "cmd-put", "cmd-peek", "cmd-peek-ready",
                "cmd-peek-delayed", "cmd-peek-buried", "cmd-reserve", "cmd-reserve-with-timeout", "cmd-delete",
                "cmd-release", "cmd-use", "cmd-watch", "cmd-ignore", "cmd-bury", "cmd-kick", "cmd-touch",
                "cmd-stats", "cmd-stats-job", "cmd-stats-tube", "cmd-list-tubes", "cmd-list-tube-used",
                "cmd-list-tubes-watched", "cmd-pause-tube", "job-timeouts", "total-jobs", "max-job-size",
                "current-tubes", "current-connections", "current-producers", "current-workers", "current-waiting",
                "total-connections", "pid", "version", "rusage-utime", "rusage-stime", "uptime",
                "binlog-oldest-index", "binlog-current-index", "binlog-records-migrated", "binlog-records-written",
                "binlog-max-size", "draining", "id", "hostname", "os", "platform"), keys);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("current-jobs-urgent", "2");
        expected.put("current-jobs-ready", "2");
        expected.put("current-jobs-reserved", "0");
        expected.put("current-jobs-delayed", "0");
        expected.put("current-jobs-buried", "1");
        expected.put("cmd-put", "3");
        expected.put("cmd-peek", "1");
        expected.put("cmd-peek-ready", "1");
        expected.put("cmd-peek-delayed", "1");
        expected.put("cmd-peek-buried", "1");
        expected.put("cmd-reserve", "1");
        expected.put("cmd-reserve-with-timeout", "1");
        expected.put("cmd-delete", "0");
        expected.put("cmd-release", "0");
        expected.put("cmd-use", "1");
        expected.put("cmd-watch", "1");
        expected.put("cmd-ignore", "1");
        expected.put("cmd-bury", "1");
        expected.put("cmd-kick", "1");
        expected.put("cmd-touch", "1");
        expected.put("cmd-stats", "1");
        expected.put("cmd-stats-job", "1");
        expected.put("cmd-stats-tube", "1");
        expected.put("cmd-list-tubes", "1");
        expected.put("cmd-list-tube-used", "1");
        expected.put("cmd-list-tubes-watched", "1");
        expected.put("cmd-pause-tube", "1");
        expected.put("job-timeouts", "0");
        expected.put("total-jobs", "3");
        expected.put("max-job-size", "65535");
        expected.put("current-tubes", "2");
        expected.put("current-connections", "3");
        expected.put("current-producers", "1");
        expected.put("current-workers", "1");
        expected.put("current-waiting", "0");
        expected.put("total-connections", "3");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), st.get(e.getKey()), e.getKey());
        }
        assertEquals("\"" + ServerInfo.VERSION + "\"", st.get("version"));
        assertEquals("0", st.get("uptime"));
        assertEquals("false", st.get("draining"));
        assertEquals(String.valueOf(ProcessHandle.current().pid()), st.get("pid"));
        assertTrue(st.get("rusage-utime").matches("\\d+\\.\\d{6}"), st.get("rusage-utime"));
        advance(61_500);
        st = stats(idle);
        assertEquals("61", st.get("uptime"));
        assertEquals("2", st.get("cmd-stats"));
    }

    @Test
    void producerAndWorkerCountsAreSticky() {
        Session c = open();
        Map<String, String> st = stats(c);
        assertEquals("0", st.get("current-producers"));
        assertEquals("0", st.get("current-workers"));
        send(c, put("x"), reserve(), delete(1));
        st = stats(c);
        assertEquals("1", st.get("current-producers"));
        assertEquals("1", st.get("current-workers"));
        Session r = open();
        send(r, reserveJob(99));
        assertEquals("1", stats(c).get("current-workers"));
        send(r, put("y"));
        assertEquals(reserved(2, "y"), send(r, reserveJob(2)));
        st = stats(c);
        assertEquals("2", st.get("current-producers"));
        assertEquals("2", st.get("current-workers"));
        daemon.close(c.id());
        st = stats(r);
        assertEquals("1", st.get("current-producers"));
        assertEquals("1", st.get("current-workers"));
    }

    @Test
    void failedPutCountsAsPut() {
        Session c = open();
        assertEquals("JOB_TOO_BIG\r\nEXPECTED_CRLF\r\nUNKNOWN_COMMAND\r\n", send(c,
                Command.failedPut(Replies.JOB_TOO_BIG), Command.failedPut(Replies.EXPECTED_CRLF),
                Command.error(Replies.UNKNOWN_COMMAND)));
        Map<String, String> st = stats(c);
        assertEquals("2", st.get("cmd-put"));
        assertEquals("0", st.get("total-jobs"));
        assertEquals("1", st.get("current-producers"));
    }

    @Test
    void statsTubeFields() {
        Session p = open();
        Session w = open();
        send(p, use("t"), put(1, 0, 60, "a"), put(2000, 0, 60, "b"), put(1, 5, 60, "c"), put(1, 0, 60, "d"),
                put(1, 0, 60, "e"));
        send(w, watch("t"), reserve(), reserve(), bury(4, 1), delete(1));
        out(w);
        String reply = send(p, statsTube("t"));
        assertEquals("---\nname: t\ncurrent-jobs-urgent: 1\ncurrent-jobs-ready: 2\ncurrent-jobs-reserved: 0\n"
                + "current-jobs-delayed: 1\ncurrent-jobs-buried: 1\ntotal-jobs: 5\ncurrent-using: 1\n"
                + "current-watching: 1\ncurrent-waiting: 0\ncmd-delete: 1\ncmd-pause-tube: 0\npause: 0\n"
                + "pause-time-left: 0\n", okBody(reply));
        assertEquals("NOT_FOUND\r\n", send(p, statsTube("nope")));
    }

    @Test
    void statsJobFields() {
        Session c = open();
        send(c, use("jobs"), put(42, 0, 10, "x"));
        advance(3500);
        assertEquals("---\nid: 1\ntube: jobs\nstate: ready\npri: 42\nage: 3\ndelay: 0\nttr: 10\ntime-left: 0\n"
                + "file: 0\nreserves: 0\ntimeouts: 0\nreleases: 0\nburies: 0\nkicks: 0\n",
                okBody(send(c, statsJob(1))));
        send(c, watch("jobs"), reserve());
        out(c);
        advance(2000);
        Map<String, String> job = statsJobOf(c, 1);
        assertEquals("reserved", job.get("state"));
        assertEquals("5", job.get("age"));
        assertEquals("7", job.get("time-left"));
        assertEquals("1", job.get("reserves"));
        assertEquals("NOT_FOUND\r\n", send(c, statsJob(2)));
        assertEquals("3", stats(c).get("cmd-stats-job"));
    }

    @Test
    void drainingRefusesPuts() {
        Session c = open();
        daemon.setDraining(true);
        assertEquals("DRAINING\r\n", send(c, put("x")));
        assertEquals("true", stats(c).get("draining"));
        daemon.setDraining(false);
        assertEquals(inserted(1), send(c, put("x")));
    }

    @Test
    void manyJobsThroughManyWorkers() {
        Session p = open();
        int n = 2000;
        List<Session> workers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            workers.add(open());
        }
        List<Command> puts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            puts.add(put(i % 7, i % 3, 10, "j" + i));
        }
        daemon.submit(p.id(), puts);
        out(p);
        advance(3000);
        boolean[] seen = new boolean[n + 1];
        int got = 0;
        for (int round = 0; got < n; round++) {
            assertTrue(round < n, "stuck");
            for (Session w : workers) {
                String r = send(w, reserveWithTimeout(0));
                if (r.equals("TIMED_OUT\r\n")) {
                    continue;
                }
                long id = Long.parseLong(r.substring(9, r.indexOf(' ', 9)));
                assertFalse(seen[(int) id], "twice: " + id);
                seen[(int) id] = true;
                got++;
                assertEquals("DELETED\r\n", send(w, delete(id)));
            }
        }
        Map<String, String> st = stats(p);
        assertEquals("0", st.get("current-jobs-ready"));
        assertEquals(String.valueOf(n), st.get("total-jobs"));
        assertEquals(String.valueOf(n), st.get("cmd-delete"));
    }
}
