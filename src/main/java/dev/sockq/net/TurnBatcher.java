package dev.sockq.net;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionInputs;
import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;

/**
 * Gathers what a socket verticle's connections send the daemon shards during one event-loop
 * turn and sends it, per shard, as one {@link SessionInputs} when the turn's reads are done.
 *
 * <p>Why: with many busy connections one turn reads from dozens of sockets; one message per
 * socket meant one hand-off (and often one thread wake-up) each. The flush runs as a task on
 * the same event loop, which Netty runs after the turn's I/O, so nothing waits longer than
 * the turn. Order per shard is kept: inputs leave in the order they were added.
 */
final class TurnBatcher {
    private final Context context;
    private final EventBus bus;
    private final String[] addresses;
    private final ArrayList<SessionInput>[] pending;
    private boolean scheduled;

    @SuppressWarnings("unchecked")
    TurnBatcher(Context context, EventBus bus, int shards) {
        this.context = context;
        this.bus = bus;
        this.addresses = new String[shards];
        this.pending = new ArrayList[shards];
        for (int k = 0; k < shards; k++) {
            addresses[k] = Addresses.ofShard(Addresses.DAEMON_SESSIONS, k, shards);
        }
    }

    /** Queues {@code in} for shard {@code shard}; called on the verticle's event loop only. */
    void add(int shard, SessionInput in) {
        ArrayList<SessionInput> list = pending[shard];
        if (list == null) {
            pending[shard] = list = new ArrayList<>(8);
        }
        list.add(in);
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    /**
     * Sends what is queued now rather than at the end of the turn: before a shard router's answer
     * reaches its client, and a stopping verticle's last CLOSEs. Cheap when nothing is queued.
     */
    void flush() {
        scheduled = false;
        for (int k = 0; k < pending.length; k++) {
            ArrayList<SessionInput> list = pending[k];
            if (list != null) {
                pending[k] = null; // handed over, never touched again here
                bus.send(addresses[k], new SessionInputs(list), Addresses.LOCAL);
            }
        }
    }
}
