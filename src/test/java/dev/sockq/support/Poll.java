package dev.sockq.support;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Poll-with-deadline for tests: checks a condition every few milliseconds instead of sleeping a guessed time. */
public final class Poll {
    private Poll() {
    }

    /** Returns once {@code condition} holds; fails the test if it does not within 10 s. */
    public static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 10 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
