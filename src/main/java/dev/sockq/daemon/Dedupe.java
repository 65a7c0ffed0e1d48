package dev.sockq.daemon;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which job each idempotency token inserted, for a time window and up to a count,
 * oldest first out, so a retransmitted datagram does not insert its job twice.
 */
final class Dedupe {
    private record Entry(long jobId, long expiresAt) {
    }

    private final long windowMs;
    private final int maxTokens;
    private final LinkedHashMap<String, Entry> tokens = new LinkedHashMap<>();

    Dedupe(long windowMs, int maxTokens) {
        this.windowMs = windowMs;
        this.maxTokens = maxTokens;
    }

    /** The job id this token inserted within the window, or -1. */
    long lookup(String token, long now) {
        expire(now);
        Entry e = tokens.get(token);
        return e == null ? -1 : e.jobId;
    }

    void remember(String token, long jobId, long now) {
        tokens.put(token, new Entry(jobId, now + windowMs));
        if (tokens.size() > maxTokens) {
            Iterator<String> oldest = tokens.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    int size() {
        return tokens.size();
    }

    /** Entries were inserted in time order, so expired ones are all at the head. */
    private void expire(long now) {
        Iterator<Map.Entry<String, Entry>> it = tokens.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().expiresAt <= now) {
            it.remove();
        }
    }
}
