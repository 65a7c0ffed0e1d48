package dev.sockq.net;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.Replies;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionOutput;
import dev.sockq.bus.Shards;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One connection's view of several daemon shards (on its event loop): keeps the connection's
 * used tube and watch list, sends each command to the shard(s) it concerns, and gives the
 * replies back in command order, as one daemon would.
 *
 * <p>The connection has a session on every shard; a shard's session uses the connection's tube
 * only if that tube is the shard's, and watches the watched tubes that are the shard's. Commands
 * that change this state (use, watch, ignore) and reserves are barriers: the commands after
 * them wait here until they are answered, so every command is routed with the state its
 * predecessors left. Other commands go out at once, each to its tube's or job id's shard.
 */
final class ShardRouter {
    /** One client command's answer, once known. */
    private static final class Step {
        byte[] reply;
        boolean quit;
    }

    private final long sessionId;
    private final int shards;
    /** Sends a session input to a shard: (shard, input). */
    private final BiConsumer<Integer, SessionInput> toShard;
    private final Consumer<SessionOutput> toClient;
    private String use = "default";
    /** In beanstalkd's order: removal moves the last tube into the hole. */
    private final ArrayList<String> watch = new ArrayList<>(List.of("default"));
    /** Bit K: the session on shard K has reserved jobs (it may have to say DEADLINE_SOON). Never cleared. */
    private long reservedOn;
    private final ArrayDeque<Command> held = new ArrayDeque<>();
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    /** Per shard, oldest first: who gets the shard's next reply. */
    private final ArrayDeque<Consumer<byte[]>>[] expected;
    /** Per shard: commands to send at the end of this turn, as one batch. */
    private final ArrayList<Command>[] batch;
    private boolean blocked;
    private boolean quitting;
    private boolean closed;

    @SuppressWarnings("unchecked")
    ShardRouter(long sessionId, int shards, BiConsumer<Integer, SessionInput> toShard,
                Consumer<SessionOutput> toClient) {
        this.sessionId = sessionId;
        this.shards = shards;
        this.toShard = toShard;
        this.toClient = toClient;
        this.expected = new ArrayDeque[shards];
        this.batch = new ArrayList[shards];
        for (int k = 0; k < shards; k++) {
            expected[k] = new ArrayDeque<>();
            batch[k] = new ArrayList<>(4);
        }
    }

    /** Opens the connection's session on every shard; shard K answers to {@code replyAddress(K)}. */
    void open(IntFunction<String> replyAddress) {
        for (int k = 0; k < shards; k++) {
            toShard.accept(k, SessionInput.open(sessionId, replyAddress.apply(k)));
        }
    }

    /** The connection closed: every shard ends its session, returning the jobs it holds (offered ones too). */
    void close() {
        closed = true;
        for (int k = 0; k < shards; k++) {
            toShard.accept(k, SessionInput.close(sessionId));
        }
    }

    /** Commands from the client, in order. */
    void submit(List<Command> commands) {
        held.addAll(commands);
        pump();
        deliver(); // a quit is answered here
    }

    /** Replies from shard {@code shard}, in the order it got its commands. */
    void onShardOutput(int shard, SessionOutput out) {
        if (closed) {
            return;
        }
        ReplySplitter.split(out.bytes(), r -> {
            Consumer<byte[]> to = expected[shard].poll();
            if (to == null) {
                throw new IllegalStateException("shard " + shard + " answered more than it was asked: " + ReplySplitter.line(r));
            }
            to.accept(r);
        });
        if (out.close()) { // the shard dropped the session (it asked for too much output at once)
            toClient.accept(new SessionOutput(sessionId, new byte[0], 0, true));
            return;
        }
        pump();
        deliver();
    }

    private void pump() {
        Command c;
        while (!blocked && !quitting && (c = held.poll()) != null) {
            dispatch(c);
        }
        flushBatches();
    }

    private void dispatch(Command c) {
        Step st = new Step();
        steps.add(st);
        switch (c.op) {
            case PUT, PEEK_READY, PEEK_DELAYED, PEEK_BURIED, KICK, ERROR -> forward(st, tubeShard(use), c);
            case STATS_TUBE, PAUSE_TUBE -> forward(st, tubeShard(c.tube), c);
            case PEEK, DELETE, RELEASE, BURY, TOUCH, KICK_JOB, STATS_JOB -> forward(st, Shards.ofId(c.id, shards), c);
            case RESERVE_JOB -> {
                int k = Shards.ofId(c.id, shards);
                send(k, c, r -> {
                    if (ReplySplitter.line(r).startsWith("RESERVED ")) {
                        reservedOn |= 1L << k;
                    }
                    st.reply = r;
                });
            }
            case USE -> use(st, c);
            case WATCH -> watch(st, c);
            case IGNORE -> ignore(st, c);
            case LIST_TUBE_USED -> forward(st, tubeShard(use), Command.decided(c.op, "USING " + use + "\r\n"));
            case LIST_TUBES_WATCHED -> {
                StringBuilder yaml = new StringBuilder("---\n");
                watch.forEach(t -> yaml.append("- ").append(t).append('\n'));
                byte[] data = ShardReplies.data(yaml.toString());
                forward(st, tubeShard(watch.get(0)), Command.decided(c.op, new String(data, StandardCharsets.US_ASCII)));
            }
            case STATS -> gather(st, c, Command.simple(Op.STATS_PART), ShardReplies::stats, 0);
            case LIST_TUBES -> gather(st, c, Command.simple(Op.LIST_TUBES_PART), ShardReplies::tubeList,
                    tubeShard("default"));
            case RESERVE -> reserve(st, c, -1);
            case RESERVE_WITH_TIMEOUT -> reserve(st, c, c.count);
            case QUIT -> {
                st.reply = new byte[0];
                st.quit = true;
                quitting = true;
            }
            default -> throw new IllegalArgumentException("not a client command: " + c.op);
        }
    }

    private void forward(Step st, int shard, Command c) {
        send(shard, c, r -> st.reply = r);
    }

    private void use(Step st, Command c) {
        int k = tubeShard(c.tube);
        int old = tubeShard(use);
        blocked = true;
        send(k, c, r -> {
            if (ReplySplitter.line(r).startsWith("USING ")) {
                if (old != k) {
                    send(old, Command.simple(Op.UNUSE), null);
                }
                use = c.tube;
            }
            finishBarrier(st, r);
        });
    }

    private void watch(Step st, Command c) {
        blocked = true;
        send(tubeShard(c.tube), c, r -> {
            if (ReplySplitter.line(r).startsWith("WATCHING ")) {
                if (!watch.contains(c.tube)) {
                    watch.add(c.tube);
                }
                r = watching();
            }
            finishBarrier(st, r);
        });
    }

    private void ignore(Step st, Command c) {
        int k = tubeShard(c.tube);
        if (!watch.contains(c.tube)) {
            forward(st, k, Command.decided(c.op, new String(watching(), StandardCharsets.US_ASCII)));
        } else if (watch.size() < 2) {
            forward(st, k, Command.decided(c.op, Replies.NOT_IGNORED));
        } else {
            blocked = true;
            send(k, c, r -> {
                if (ReplySplitter.line(r).startsWith("WATCHING ")) {
                    int i = watch.indexOf(c.tube);
                    watch.set(i, watch.get(watch.size() - 1));
                    watch.remove(watch.size() - 1);
                    r = watching();
                }
                finishBarrier(st, r);
            });
        }
    }

    private byte[] watching() {
        return ("WATCHING " + watch.size() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Asks every shard (the counted command to {@code counted}, an uncounted part to the others) and combines. */
    private void gather(Step st, Command c, Command part, Function<List<byte[]>, byte[]> combine,
                        int counted) {
        byte[][] parts = new byte[shards][];
        int[] left = {shards};
        for (int i = 0; i < shards; i++) {
            int k = (counted + i) % shards; // the counted shard's document comes first
            int slot = i;
            send(k, i == 0 ? c : part, r -> {
                parts[slot] = r;
                if (--left[0] == 0) {
                    st.reply = combine.apply(Arrays.asList(parts));
                }
            });
        }
    }

    private void reserve(Step st, Command c, long timeoutSec) {
        blocked = true;
        long involved = reservedOn;
        for (String t : watch) {
            involved |= 1L << tubeShard(t);
        }
        if (Long.bitCount(involved) == 1) {
            int k = Long.numberOfTrailingZeros(involved);
            send(k, c, r -> {
                if (ReplySplitter.line(r).startsWith("RESERVED ")) {
                    reservedOn |= 1L << k;
                }
                finishBarrier(st, r);
            });
            return;
        }
        new ShardReserve(involved, c.op, timeoutSec, new ShardReserve.Link() {
            @Override
            public void send(int shard, Command cmd, Consumer<byte[]> onReply) {
                ShardRouter.this.send(shard, cmd, onReply);
            }

            @Override
            public void cancel(int shard) {
                flushBatch(shard); // after what was queued for it before
                toShard.accept(shard, SessionInput.cancelWait(sessionId));
            }
        }, (reply, shard) -> {
            if (shard >= 0) {
                reservedOn |= 1L << shard;
            }
            finishBarrier(st, reply);
        }).start();
    }

    private void finishBarrier(Step st, byte[] reply) {
        st.reply = reply;
        blocked = false;
    }

    private void send(int shard, Command c, Consumer<byte[]> onReply) {
        batch[shard].add(c);
        if (onReply != null) {
            expected[shard].add(onReply);
        }
    }

    private void flushBatches() {
        for (int k = 0; k < shards; k++) {
            flushBatch(k);
        }
    }

    private void flushBatch(int k) {
        if (batch[k].isEmpty()) {
            return;
        }
        if (!closed) {
            toShard.accept(k, SessionInput.commands(sessionId, batch[k])); // handed over, never touched again
        }
        batch[k] = new ArrayList<>(4);
    }

    /** Writes the answered steps at the head, in order, as one output. */
    private void deliver() {
        int n = 0;
        int size = 0;
        boolean quit = false;
        for (Step st : steps) {
            if (st.reply == null) {
                break;
            }
            n++;
            size += st.reply.length;
            if (st.quit) {
                quit = true;
                break;
            }
        }
        if (n == 0) {
            return;
        }
        byte[] bytes = n == 1 ? steps.poll().reply : new byte[size];
        for (int i = 0, pos = 0; i < n && n > 1; i++) {
            byte[] r = steps.poll().reply;
            System.arraycopy(r, 0, bytes, pos, r.length);
            pos += r.length;
        }
        toClient.accept(new SessionOutput(sessionId, bytes, n, quit));
    }

    private int tubeShard(String tube) {
        return Shards.ofTube(tube, shards);
    }
}
