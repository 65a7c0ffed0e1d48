package dev.sockq.ops;

import dev.sockq.bus.Op;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Per-command latency histograms ({@code sockq_command_duration_seconds}), from the moment a
 * command is framed to the moment its reply is written: what a client sees, minus the network.
 * Does nothing when Vert.x runs without Micrometer.
 */
public final class CommandMetrics {
    private final Timer[] timers = new Timer[Op.values().length];

    private CommandMetrics(MeterRegistry registry) {
        if (registry == null) {
            return;
        }
        for (Op op : Op.values()) {
            if (!op.isProtocol()) {
                continue;
            }
            String name = op == Op.ERROR ? "error" : op.name().toLowerCase(Locale.ROOT).replace('_', '-');
            timers[op.ordinal()] = Timer.builder("sockq.command.duration")
                    .description("Time from a command's arrival to its reply, by command")
                    .tag("command", name)
                    .publishPercentileHistogram()
                    .register(registry);
        }
    }

    /** Timers in the registry Vert.x was started with, if any. */
    public static CommandMetrics fromVertx() {
        return new CommandMetrics(BackendRegistries.getDefaultNow());
    }

    public void record(Op op, long nanos) {
        Timer t = timers[op.ordinal()];
        if (t != null) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
