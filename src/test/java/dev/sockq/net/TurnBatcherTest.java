package dev.sockq.net;

import dev.sockq.bus.Addresses;
import dev.sockq.bus.SessionInput;
import dev.sockq.bus.SessionInputs;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What one event-loop turn sends reaches each shard as one message, in order; the next turn sends again. */
@ExtendWith(VertxExtension.class)
class TurnBatcherTest {

    @Test
    void oneMessagePerShardPerTurnInOrder(Vertx vertx, VertxTestContext test) {
        Addresses.registerCodecs(vertx.eventBus());
        List<List<Long>> shard0 = new CopyOnWriteArrayList<>();
        List<List<Long>> shard1 = new CopyOnWriteArrayList<>();
        vertx.eventBus().<SessionInputs>localConsumer(Addresses.ofShard(Addresses.DAEMON_SESSIONS, 0, 2),
                m -> shard0.add(ids(m.body())));
        vertx.eventBus().<SessionInputs>localConsumer(Addresses.ofShard(Addresses.DAEMON_SESSIONS, 1, 2), m -> {
            shard1.add(ids(m.body()));
            if (shard1.size() == 2) {
                test.verify(() -> {
                    assertEquals(List.of(List.of(1L, 3L, 4L)), shard0, "turn 1 for shard 0, nothing in turn 2");
                    assertEquals(List.of(List.of(2L), List.of(5L, 6L)), shard1, "one message per turn for shard 1");
                });
                test.completeNow();
            }
        });
        Context ctx = vertx.getOrCreateContext();
        ctx.runOnContext(v -> {
            TurnBatcher batcher = new TurnBatcher(ctx, vertx.eventBus(), 2);
            batcher.add(0, SessionInput.close(1));
            batcher.add(1, SessionInput.close(2));
            batcher.add(0, SessionInput.close(3));
            batcher.add(0, SessionInput.close(4));
            // a later turn: queued behind the first flush, so it is a message of its own
            ctx.runOnContext(w -> {
                batcher.add(1, SessionInput.close(5));
                batcher.add(1, SessionInput.close(6));
            });
        });
    }

    private static List<Long> ids(SessionInputs batch) {
        return batch.inputs().stream().map(SessionInput::sessionId).toList();
    }
}
