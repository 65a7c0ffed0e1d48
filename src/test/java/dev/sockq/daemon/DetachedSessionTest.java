package dev.sockq.daemon;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detached sessions (event-bus owner, bus reserves, push dispatchers) in the queue core, on a
 * fake clock: credit, ownership hand-over, hold times, and what stats show of them.
 */
class DetachedSessionTest {
    private long now = 1_700_000_000_000L;
    private Daemon daemon;

    @BeforeEach
    void setUp() {
        daemon = new Daemon(65535, () -> now, ServerInfo.current());
    }

    private long put(String tube, long ttrSec) {
        String line = daemon.putInto(tube, Command.put(10, 0, ttrSec * 1000, "b".getBytes(StandardCharsets.US_ASCII)));
        return Long.parseLong(line.trim().split(" ")[1]);
    }

    private String run(Session s, Command c) {
        return new String(daemon.runDetached(s, null, c), StandardCharsets.US_ASCII);
    }

    private String stat(Command c, String key) {
        String yaml = run(daemon.openDetached(null, List.of()), c);
        for (String line : yaml.split("\n")) {
            if (line.startsWith(key + ": ")) {
                return line.substring(key.length() + 2).trim();
            }
        }
        throw new AssertionError(key + " not in " + yaml);
    }

    private void advance(long ms) {
        now += ms;
        daemon.tick();
    }

    @Test
    void aBusReserveHandsTheJobToItsHeirAndIsNoConnection() {
        Session owner = daemon.openDetached(null, List.of());
        Session waiter = daemon.openDetached("route", List.of("a", "b"));
        daemon.reserveDetached(waiter, owner, 5);
        assertEquals("1", stat(Command.simple(Op.STATS), "current-waiting"));
        long id = put("b", 10);
        List<Reservation> handed = waiter.takeHanded();
        assertEquals(1, handed.size());
        assertEquals(id, handed.get(0).id());
        assertEquals("b", handed.get(0).tube());
        assertEquals("", new String(waiter.takeOutput(), StandardCharsets.US_ASCII), "no RESERVED bytes for a bus reserve");
        daemon.closeDetached(waiter);
        assertEquals("reserved", stat(Command.withId(Op.STATS_JOB, id), "state"), "closing the waiter keeps the heir's job");
        assertEquals("TOUCHED\r\n", run(owner, Command.withId(Op.TOUCH, id)));
        assertEquals("0", stat(Command.simple(Op.STATS), "current-connections"));
        assertEquals("0", stat(Command.simple(Op.STATS), "current-workers"));
        assertEquals("1", stat(Command.simple(Op.STATS), "cmd-reserve-with-timeout"));
        assertEquals("NOT_FOUND\r\n", run(daemon.openDetached(null, List.of()), Command.withTube(Op.STATS_TUBE, "a")),
                "the waiter's watched tubes are gone with it");
        advance(10_000);
        assertEquals("ready", stat(Command.withId(Op.STATS_JOB, id), "state"), "the TTR runs for bus-held jobs");
    }

    @Test
    void aDispatcherKeepsWaitingWhereAClientWouldHearDeadlineSoon() {
        long first = put("t", 2);
        Session d = daemon.openDispatcher("route", "t", 0);
        daemon.grant(d, 2);
        assertEquals(first, d.takeHanded().get(0).id());
        advance(1500); // a TCP client holding a job due within 1 s would be told DEADLINE_SOON now
        assertEquals("", new String(d.takeOutput(), StandardCharsets.US_ASCII));
        long second = put("t", 2);
        assertEquals(second, d.takeHanded().get(0).id(), "still waiting for its second slot");
    }

    @Test
    void aBusReserveTimesOutAfterItsTimeout() {
        Session owner = daemon.openDetached(null, List.of());
        Session waiter = daemon.openDetached("r", List.of("t"));
        daemon.reserveDetached(waiter, owner, 3);
        advance(2999);
        assertEquals("", new String(waiter.takeOutput(), StandardCharsets.US_ASCII));
        advance(1);
        assertEquals("TIMED_OUT\r\n", new String(waiter.takeOutput(), StandardCharsets.US_ASCII));
        assertTrue(waiter.takeHanded().isEmpty());
    }

    @Test
    void aDispatcherTakesAtMostItsCreditAndHoldsJobsPastTheirTtr() {
        for (int i = 0; i < 5; i++) {
            put("push", 2);
        }
        Session d = daemon.openDispatcher("route", "push", 0);
        daemon.grant(d, 2);
        List<Reservation> first = d.takeHanded();
        assertEquals(2, first.size());
        assertEquals(1, first.get(0).reserves());
        assertEquals("3", stat(Command.withTube(Op.STATS_TUBE, "push"), "current-jobs-ready"));
        assertEquals("2", stat(Command.simple(Op.STATS), "current-jobs-reserved"));
        advance(2500);
        assertEquals("reserved", stat(Command.withId(Op.STATS_JOB, first.get(0).id()), "state"),
                "held for TTR + grace, past the TTR of 2 s");
        assertEquals("DELETED\r\n", run(d, Command.withId(Op.DELETE, first.get(0).id())));
        assertTrue(d.takeHanded().isEmpty(), "no credit given back yet");
        daemon.grant(d, 1);
        assertEquals(1, d.takeHanded().size());
        advance(600); // 2 s TTR + 1 s grace for the second job
        assertEquals("1", stat(Command.simple(Op.STATS), "job-timeouts"), "the safety net still fires");
    }

    @Test
    void givingBackUndoesTheAttempt() {
        long id = put("push", 60);
        Session d = daemon.openDispatcher("route", "push", 5000);
        daemon.grant(d, 1);
        Reservation r = d.takeHanded().get(0);
        assertTrue(daemon.holds(d, id, 1));
        daemon.giveBack(d, r.id(), 100);
        assertEquals("0", stat(Command.withId(Op.STATS_JOB, id), "reserves"));
        assertEquals("delayed", stat(Command.withId(Op.STATS_JOB, id), "state"));
        daemon.grant(d, 1);
        advance(100);
        Reservation again = d.takeHanded().get(0);
        assertEquals(1, again.reserves());
        assertTrue(daemon.holds(d, id, 1));
        assertTrue(!daemon.holds(d, id, 2), "a stale reservation number does not match");
    }
}
