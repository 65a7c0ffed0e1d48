package dev.sockq.daemon;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The task queue of a daemon shard's thread: while one client talks to the daemon alone, its
 * taker stays awake (yielding) for a while before it parks.
 *
 * <p>Why: with one client, every command crosses from the socket's event loop to the daemon's
 * thread and back, and waking a parked thread (a futex, often an idle virtual CPU) cost more
 * than beanstalkd's whole command on the 2-core machine (BENCHMARKS.md). A client's next
 * command usually comes within one round trip, so a thread still awake takes it with no
 * wake-up. The daemon verticle decides, turn by turn ({@link #spinNext}): busy servers must not
 * spin, because there the spin would take the cores the sockets need. The spin yields, so
 * anything else runnable on the core goes first.
 */
public final class IdleSpinQueue extends LinkedBlockingQueue<Runnable> {
    private volatile long spinNanos;
    /**
     * Whether the last client turn was lone; it holds through the other tasks the thread runs
     * (timers, the bus's own hand-offs) until the next client turn says otherwise. Written and
     * read by the taker thread only.
     */
    private boolean spinNext;
    /** Takes served during a spin, i.e. wake-ups saved; written by the taker only. */
    private volatile long caught;

    /** How long the taker may stay awake after a lone turn; 0 parks at once (plain {@link LinkedBlockingQueue}). */
    public void setSpinNanos(long nanos) {
        spinNanos = nanos;
    }

    /** Called by the taker after each client turn: whether its waits for work may spin, until the next client turn. */
    public void spinNext(boolean spin) {
        spinNext = spin;
    }

    public long caught() {
        return caught;
    }

    @Override
    public Runnable take() throws InterruptedException {
        Runnable r = poll();
        if (r != null) {
            return r;
        }
        long spin = spinNanos;
        if (spinNext && spin > 0) {
            long deadline = System.nanoTime() + spin;
            do {
                Thread.yield();
                r = poll();
                if (r != null) {
                    caught++;
                    return r;
                }
            } while (System.nanoTime() - deadline < 0);
        }
        return super.take();
    }
}
