package dev.sockq.bus.api;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.Op;
import dev.sockq.daemon.Daemon;
import dev.sockq.daemon.DetachedRoute;
import dev.sockq.daemon.Reservation;
import dev.sockq.daemon.Session;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The public event-bus API ({@code sockq.put}, {@code sockq.reserve}...), run on the daemon
 * verticle's thread: checks each JSON request, runs it on the {@link Daemon}, and answers JSON
 * or a ReplyException whose message is the beanstalkd error word.
 *
 * <p>Jobs reserved over the bus belong to one bus owner session shared by all bus callers: any
 * caller holding the id may delete, release, bury or touch them (see docs/ARCHITECTURE.md).
 */
public final class BusApi {
    private static final Logger log = LoggerFactory.getLogger(BusApi.class);
    private final Daemon daemon;
    private final long maxJobSize;
    /** Sends a reply now or once the journal has written what came before it. */
    private final Consumer<Runnable> send;
    /** Delivers whatever the daemon produced for other sessions, and rearms its timer. */
    private final Runnable flush;
    private final Session owner;

    public BusApi(Daemon daemon, long maxJobSize, Consumer<Runnable> send, Runnable flush) {
        this.daemon = daemon;
        this.maxJobSize = maxJobSize;
        this.send = send;
        this.flush = flush;
        this.owner = daemon.openDetached(null, List.of());
    }

    /**
     * Registers every address with {@code consumer} (not local: other cluster nodes may call);
     * as one of several shards, on its local shard addresses instead, behind an {@link ApiRouter}.
     */
    public Future<Void> register(EventBus bus, int shard, int shards) {
        List<Future<?>> registered = new ArrayList<>();
        for (ApiOp op : ApiOp.values()) {
            MessageConsumer<Object> consumer = shards == 1 ? bus.consumer(op.address, m -> handle(op, m))
                    : bus.localConsumer(Addresses.ofShard(op.address, shard, shards), m -> handle(op, m));
            registered.add(consumer.completion());
        }
        return Future.all(registered).mapEmpty();
    }

    private void handle(ApiOp op, Message<Object> m) {
        try {
            ApiCall call = op.parse(m.body(), maxJobSize);
            switch (call.kind()) {
                case PUT -> answer(m, call, daemon.putInto(call.tube(), call.command()).getBytes(StandardCharsets.US_ASCII));
                case RESERVE -> daemon.reserveDetached(daemon.openDetached(new Reserve(m), call.tubes()), owner,
                        call.timeoutSec());
                case RUN -> answer(m, call, daemon.runDetached(owner, call.tube(), call.command()));
            }
        } catch (ApiFailure f) {
            fail(m, f);
        } catch (RuntimeException e) {
            log.error("{} {}: failed", m.address(), m.body(), e); // a bug: answer it, keep serving
            fail(m, new ApiFailure("INTERNAL_ERROR", e.toString()));
        }
        flush.run();
    }

    private void answer(Message<Object> m, ApiCall call, byte[] reply) {
        JsonObject json = ReplyJson.of(call.command().op, reply);
        Op op = call.command().op;
        if (op == Op.PEEK || op == Op.PEEK_READY || op == Op.PEEK_DELAYED || op == Op.PEEK_BURIED) {
            json.put("tube", daemon.tubeOf(json.getLong("id")));
        }
        send.accept(() -> m.reply(json));
    }

    private void fail(Message<?> m, ApiFailure f) {
        if (log.isDebugEnabled()) {
            log.debug("{} {}: {}", m.address(), f.word(), f.getMessage());
        }
        send.accept(() -> m.fail(f.code(), f.word()));
    }

    /** A bus reserve waiting in the daemon: answers its request once, then ends its session. */
    private final class Reserve implements DetachedRoute {
        private final Message<?> request;

        Reserve(Message<?> request) {
            this.request = request;
        }

        @Override
        public void deliver(Session s) {
            List<Reservation> handed = s.takeHanded();
            byte[] out = s.takeOutput();
            if (!handed.isEmpty()) {
                Reservation r = handed.get(0);
                JsonObject json = Bodies.put(new JsonObject().put("id", r.id()).put("tube", r.tube()), r.body());
                send.accept(() -> request.reply(json));
            } else if (out.length > 0) {
                String word = new String(out, StandardCharsets.US_ASCII).trim();
                fail(request, new ApiFailure(word, "reserve answered " + word));
            } else {
                return; // nothing decided yet
            }
            daemon.closeDetached(s);
        }
    }
}
