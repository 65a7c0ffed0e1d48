package dev.sockq.bus.push;

import dev.sockq.config.PushBinding;

/** The delay before a failed push is tried again: min(cap, base * 2^(attempt-1)), then ± jitter. */
public final class Backoff {
    private Backoff() {
    }

    /**
     * @param attempt the attempt that failed, from 1
     * @param random  uniform in [0, 1): where in the jitter band this delay falls
     */
    public static long delayMs(PushBinding b, int attempt, double random) {
        int doublings = Math.min(Math.max(0, attempt - 1), 62);
        long grown = b.backoffBaseMs() > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : b.backoffBaseMs() << doublings;
        long capped = Math.min(b.backoffCapMs(), grown);
        double factor = 1 + b.jitter() * (2 * random - 1);
        return Math.max(0, Math.round(capped * factor));
    }
}
