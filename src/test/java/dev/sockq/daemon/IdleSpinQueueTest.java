package dev.sockq.daemon;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon thread's queue: a lone turn keeps the taker awake for its spin, anything else parks it at once. */
class IdleSpinQueueTest {
    private final IdleSpinQueue queue = new IdleSpinQueue();
    private final Runnable task = () -> { };

    /** Runs turns on a taker thread: each takes one task, then marks whether the next wait may spin. */
    private Thread taker(boolean spinAfterEach, CompletableFuture<Runnable> first) {
        Thread t = new Thread(() -> {
            queue.spinNext(spinAfterEach);
            try {
                first.complete(queue.take());
            } catch (InterruptedException e) {
                first.completeExceptionally(e);
            }
        }, "test-taker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != state) {
            assertTrue(System.nanoTime() < deadline, "taker never reached " + state + ", is " + t.getState());
            Thread.sleep(1);
        }
    }

    /** 50 ms in which a parking taker would have shown WAITING. */
    private static void staysAwake(Thread t) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            assertNotEquals(Thread.State.WAITING, t.getState());
            Thread.sleep(1);
        }
    }

    @Test
    void aLoneTurnKeepsTheTakerAwakeUntilTheNextTaskComes() throws Exception {
        queue.setSpinNanos(TimeUnit.SECONDS.toNanos(30));
        CompletableFuture<Runnable> got = new CompletableFuture<>();
        Thread t = taker(true, got);
        awaitState(t, Thread.State.RUNNABLE);
        staysAwake(t);
        queue.offer(task);
        assertSame(task, got.get(10, TimeUnit.SECONDS));
        assertEquals(1, queue.caught());
    }

    /** The taker parks (WAITING) before the task comes, so no wake-up is saved. */
    private void assertParksThenTakes(boolean spinNext) throws Exception {
        CompletableFuture<Runnable> got = new CompletableFuture<>();
        Thread t = taker(spinNext, got);
        awaitState(t, Thread.State.WAITING);
        queue.offer(task);
        assertSame(task, got.get(10, TimeUnit.SECONDS));
        assertEquals(0, queue.caught());
    }

    @Test
    void withoutALoneTurnTheTakerParksAtOnce() throws Exception {
        queue.setSpinNanos(TimeUnit.SECONDS.toNanos(30));
        assertParksThenTakes(false);
    }

    @Test
    void theSpinEndsAndTheTakerParks() throws Exception {
        queue.setSpinNanos(TimeUnit.MILLISECONDS.toNanos(1));
        assertParksThenTakes(true);
    }

    @Test
    void noSpinConfiguredMeansAPlainBlockingQueue() throws Exception {
        assertParksThenTakes(true);
    }

    @Test
    void aClientTurnHoldsUntilTheNextOneSaysOtherwise() throws Exception {
        queue.setSpinNanos(TimeUnit.SECONDS.toNanos(30));
        queue.offer(task);
        CompletableFuture<Runnable> spun = new CompletableFuture<>();
        CompletableFuture<Runnable> parked = new CompletableFuture<>();
        CountDownLatch firstTaken = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                queue.spinNext(true);
                queue.take(); // work was there (say, a timer): no wait, and the lone turn still holds
                firstTaken.countDown();
                spun.complete(queue.take());
                queue.spinNext(false); // a turn that brought several clients
                parked.complete(queue.take());
            } catch (InterruptedException e) {
                spun.completeExceptionally(e);
                parked.completeExceptionally(e);
            }
        }, "test-taker");
        t.setDaemon(true);
        t.start();
        assertTrue(firstTaken.await(10, TimeUnit.SECONDS));
        staysAwake(t);
        queue.offer(task);
        assertSame(task, spun.get(10, TimeUnit.SECONDS));
        assertEquals(1, queue.caught());
        awaitState(t, Thread.State.WAITING);
        queue.offer(task);
        assertSame(task, parked.get(10, TimeUnit.SECONDS));
        assertEquals(1, queue.caught());
    }
}
