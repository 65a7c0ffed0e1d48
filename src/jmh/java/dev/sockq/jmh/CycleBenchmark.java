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

import java.util.List;
import java.util.concurrent.TimeUnit;

/** One put, reserve, delete cycle per op, each command in its own read, on one session and one tube. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CycleBenchmark {
    private final List<Command> put = List.of(CoreDriver.put(100));
    private final List<Command> reserve = List.of(CoreDriver.reserve());
    private CoreDriver driver;
    private Session client;

    @Setup
    public void setUp() {
        driver = new CoreDriver();
        client = driver.open();
    }

    @Benchmark
    public void putReserveDelete(Blackhole bh) {
        bh.consume(driver.send(client, put));
        long id = CoreDriver.reservedId(driver.send(client, reserve));
        bh.consume(driver.send(client, CoreDriver.delete(id)));
    }

    @TearDown(Level.Iteration)
    public void check() {
        CoreDriver.check(driver.tubeStat(client, "default", "current-jobs-ready") == 0
                && driver.tubeStat(client, "default", "current-jobs-reserved") == 0, "cycle left jobs behind");
    }
}
