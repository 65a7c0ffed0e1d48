package dev.sockq.daemon;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.Shards;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One daemon shard's side of the handoff (OFFER, DECLINE, cancelled waits) and its id arithmetic, with a fake clock. */
class ShardDaemonTest {
    private long now = 1_700_000_000_000L;
    /** Shard 0 of 2: "default" is shard 1's, so it is not listed here. */
    private Daemon daemon;
    private String tube;
    private long nextSessionId = 1;

    @BeforeEach
    void setUp() {
        daemon = new Daemon(65535, () -> now, ServerInfo.current());
        daemon.setShard(0, 2);
        for (int i = 0; tube == null; i++) {
            tube = Shards.ofTube("t" + i, 2) == 0 ? "t" + i : null;
        }
    }

    private String send(Session s, Command... commands) {
        daemon.submit(s.id(), List.of(commands));
        return new String(s.takeOutput(), StandardCharsets.ISO_8859_1);
    }

    private Session openOn(String tube) {
        Session s = daemon.open(nextSessionId++, "route");
        send(s, Command.withTube(Op.USE, tube), Command.withTube(Op.WATCH, tube));
        return s;
    }

    private static Command put(long pri, String body) {
        return Command.put(pri, 0, 60_000, body.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void idsAreThisShardsAndDefaultIsNotListedHere() {
        Session s = openOn(tube);
        assertEquals("INSERTED 1\r\nINSERTED 3\r\n", send(s, put(1, "a"), put(1, "b")));
        assertEquals(3, daemon.highestJobId());
        assertTrue(send(s, Command.simple(Op.LIST_TUBES)).endsWith("---\n- " + tube + "\n\r\n"));
        assertEquals(1, Shards.nextIdAfter(0, 0, 2));
        assertEquals(2, Shards.nextIdAfter(0, 1, 2));
        assertEquals(5, Shards.nextIdAfter(3, 0, 2));
        assertEquals(4, Shards.nextIdAfter(3, 1, 2));
        assertEquals(7, Shards.nextIdAfter(6, 0, 3));
        assertEquals(0, Shards.ofId(7, 3));
        assertEquals(2, Shards.ofId(9, 3));
        daemon.continueIdsAfter(10);
        assertEquals("INSERTED 11\r\n", send(s, put(1, "c")));
    }

    @Test
    void anOfferHoldsTheJobAndADeclineLeavesNoTrace() {
        Session s = openOn(tube);
        send(s, put(7, "a"));
        assertEquals("OFFERED 1 7 1\r\na\r\n", send(s, Command.offer(0, Op.RESERVE)));
        Session other = openOn(tube);
        assertEquals("TIMED_OUT\r\n", send(other, Command.withCount(Op.RESERVE_WITH_TIMEOUT, 0))); // held by the offer
        assertEquals("", send(s, Command.withId(Op.DECLINE, 1)));
        String job = send(other, Command.withId(Op.STATS_JOB, 1));
        assertTrue(job.contains("state: ready\n") && job.contains("reserves: 0\n") && job.contains("releases: 0\n"), job);
        String stats = send(other, Command.simple(Op.STATS));
        assertTrue(stats.contains("cmd-reserve: 1\n") && stats.contains("cmd-release: 0\n"), stats);
        // an offer not counted as the client's reserve (another shard counted it) counts nothing
        assertEquals("OFFERED 1 7 1\r\na\r\n", send(s, Command.offer(0, null)));
        assertTrue(send(other, Command.simple(Op.STATS)).contains("cmd-reserve: 1\n"));
    }

    @Test
    void aCancelledWaitAnswersTimedOutAndTheNextCommandRuns() {
        Session s = openOn(tube);
        assertEquals("", send(s, Command.offer(-1, null), Command.simple(Op.LIST_TUBE_USED)));
        daemon.cancelWait(s.id());
        assertEquals("TIMED_OUT\r\nUSING " + tube + "\r\n", new String(s.takeOutput(), StandardCharsets.US_ASCII));
        daemon.cancelWait(s.id()); // no wait any more: nothing happens
        assertEquals(0, s.takeOutput().length);
    }

    @Test
    void aWaitingOfferIsHandedTheNextJob() {
        Session s = openOn(tube);
        Session producer = openOn(tube);
        assertEquals("", send(s, Command.offer(5, null)));
        send(producer, put(3, "late"));
        assertEquals("OFFERED 1 3 4\r\nlate\r\n", new String(s.takeOutput(), StandardCharsets.US_ASCII));
    }

    @Test
    void unuseLetsAnUnwatchedTubeGo() {
        Session s = openOn(tube);
        send(s, Command.withTube(Op.IGNORE, tube)); // a shard session may watch nothing here
        assertEquals("", send(s, Command.simple(Op.UNUSE)));
        assertEquals("NOT_FOUND\r\n", send(s, Command.withTube(Op.STATS_TUBE, tube)));
    }
}
