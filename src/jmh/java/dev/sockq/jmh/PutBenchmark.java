package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.daemon.Session;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** put alone: one session, one tube, jobs piling up (a fresh daemon every 65,536 jobs keeps the live set, and so GC time, small). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class PutBenchmark {
    private static final int JOBS_PER_DAEMON = 1 << 16;
    private final List<Command> put = List.of(CoreDriver.put(100));
    private CoreDriver driver;
    private Session producer;
    private int jobs;

    @Setup
    public void fresh() {
        driver = new CoreDriver();
        producer = driver.open();
        jobs = 0;
    }

    @Benchmark
    public byte[] put() {
        if (++jobs == JOBS_PER_DAEMON) {
            fresh();
        }
        return driver.send(producer, put);
    }
}
