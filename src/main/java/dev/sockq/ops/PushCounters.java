package dev.sockq.ops;

import java.util.concurrent.atomic.LongAdder;

/** Push-dispatch counters of one tube binding, written on the daemon's thread and read by metrics scrapes. */
public final class PushCounters {
    public final String tube;
    /** Jobs sent to the consumer address (attempts). */
    public final LongAdder sent = new LongAdder();
    /** Attempts the consumer answered with a reply (job deleted). */
    public final LongAdder succeeded = new LongAdder();
    /** Attempts the consumer answered with a failure. */
    public final LongAdder failed = new LongAdder();
    /** Attempts the consumer did not answer in time. */
    public final LongAdder timedOut = new LongAdder();
    /** Jobs sent when no consumer was registered (given back, not counted as attempts). */
    public final LongAdder noConsumer = new LongAdder();
    /** Jobs buried after their last attempt failed. */
    public final LongAdder buried = new LongAdder();

    public PushCounters(String tube) {
        this.tube = tube;
    }
}
