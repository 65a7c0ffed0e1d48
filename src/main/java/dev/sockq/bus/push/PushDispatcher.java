package dev.sockq.bus.push;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.bus.api.Bodies;
import dev.sockq.config.PushBinding;
import dev.sockq.daemon.Daemon;
import dev.sockq.daemon.DetachedRoute;
import dev.sockq.daemon.Reservation;
import dev.sockq.daemon.Session;
import dev.sockq.ops.PushCounters;
import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Pushes the ready jobs of one bound tube to its consumer address, on the daemon verticle's
 * thread. The dispatcher is a detached daemon session that reserves the jobs it has in flight
 * (so nobody else can reserve them), never more than {@code concurrency}: a reply deletes the
 * job, a failure or timeout releases it with backoff, and the last allowed attempt buries it.
 */
public final class PushDispatcher implements DetachedRoute {
    private static final Logger log = LoggerFactory.getLogger(PushDispatcher.class);
    private final PushBinding binding;
    private final EventBus bus;
    private final Daemon daemon;
    private final PushCounters counters;
    private final Consumer<Runnable> send;
    private final Runnable flush;
    private Session session;
    private boolean stopped;

    /**
     * @param send  sends now or once the journal has written what came before (a job is pushed
     *              only once its put is durable under fsync always)
     * @param flush delivers what the daemon produced for other sessions, and rearms its timer
     */
    public PushDispatcher(PushBinding binding, EventBus bus, Daemon daemon, PushCounters counters,
                          Consumer<Runnable> send, Runnable flush) {
        this.binding = binding;
        this.bus = bus;
        this.daemon = daemon;
        this.counters = counters;
        this.send = send;
        this.flush = flush;
    }

    /** Starts taking jobs; the caller flushes. */
    public void start() {
        session = daemon.openDispatcher(this, binding.tube(), binding.timeoutMs());
        daemon.grant(session, binding.concurrency());
        log.info("push: tube {} -> {} (concurrency {}, {} attempts)", binding.tube(), binding.address(),
                binding.concurrency(), binding.maxAttempts());
    }

    /** Ignores answers from now on; jobs in flight stay reserved until the daemon stops (then they are ready again). */
    public void stop() {
        stopped = true;
    }

    @Override
    public void deliver(Session s) {
        s.takeOutput();
        for (Reservation r : s.takeHanded()) {
            send.accept(() -> push(r));
        }
    }

    private void push(Reservation r) {
        JsonObject job = Bodies.put(new JsonObject().put("id", r.id()).put("tube", r.tube()), r.body())
                .put("attempt", r.reserves());
        long timeout = binding.timeoutMs() > 0 ? binding.timeoutMs() : r.ttrMs();
        counters.sent.increment();
        bus.request(binding.address(), job, new DeliveryOptions().setSendTimeout(timeout))
                .onComplete(answer -> finished(r, answer));
    }

    private void finished(Reservation r, AsyncResult<Message<Object>> answer) {
        if (stopped) {
            return;
        }
        ReplyFailure failure = answer.succeeded() ? null
                : answer.cause() instanceof ReplyException e ? e.failureType() : ReplyFailure.ERROR;
        if (daemon.holds(session, r.id(), r.reserves())) {
            if (failure == null) {
                counters.succeeded.increment();
                daemon.runDetached(session, null, Command.withId(Op.DELETE, r.id()));
            } else if (failure == ReplyFailure.NO_HANDLERS) {
                // nobody listens yet: not an attempt; look again after the base delay
                counters.noConsumer.increment();
                daemon.giveBack(session, r.id(), Math.max(1, binding.backoffBaseMs()));
            } else {
                (failure == ReplyFailure.TIMEOUT ? counters.timedOut : counters.failed).increment();
                retryOrBury(r, answer.cause());
            }
        }
        daemon.grant(session, 1);
        flush.run();
    }

    private void retryOrBury(Reservation r, Throwable cause) {
        if (r.reserves() >= binding.maxAttempts()) {
            log.warn("push: job {} of tube {} buried after attempt {}: {}", r.id(), r.tube(), r.reserves(), cause.getMessage());
            counters.buried.increment();
            daemon.runDetached(session, null, Command.bury(r.id(), -1));
        } else {
            long delay = Backoff.delayMs(binding, r.reserves(), ThreadLocalRandom.current().nextDouble());
            daemon.runDetached(session, null, Command.release(r.id(), -1, delay));
        }
    }
}
