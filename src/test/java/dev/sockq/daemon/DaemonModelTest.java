package dev.sockq.daemon;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model-based test: random command sequences from three clients, with a fake clock moved so
 * that delays, TTRs and pauses run out, go to the real {@link Daemon} and to {@link QueueModel};
 * every reply and the stats both track must agree. Tries: {@code jqwik.tries.default}.
 */
class DaemonModelTest {
    private static final long START = 1_700_000_000_000L;
    private static final int CLIENTS = 3;
    private static final List<String> TUBES = List.of("default", "a", "b");
    private static final ServerInfo INFO = ServerInfo.current();

    enum Kind {
        PUT, RESERVE, RESERVE_JOB, DELETE, RELEASE, BURY, TOUCH, KICK, KICK_JOB, PEEK, PEEK_READY, PEEK_DELAYED,
        PEEK_BURIED, USE, WATCH, IGNORE, PAUSE_TUBE, STATS_JOB, STATS_TUBE, STATS, LIST_TUBES, LIST_TUBE_USED,
        LIST_TUBES_WATCHED, ADVANCE, RECONNECT
    }

    /** One step; which fields matter depends on the kind. */
    record Action(Kind kind, int client, long id, long pri, long seconds, long ttr, String tube, byte[] body, long ms) {
        @Override
        public String toString() {
            return switch (kind) {
                case ADVANCE -> "ADVANCE " + ms + "ms";
                case PUT -> "c" + client + " PUT pri=" + pri + " delay=" + seconds + " ttr=" + ttr + " body=" + body.length;
                case RELEASE -> "c" + client + " RELEASE " + id + " pri=" + pri + " delay=" + seconds;
                case BURY -> "c" + client + " BURY " + id + " pri=" + pri;
                case KICK -> "c" + client + " KICK " + id;
                case USE, WATCH, IGNORE, STATS_TUBE -> "c" + client + " " + kind + " " + tube;
                case PAUSE_TUBE -> "c" + client + " PAUSE_TUBE " + tube + " " + seconds;
                default -> "c" + client + " " + kind + " " + id;
            };
        }
    }

    private long now;
    private Daemon daemon;
    private QueueModel model;
    private final Map<Integer, Session> sessions = new HashMap<>();
    private long nextSessionId;

    @Property
    void daemonAgreesWithTheModel(@ForAll("actions") List<Action> actions) {
        now = START;
        daemon = new Daemon(65535, () -> now, INFO);
        model = new QueueModel(START);
        sessions.clear();
        for (int c = 0; c < CLIENTS; c++) {
            connect(c);
        }
        int step = 0;
        for (Action a : actions) {
            step++;
                        run(a, "step " + step + " " + a);
        }
        // everything the model tracks, once more at the end
        compareStats(0, "final stats");
        for (String t : TUBES) {
            run(new Action(Kind.STATS_TUBE, 0, 0, 0, 0, 0, t, null, 0), "final stats-tube " + t);
        }
        run(new Action(Kind.LIST_TUBES, 1, 0, 0, 0, 0, null, null, 0), "final list-tubes");
    }

    private void run(Action a, String where) {
        int c = a.client();
        if (a.id() < 0) { // "a reserved job, sent by its holder": makes release, bury, touch and delete succeed often
            long[] held = model.someReservedJob(-a.id());
            c = held != null ? (int) held[0] : c;
            a = new Action(a.kind(), c, held != null ? held[1] : 0, a.pri(), a.seconds(), a.ttr(), a.tube(), a.body(), a.ms());
            where += " (" + a + ")";
        }
        switch (a.kind()) {
            case ADVANCE -> {
                now += a.ms();
                daemon.tick();
                model.advance(a.ms());
                for (Session s : sessions.values()) {
                    assertEquals("", out(s), where + ": no client waits, so nothing may arrive unasked");
                }
            }
            case RECONNECT -> {
                daemon.close(sessions.get(c).id());
                model.disconnect(c);
                connect(c);
            }
            case PUT -> same(where, c, Command.put(a.pri(), a.seconds() * 1000, a.ttr() * 1000, a.body()),
                    model.put(c, a.pri(), a.seconds(), a.ttr(), a.body()));
            case RESERVE -> same(where, c, Command.withCount(Op.RESERVE_WITH_TIMEOUT, 0), model.reserveWithTimeout0(c));
            case RESERVE_JOB -> same(where, c, Command.withId(Op.RESERVE_JOB, a.id()), model.reserveJob(c, a.id()));
            case DELETE -> same(where, c, Command.withId(Op.DELETE, a.id()), model.delete(c, a.id()));
            case RELEASE -> same(where, c, Command.release(a.id(), a.pri(), a.seconds() * 1000),
                    model.release(c, a.id(), a.pri(), a.seconds()));
            case BURY -> same(where, c, Command.bury(a.id(), a.pri()), model.bury(c, a.id(), a.pri()));
            case TOUCH -> same(where, c, Command.withId(Op.TOUCH, a.id()), model.touch(c, a.id()));
            case KICK -> same(where, c, Command.withCount(Op.KICK, a.id()), model.kick(c, a.id()));
            case KICK_JOB -> same(where, c, Command.withId(Op.KICK_JOB, a.id()), model.kickJob(a.id()));
            case PEEK -> same(where, c, Command.withId(Op.PEEK, a.id()), model.peek(a.id()));
            case PEEK_READY -> same(where, c, Command.simple(Op.PEEK_READY), model.peekReady(c));
            case PEEK_DELAYED -> same(where, c, Command.simple(Op.PEEK_DELAYED), model.peekDelayed(c));
            case PEEK_BURIED -> same(where, c, Command.simple(Op.PEEK_BURIED), model.peekBuried(c));
            case USE -> same(where, c, Command.withTube(Op.USE, a.tube()), model.use(c, a.tube()));
            case WATCH -> same(where, c, Command.withTube(Op.WATCH, a.tube()), model.watch(c, a.tube()));
            case IGNORE -> same(where, c, Command.withTube(Op.IGNORE, a.tube()), model.ignore(c, a.tube()));
            case PAUSE_TUBE -> same(where, c, Command.pauseTube(a.tube(), a.seconds() * 1000), model.pauseTube(a.tube(), a.seconds()));
            case LIST_TUBE_USED -> same(where, c, Command.simple(Op.LIST_TUBE_USED), model.listTubeUsed(c));
            case STATS_JOB -> {
                Map<String, String> expected = model.statsJob(a.id());
                String reply = send(c, Command.withId(Op.STATS_JOB, a.id()));
                assertEquals(expected == null ? "NOT_FOUND\r\n" : expected.toString(),
                        expected == null ? reply : yaml(reply).toString(), where);
            }
            case STATS_TUBE -> {
                Map<String, String> expected = model.statsTube(a.tube());
                String reply = send(c, Command.withTube(Op.STATS_TUBE, a.tube()));
                assertEquals(expected == null ? "NOT_FOUND\r\n" : expected.toString(),
                        expected == null ? reply : yaml(reply).toString(), where);
            }
            case STATS -> compareStats(c, where);
            case LIST_TUBES -> assertEquals(model.tubeNames(), new TreeSet<>(list(send(c, Command.simple(Op.LIST_TUBES)))), where);
            case LIST_TUBES_WATCHED -> assertEquals(model.watched(c),
                    new TreeSet<>(list(send(c, Command.simple(Op.LIST_TUBES_WATCHED)))), where);
        }
    }

    private void compareStats(int c, String where) {
        Map<String, String> expected = model.stats();
        Map<String, String> actual = yaml(send(c, Command.simple(Op.STATS)));
        Map<String, String> tracked = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : actual.entrySet()) {
            if (expected.containsKey(e.getKey())) {
                tracked.put(e.getKey(), e.getValue());
            } else if (e.getKey().startsWith("cmd-")) {
                assertEquals("0", e.getValue(), where + ": " + e.getKey() + " counts a command never sent");
            }
        }
        assertEquals(new java.util.TreeMap<>(expected).toString(), new java.util.TreeMap<>(tracked).toString(), where);
    }

    private void connect(int c) {
        long id = ++nextSessionId;
        sessions.put(c, daemon.open(id, "route-" + id));
        model.connect(c);
    }

    private void same(String where, int c, Command command, String expected) {
        String reply = send(c, command);
        assertEquals(expected, reply, where);
        Statistics.label("reply").collect(command.op + " " + reply.split("[ \r]")[0]);
    }

    private String send(int c, Command command) {
        Session s = sessions.get(c);
        daemon.submit(s.id(), List.of(command));
        return out(s);
    }

    private static String out(Session s) {
        return new String(s.takeOutput(), StandardCharsets.ISO_8859_1);
    }

    /** The key: value pairs of an "OK n" YAML reply, checking n against the data. */
    private static Map<String, String> yaml(String reply) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : data(reply)) {
            int colon = line.indexOf(": ");
            m.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return m;
    }

    private static List<String> list(String reply) {
        List<String> names = new ArrayList<>();
        for (String line : data(reply)) {
            names.add(line.substring(2));
        }
        return names;
    }

    private static List<String> data(String reply) {
        assertTrue(reply.startsWith("OK "), reply);
        int eol = reply.indexOf("\r\n");
        String yaml = reply.substring(eol + 2, reply.length() - 2);
        assertEquals(Integer.parseInt(reply.substring(3, eol)), yaml.length(), reply);
        assertTrue(yaml.startsWith("---\n"), reply);
        String body = yaml.substring(4);
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> client = Arbitraries.integers().between(0, CLIENTS - 1);
        Arbitrary<Long> id = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.longs().between(0, 12)), Tuple.of(1, Arbitraries.longs().between(-5, -1)));
        Arbitrary<Long> pri = Arbitraries.of(0L, 1L, 5L, 1023L, 1024L, 5000L, 4294967295L);
        Arbitrary<Long> seconds = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(0L)), Tuple.of(3, Arbitraries.longs().between(1, 5)));
        Arbitrary<Long> ttr = Arbitraries.of(0L, 1L, 2L, 3L, 10L);
        Arbitrary<String> tube = Arbitraries.of(TUBES);
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(6);
        Arbitrary<Long> ms = Arbitraries.of(1L, 500L, 999L, 1000L, 1001L, 2000L, 2999L, 5000L);
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(Kind.PUT)),
                Tuple.of(7, Arbitraries.just(Kind.RESERVE)),
                Tuple.of(5, Arbitraries.just(Kind.ADVANCE)),
                Tuple.of(20, Arbitraries.of(Kind.values())));
        Arbitrary<Action> action = Combinators.combine(
                Combinators.combine(kind, client, id, pri, seconds, ttr, tube, body)
                        .as((k, c, i, p, s, t, tb, b) -> new Action(k, c, i, p, s, t, tb, b, 0)), ms)
                .as((a, m) -> new Action(a.kind(), a.client(), a.id(), a.pri(), a.seconds(), a.ttr(), a.tube(), a.body(), m));
        return action.list().ofMinSize(5).ofMaxSize(80);
    }
}
