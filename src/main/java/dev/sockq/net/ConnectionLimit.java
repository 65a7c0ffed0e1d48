package dev.sockq.net;

import dev.sockq.ops.RateLimitedWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The open client connections of one server, across all its listeners, and the most it may have. */
public final class ConnectionLimit {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final RateLimitedWarning refused = new RateLimitedWarning(log, 10, TimeUnit.SECONDS);

    public ConnectionLimit(int max) {
        this.max = max;
    }

    /** Takes a place for a new connection; false (and a rate-limited warning) when all are taken. */
    boolean tryAcquire() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused.warn("connection limit reached (maxConnections=" + max + "): closing new connections");
            return false;
        }
        return true;
    }

    void release() {
        open.decrementAndGet();
    }
}
