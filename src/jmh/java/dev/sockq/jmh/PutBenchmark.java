package dev.sockq.jmh;

import dev.sockq.bus.Command;
import org.openjdk.jmh.annotations.Benchmark;

import java.util.List;

/** put alone: one session, one tube, jobs piling up (a fresh daemon every 65,536 jobs keeps the live set, and so GC time, small). */
public class PutBenchmark extends CoreBenchmark {
    private static final int JOBS_PER_DAEMON = 1 << 16;
    private final List<Command> put = List.of(CoreDriver.put(100));
    private int jobs;

    @Override
    void prepare() {
        jobs = 0;
    }

    @Benchmark
    public byte[] put() {
        if (jobs == JOBS_PER_DAEMON) {
            setUp();
        }
        jobs++;
        return driver.send(client, put);
    }

    @Override
    void verify() {
        CoreDriver.check(tubeStat("default", "current-jobs-ready") == jobs, "a put did not make a ready job");
    }
}
