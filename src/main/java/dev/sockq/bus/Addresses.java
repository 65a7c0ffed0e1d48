package dev.sockq.bus;

import dev.sockq.daemon.Snapshot;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/** Every event-bus address sockq uses, in one place. */
public final class Addresses {
    /** Session traffic from socket verticles to the daemon (local): one {@link SessionInputs} per event-loop turn. */
    public static final String DAEMON_SESSIONS = "sockq.daemon.sessions";
    /** Datagram puts from the UDP verticles to the daemon (local request/reply, {@link DatagramPut}). */
    public static final String DAEMON_DATAGRAMS = "sockq.daemon.datagrams";
    /**
     * Operator commands to the daemon (local): "drain" enters drain mode; a request "snapshot"
     * is answered with a {@link Snapshot} of its counters; a request "serve-api" registers the
     * public API (a clustered node, once elected to serve it) and is answered when it is registered.
     */
    public static final String DAEMON_CONTROL = "sockq.daemon.control";
    /** Prefix of the per-verticle addresses where the daemon sends {@link SessionOutputs}. */
    public static final String SESSION_OUTPUT_PREFIX = "sockq.out.";
    /**
     * For every send to the addresses above: they are node-local (localConsumer, no-copy codecs),
     * and in a cluster this keeps even the lookup of handlers off the cluster. Never mutated.
     */
    public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

    // The public JSON API (request/reply, reachable from other cluster nodes; see README "Event-bus API").
    public static final String PUT = "sockq.put";
    public static final String RESERVE = "sockq.reserve";
    public static final String DELETE = "sockq.delete";
    public static final String RELEASE = "sockq.release";
    public static final String BURY = "sockq.bury";
    public static final String TOUCH = "sockq.touch";
    public static final String KICK = "sockq.kick";
    public static final String PEEK = "sockq.peek";
    public static final String STATS = "sockq.stats";

    private Addresses() {
    }

    /**
     * The address of daemon shard {@code shard} of {@code shards} for one of the daemon
     * addresses above: the address itself with one shard, so one shard is exactly as before.
     */
    public static String ofShard(String address, int shard, int shards) {
        return shards == 1 ? address : address + "." + shard;
    }

    /** Registers the no-copy codecs for sockq's local message types; idempotent per Vert.x. */
    public static synchronized void registerCodecs(EventBus bus) {
        try {
            bus.registerDefaultCodec(SessionInputs.class, new LocalCodec<>(SessionInputs.class));
            bus.registerDefaultCodec(SessionOutputs.class, new LocalCodec<>(SessionOutputs.class));
            bus.registerDefaultCodec(DatagramPut.class, new LocalCodec<>(DatagramPut.class));
            bus.registerDefaultCodec(DatagramReply.class, new LocalCodec<>(DatagramReply.class));
            bus.registerDefaultCodec(Snapshot.class, new LocalCodec<>(Snapshot.class));
        } catch (IllegalStateException alreadyRegistered) {
            // a second server in the same Vert.x (tests) shares the codecs
        }
    }
}
