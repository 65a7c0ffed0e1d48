package dev.sockq.daemon;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the daemon shards of one server share so that the memory limits hold for the server, not
 * per shard: the bytes all jobs hold and the number of tubes. Thread-safe (each shard updates it
 * from its own thread); a shard alone uses none.
 */
public final class ShardBudget {
    private final AtomicLong jobBytes = new AtomicLong();
    private final AtomicInteger tubes = new AtomicInteger();

    long jobBytes() {
        return jobBytes.get();
    }

    void addJobBytes(long n) {
        jobBytes.addAndGet(n);
    }

    int tubes() {
        return tubes.get();
    }

    void addTubes(int n) {
        tubes.addAndGet(n);
    }
}
