package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One reserve over tubes on several daemon shards, as an offer/accept handoff. First every
 * involved shard is asked for its best ready job at once, as a tentative reservation (an
 * OFFER); the best by priority, then id, is taken and the others are declined (back to ready,
 * as if never reserved). If none had one, every shard waits; the first answer wins, the other
 * waits are cancelled, and an offer that raced the cancel is declined. Every job stays reserved
 * by this connection's session on its shard until accepted or declined, so a disconnect at any
 * point returns it to ready and no job is ever held by two clients.
 */
final class ShardReserve {
    /** How the reserve reaches the shards (the connection's router). */
    interface Link {
        /** Queues a command for a shard; {@code onReply} gets its one reply (null: it has none). */
        void send(int shard, Command c, Consumer<byte[]> onReply);

        /** Ends the shard's wait now if it still waits (its OFFER then answers TIMED_OUT). */
        void cancel(int shard);
    }

    /** The reserve's answer for the client, and the shard whose job it took (-1 if none). */
    interface Done {
        void done(byte[] reply, int shard);
    }

    private final long shards;
    private final Op op;
    private final long timeoutSec;
    private final Link link;
    private final Done done;
    private int outstanding;
    /** Phase one: the best offer so far, and its shard, id and priority. */
    private byte[] best;
    private int bestShard = -1;
    private long bestId;
    private long bestPri;
    private boolean deadlineSoon;
    /** Phase two: the shards that have not answered their wait yet, and the answer once decided. */
    private long pending;
    private byte[] answer;
    private int answerShard = -1;

    /** {@code shards}: bit K set for each involved shard; {@code timeoutSec} negative for none. */
    ShardReserve(long shards, Op op, long timeoutSec, Link link, Done done) {
        this.shards = shards;
        this.op = op;
        this.timeoutSec = timeoutSec;
        this.link = link;
        this.done = done;
    }

    void start() {
        outstanding = Long.bitCount(shards);
        boolean counted = false;
        for (int k = 0; k < 64; k++) {
            if ((shards & (1L << k)) != 0) {
                int shard = k;
                link.send(k, Command.offer(0, counted ? null : op), r -> offered(shard, r)); // counted once
                counted = true;
            }
        }
    }

    private void offered(int shard, byte[] reply) {
        String line = ReplySplitter.line(reply);
        if (line.startsWith("OFFERED ")) {
            String[] w = line.split(" ");
            long id = Long.parseLong(w[1]);
            long pri = Long.parseLong(w[2]);
            if (best == null || pri < bestPri || (pri == bestPri && Long.compareUnsigned(id, bestId) < 0)) {
                if (best != null) {
                    decline(bestShard, bestId);
                }
                best = reply;
                bestShard = shard;
                bestId = id;
                bestPri = pri;
            } else {
                decline(shard, id);
            }
        } else if (line.equals("DEADLINE_SOON")) {
            deadlineSoon = true;
        }
        if (--outstanding > 0) {
            return;
        }
        if (best != null) {
            done.done(reserved(best), bestShard);
        } else if (deadlineSoon) {
            done.done(ascii(Replies.DEADLINE_SOON), -1);
        } else if (timeoutSec == 0) {
            done.done(ascii(Replies.TIMED_OUT), -1);
        } else {
            waitOnAll();
        }
    }

    private void waitOnAll() {
        pending = shards;
        for (int k = 0; k < 64; k++) {
            if ((shards & (1L << k)) != 0) {
                int shard = k;
                link.send(k, Command.offer(timeoutSec, null), r -> waited(shard, r));
            }
        }
    }

    private void waited(int shard, byte[] reply) {
        pending &= ~(1L << shard);
        boolean offer = ReplySplitter.line(reply).startsWith("OFFERED ");
        if (answer == null) {
            answer = offer ? reserved(reply) : reply;
            answerShard = offer ? shard : -1;
            for (int k = 0; k < 64; k++) {
                if ((pending & (1L << k)) != 0) {
                    link.cancel(k);
                }
            }
        } else if (offer) {
            decline(shard, Long.parseLong(ReplySplitter.line(reply).split(" ")[1])); // raced the cancel
        }
        if (pending == 0) {
            done.done(answer, answerShard);
        }
    }

    private void decline(int shard, long id) {
        link.send(shard, Command.withId(Op.DECLINE, id), null);
    }

    /** OFFERED id pri bytes + data becomes RESERVED id bytes + the same data. */
    private static byte[] reserved(byte[] offered) {
        String line = ReplySplitter.line(offered);
        String[] w = line.split(" ");
        byte[] head = ("RESERVED " + w[1] + " " + w[3]).getBytes(StandardCharsets.US_ASCII);
        int rest = offered.length - line.length();
        byte[] out = new byte[head.length + rest];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(offered, line.length(), out, head.length, rest);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
