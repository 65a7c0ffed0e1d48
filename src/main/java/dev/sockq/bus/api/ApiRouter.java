package dev.sockq.bus.api;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.Op;
import dev.sockq.bus.ShardStats;
import dev.sockq.bus.Shards;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The public event-bus API in front of several daemon shards: checks each request, then
 * forwards it to the shard that owns its tube or job id and relays the answer. Server stats
 * are asked of every shard and summed. A reserve over tubes of different shards is refused
 * (BAD_FORMAT): bus reserves are one request each, with no connection to hand a job over to.
 */
public final class ApiRouter extends VerticleBase {
    /** A reserve's forward must outlive its wait; this much longer. */
    private static final long FORWARD_GRACE_MS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
    private final int shards;
    private EventBus bus;

    public ApiRouter(int shards) {
        this.shards = shards;
    }

    /** Registers the public addresses (with {@code consumer}: other cluster nodes may call). */
    @Override
    public Future<?> start() {
        this.bus = vertx.eventBus();
        List<Future<?>> registered = new ArrayList<>();
        for (ApiOp op : ApiOp.values()) {
            registered.add(bus.consumer(op.address, m -> route(op, m)).completion());
        }
        return Future.all(registered).mapEmpty();
    }

    private void route(ApiOp op, Message<Object> m) {
        try {
            forward(op, m);
        } catch (RuntimeException e) {
            log.error("{} {}: failed", m.address(), m.body(), e); // a bug: answer it, keep serving
            m.fail(500, "INTERNAL_ERROR");
        }
    }

    private void forward(ApiOp op, Message<Object> m) {
        ApiCall call;
        try {
            call = op.parse(m.body(), Long.MAX_VALUE); // the shard checks the size against its limit
        } catch (ApiFailure f) {
            m.fail(f.code(), f.word());
            return;
        }
        if (call.kind() == ApiCall.Kind.RUN && call.command().op == Op.STATS) {
            sumStats(op, m);
            return;
        }
        int shard;
        long waitMs = 0;
        switch (call.kind()) {
            case PUT -> shard = Shards.ofTube(call.tube(), shards);
            case RESERVE -> {
                shard = Shards.ofTube(call.tubes().get(0), shards);
                for (String t : call.tubes()) {
                    if (Shards.ofTube(t, shards) != shard) {
                        m.fail(400, "BAD_FORMAT");
                        return;
                    }
                }
                waitMs = call.timeoutSec() * 1000;
            }
            default -> shard = call.tube() != null ? Shards.ofTube(call.tube(), shards)
                    : call.command().tube != null ? Shards.ofTube(call.command().tube, shards)
                    : Shards.ofId(call.command().id, shards);
        }
        DeliveryOptions local = new DeliveryOptions().setLocalOnly(true)
                .setSendTimeout(DeliveryOptions.DEFAULT_TIMEOUT + waitMs + FORWARD_GRACE_MS);
        bus.request(Addresses.ofShard(op.address, shard, shards), m.body(), local)
                .onSuccess(r -> m.reply(r.body()))
                .onFailure(e -> relayFailure(m, e));
    }

    private void sumStats(ApiOp op, Message<Object> m) {
        List<Future<Message<Object>>> answers = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            answers.add(bus.request(Addresses.ofShard(op.address, k, shards), m.body(), Addresses.LOCAL));
        }
        Future.all(answers).onSuccess(all -> {
            JsonObject sum = ((JsonObject) answers.get(0).result().body()).copy();
            ShardStats.Clients clients = new ShardStats.Clients();
            for (int k = 0; k < shards; k++) {
                JsonObject part = (JsonObject) answers.get(k).result().body();
                for (String key : part.fieldNames()) {
                    if (ShardStats.shardOnly(key)) {
                        clients.add(key, part.getValue(key) == null ? "" : String.valueOf(part.getValue(key)));
                    } else if (k > 0 && ShardStats.summed(key) && sum.getValue(key) instanceof Number a
                            && part.getValue(key) instanceof Number b) {
                        sum.put(key, a.longValue() + b.longValue());
                    }
                }
            }
            for (String key : ShardStats.PER_CLIENT.keySet()) {
                if (sum.containsKey(key)) {
                    sum.put(key, clients.count(key));
                }
            }
            sum.fieldNames().removeIf(ShardStats::shardOnly);
            m.reply(sum);
        }).onFailure(e -> relayFailure(m, e));
    }

    private static void relayFailure(Message<Object> m, Throwable e) {
        if (e instanceof ReplyException r && r.failureCode() > 0) {
            m.fail(r.failureCode(), r.getMessage());
        } else {
            m.fail(500, "INTERNAL_ERROR");
        }
    }
}
