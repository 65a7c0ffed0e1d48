package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handoff's decisions in every order the shards can answer in, the races included (an offer
 * that arrives after its wait was cancelled), with the shards played by the test.
 */
class ShardReserveTest {
    /** What the reserve sent: "shard:OP[ id]" in order, and who waits for each shard's reply. */
    private final List<String> sent = new ArrayList<>();
    private final Map<Integer, List<Consumer<byte[]>>> waiting = new HashMap<>();
    private String answer;
    private int answerShard = -2;

    private ShardReserve reserve(long shards, long timeoutSec) {
        ShardReserve r = new ShardReserve(shards, Op.RESERVE, timeoutSec, new ShardReserve.Link() {
            @Override
            public void send(int shard, Command c, Consumer<byte[]> onReply) {
                sent.add(shard + ":" + c.op + (c.op == Op.DECLINE ? " " + c.id : "")
                        + (c.op == Op.OFFER ? " " + c.count + (c.attempted != null ? " counted" : "") : ""));
                if (onReply != null) {
                    waiting.computeIfAbsent(shard, k -> new ArrayList<>()).add(onReply);
                }
            }

            @Override
            public void cancel(int shard) {
                sent.add(shard + ":CANCEL");
            }
        }, (reply, shard) -> {
            assertNull(answer, "answered twice");
            answer = new String(reply, StandardCharsets.US_ASCII);
            answerShard = shard;
        });
        r.start();
        return r;
    }

    private void answer(int shard, String reply) {
        waiting.get(shard).remove(0).accept(reply.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theBestOfferWinsAndTheOthersAreDeclined() {
        reserve(0b111, -1);
        assertEquals(List.of("0:OFFER 0 counted", "1:OFFER 0", "2:OFFER 0"), sent);
        answer(1, "OFFERED 2 5 1\r\nb\r\n");
        answer(0, "OFFERED 1 5 1\r\na\r\n"); // same priority, lower id: better
        assertNull(answer);
        answer(2, "OFFERED 3 9 1\r\nc\r\n");
        assertEquals("RESERVED 1 1\r\na\r\n", answer);
        assertEquals(0, answerShard);
        assertTrue(sent.containsAll(List.of("1:DECLINE 2", "2:DECLINE 3")), sent.toString());
        assertEquals(5, sent.size());
    }

    @Test
    void nothingReadyWithoutTimeoutAnswersTimedOutOrDeadlineSoon() {
        reserve(0b11, 0);
        answer(0, "TIMED_OUT\r\n");
        answer(1, "TIMED_OUT\r\n");
        assertEquals("TIMED_OUT\r\n", answer);
        assertEquals(-1, answerShard);

        answer = null;
        sent.clear();
        reserve(0b11, -1);
        answer(0, "DEADLINE_SOON\r\n");
        answer(1, "TIMED_OUT\r\n");
        assertEquals("DEADLINE_SOON\r\n", answer);
        assertEquals(2, sent.size(), "no wait after DEADLINE_SOON");
    }

    @Test
    void aWaitIsWonByTheFirstAnswerAndAnOfferThatRacedTheCancelIsDeclined() {
        reserve(0b11, 10);
        answer(0, "TIMED_OUT\r\n");
        answer(1, "TIMED_OUT\r\n");
        assertEquals(List.of("0:OFFER 0 counted", "1:OFFER 0", "0:OFFER 10", "1:OFFER 10"), sent);
        answer(1, "OFFERED 8 3 1\r\nx\r\n");
        assertTrue(sent.contains("0:CANCEL"), sent.toString());
        assertNull(answer, "shard 0 has not answered its wait yet");
        answer(0, "OFFERED 7 1 1\r\ny\r\n"); // it had handed a job over before the cancel came
        assertTrue(sent.contains("0:DECLINE 7"), sent.toString());
        assertEquals("RESERVED 8 1\r\nx\r\n", answer);
        assertEquals(1, answerShard);
    }

    @Test
    void aTimeoutWinsTheWaitAndLaterOffersAreDeclined() {
        reserve(0b101, 1);
        answer(0, "TIMED_OUT\r\n");
        answer(2, "TIMED_OUT\r\n");
        answer(2, "TIMED_OUT\r\n");
        assertEquals(List.of("0:OFFER 0 counted", "2:OFFER 0", "0:OFFER 1", "2:OFFER 1", "0:CANCEL"), sent);
        answer(0, "OFFERED 4 1 1\r\nz\r\n");
        assertEquals("TIMED_OUT\r\n", answer);
        assertEquals(-1, answerShard);
        assertEquals("0:DECLINE 4", sent.get(sent.size() - 1));
    }
}
