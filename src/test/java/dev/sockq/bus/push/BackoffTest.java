package dev.sockq.bus.push;

import dev.sockq.config.PushBinding;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {
    private static PushBinding binding(long base, long cap, double jitter) {
        return new PushBinding("t", "a", 1, 100, base, cap, jitter, 0);
    }

    @Test
    void doublesFromTheBaseUpToTheCap() {
        PushBinding b = binding(1000, 60_000, 0);
        assertEquals(1000, Backoff.delayMs(b, 1, 0.5));
        assertEquals(2000, Backoff.delayMs(b, 2, 0.5));
        assertEquals(32_000, Backoff.delayMs(b, 6, 0.5));
        assertEquals(60_000, Backoff.delayMs(b, 7, 0.5));
        assertEquals(60_000, Backoff.delayMs(b, 1_000_000, 0.5), "no overflow for huge attempt numbers");
        assertEquals(0, Backoff.delayMs(binding(0, 0, 0), 3, 0.5));
    }

    @Test
    void jitterSpreadsTheDelayEvenlyAroundIt() {
        PushBinding b = binding(1000, 60_000, 0.2);
        assertEquals(800, Backoff.delayMs(b, 1, 0.0));
        assertEquals(1000, Backoff.delayMs(b, 1, 0.5));
        assertEquals(1200, Backoff.delayMs(b, 1, 1.0));
        assertEquals(72_000, Backoff.delayMs(b, 20, 1.0), "jitter applies after the cap");
    }
}
