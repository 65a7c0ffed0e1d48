package dev.sockq.daemon;

import io.vertx.core.spi.ExecutorServiceFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's worker pools, built as Vert.x builds them but on an {@link IdleSpinQueue}, so the
 * daemon verticle can find its own thread's queue and let it spin (Vert.x service provider,
 * registered in META-INF/services). A queue spins only once a daemon configures it.
 */
public final class DaemonThreadPools implements ExecutorServiceFactory {
    private static final ThreadLocal<IdleSpinQueue> QUEUE = new ThreadLocal<>();

    @Override
    public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
        IdleSpinQueue queue = new IdleSpinQueue();
        ThreadFactory registering = task -> threadFactory.newThread(() -> {
            QUEUE.set(queue);
            task.run();
        });
        return new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 0L, TimeUnit.MILLISECONDS, queue, registering);
    }

    /** The queue the calling thread takes its tasks from, or null off a worker pool (an event loop). */
    public static IdleSpinQueue queueOfCurrentThread() {
        return QUEUE.get();
    }
}
