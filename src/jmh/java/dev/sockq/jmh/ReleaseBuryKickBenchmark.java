package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
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
 * A tube of 1,000 ready jobs; one op = reserve + release (new random priority), reserve + bury,
 * kick 1: five commands, each in its own read, leaving the tube as it was.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReleaseBuryKickBenchmark {
    private static final int JOBS = 1000;
    private final List<Command> reserve = List.of(CoreDriver.reserve());
    private final List<Command> kick = List.of(Command.withCount(Op.KICK, 1));
    private final SplittableRandom random = new SplittableRandom(42);
    private CoreDriver driver;
    private Session client;

    @Setup
    public void setUp() {
        driver = new CoreDriver();
        client = driver.open();
        List<Command> puts = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            puts.add(CoreDriver.put(random.nextInt(1 << 16)));
        }
        driver.send(client, puts);
    }

    @Benchmark
    public void releaseBuryKick(Blackhole bh) {
        long a = CoreDriver.reservedId(driver.send(client, reserve));
        bh.consume(driver.send(client, Command.release(a, random.nextInt(1 << 16), 0)));
        long b = CoreDriver.reservedId(driver.send(client, reserve));
        bh.consume(driver.send(client, Command.bury(b, random.nextInt(1 << 16))));
        bh.consume(driver.send(client, kick));
    }

    @TearDown(Level.Iteration)
    public void check() {
        CoreDriver.check(driver.tubeStat(client, "default", "current-jobs-ready") == JOBS
                && driver.tubeStat(client, "default", "current-jobs-buried") == 0, "the tube did not keep its 1,000 ready jobs");
    }
}
