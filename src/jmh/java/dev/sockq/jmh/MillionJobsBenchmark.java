package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.daemon.Session;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The ready heap at size: a tube holding 1,000,000 ready jobs of random priority; one op =
 * reserve the best, delete it, put a new one of random priority (so the tube stays at 1M).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MillionJobsBenchmark {
    private static final int JOBS = 1_000_000;
    private final List<Command> reserve = List.of(CoreDriver.reserve());
    private final SplittableRandom random = new SplittableRandom(42);
    private CoreDriver driver;
    private Session client;

    @Setup
    public void setUp() {
        driver = new CoreDriver();
        client = driver.open();
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
        long id = CoreDriver.reservedId(driver.send(client, reserve));
        bh.consume(driver.send(client, CoreDriver.delete(id)));
        bh.consume(driver.send(client, List.of(CoreDriver.put(random.nextInt() & Integer.MAX_VALUE))));
    }

    @TearDown(Level.Iteration)
    public void check() {
        CoreDriver.check(driver.tubeStat(client, "default", "current-jobs-ready") == JOBS, "the tube did not keep 1,000,000 ready jobs");
    }
}
