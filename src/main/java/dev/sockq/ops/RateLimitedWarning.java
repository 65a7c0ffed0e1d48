package dev.sockq.ops;

import org.slf4j.Logger;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A warning logged at most once per interval, saying how often it was suppressed meanwhile, so
 * a flood (of connections, of slow clients) costs one log line instead of one per event.
 * Safe to share between event loops.
 */
public final class RateLimitedWarning {
    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong lastLoggedAt;
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedWarning(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
        this.lastLoggedAt = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    public void warn(String message) {
        long now = System.nanoTime();
        long last = lastLoggedAt.get();
        if (now - last >= intervalNanos && lastLoggedAt.compareAndSet(last, now)) {
            long more = suppressed.getAndSet(0);
            log.warn(more == 0 ? message : message + " (" + more + " more since the last such line)");
        } else {
            suppressed.incrementAndGet();
        }
    }
}
