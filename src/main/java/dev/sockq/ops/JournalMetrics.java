package dev.sockq.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/** The journal's fsync latency histogram ({@code sockq_journal_fsync_duration_seconds}). */
public final class JournalMetrics {
    private JournalMetrics() {
    }

    /** Records fsync durations (nanoseconds) into the Vert.x Micrometer registry, or ignores them without one. */
    public static LongConsumer fsyncTimer() {
        MeterRegistry registry = BackendRegistries.getDefaultNow();
        if (registry == null) {
            return nanos -> { };
        }
        Timer timer = Timer.builder("sockq.journal.fsync.duration")
                .description("Time one journal fsync took (one covers many records)")
                .publishPercentileHistogram()
                .register(registry);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
