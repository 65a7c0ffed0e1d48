package dev.sockq.daemon;

/** Monotonic milliseconds; tests drive a fake one to make time pass instantly. */
@FunctionalInterface
public interface Clock {
    long nowMillis();

    Clock SYSTEM = () -> System.nanoTime() / 1_000_000L;
}
