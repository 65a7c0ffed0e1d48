package dev.sockq.jmh;

import dev.sockq.bus.Command;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ready heap at size: a tube holding 1,000,000 ready jobs of random priority; one op =
 * reserve the best, delete it, put a new one of random priority (so the tube stays at 1M).
 */
public class MillionJobsBenchmark extends CoreBenchmark {
    private static final int JOBS = 1_000_000;
    private final SplittableRandom random = new SplittableRandom(42);

    @Override
    void prepare() {
        List<Command> puts = new ArrayList<>(1000);
        for (int i = 0; i < JOBS; i += 1000) {
            puts.clear();
            for (int k = 0; k < 1000; k++) {
                puts.add(CoreDriver.put(random.nextInt() & Integer.MAX_VALUE));
            }
            driver.send(client, puts);
        }
    }

    @Benchmark
    public void reserveDeletePut(Blackhole bh) {
        long id = CoreDriver.reservedId(driver.send(client, RESERVE));
        bh.consume(driver.send(client, CoreDriver.delete(id)));
        bh.consume(driver.send(client, List.of(CoreDriver.put(random.nextInt() & Integer.MAX_VALUE))));
    }

    @Override
    void verify() {
        CoreDriver.check(tubeStat("default", "current-jobs-ready") == JOBS, "the tube did not keep 1,000,000 ready jobs");
    }
}
