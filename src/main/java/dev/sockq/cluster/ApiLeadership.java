package dev.sockq.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Elects the one node of a cluster that serves the public {@code sockq.*} event-bus API: the
 * holder of a cluster-wide lock. Each node owns its own jobs, so with a single API node every
 * bus client sees one queue and no job can be handed out by two nodes. Hazelcast releases the
 * lock when its holder leaves or is dropped from the cluster, and a waiting node takes over.
 */
public final class ApiLeadership {
    private static final Logger log = LoggerFactory.getLogger(ApiLeadership.class);
    /** The lock's cluster-wide name. */
    public static final String LOCK = "sockq.api.leader";
    /** How long one wait for the lock lasts before it is asked for again (keeps stop prompt). */
    private static final long WAIT_MS = 5_000;
    private static final long RETRY_AFTER_ERROR_MS = 1_000;

    private final Vertx vertx;
    private final Supplier<Future<?>> onElected;
    private volatile boolean stopped;
    private volatile boolean leader;
    private Lock lock;

    /** @param onElected starts serving the API once this node holds the lock */
    public ApiLeadership(Vertx vertx, Supplier<Future<?>> onElected) {
        this.vertx = vertx;
        this.onElected = onElected;
    }

    /** Starts waiting for the lock; returns at once. */
    public void start() {
        campaign();
    }

    /** Whether this node serves the API now. */
    public boolean isLeader() {
        return leader;
    }

    private void campaign() {
        if (stopped) {
            return;
        }
        vertx.sharedData().getLockWithTimeout(LOCK, WAIT_MS).onComplete(ar -> {
            if (ar.failed()) {
                if (!stopped) {
                    // a timeout is the normal "someone else leads"; anything else (cluster trouble) waits a little
                    boolean timeout = String.valueOf(ar.cause().getMessage()).startsWith("Timed out");
                    if (!timeout) {
                        log.warn("api leadership: {}", ar.cause().toString());
                    }
                    vertx.setTimer(timeout ? 1 : RETRY_AFTER_ERROR_MS, id -> campaign());
                }
                return;
            }
            if (stopped) {
                ar.result().release();
                return;
            }
            lock = ar.result();
            onElected.get().onSuccess(v -> {
                leader = !stopped;
                log.info("sockq api leader: this node serves the sockq.* event-bus addresses");
            }).onFailure(e -> {
                // holding the lock without serving would leave the cluster without an API: hand it on
                log.error("api leader could not start the api, stepping down: {}", e.toString());
                if (lock != null) {
                    lock.release();
                    lock = null;
                }
                vertx.setTimer(RETRY_AFTER_ERROR_MS, id -> campaign());
            });
        });
    }

    /** Stops campaigning and gives up the lock, so another node takes over at once. */
    public void stop() {
        stopped = true;
        leader = false;
        if (lock != null) {
            lock.release();
            lock = null;
        }
    }
}
