package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.daemon.Session;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every daemon-core benchmark shares: JMH settings, a fresh daemon with one client session,
 * and a check after each iteration that the daemon is in the state the benchmark keeps it in.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public abstract class CoreBenchmark {
    static final List<Command> RESERVE = List.of(CoreDriver.reserve());
    CoreDriver driver;
    Session client;

    @Setup
    public void setUp() {
        driver = new CoreDriver();
        client = driver.open();
        prepare();
    }

    /** Brings the new daemon to the state the benchmark starts from. */
    void prepare() {
    }

    @TearDown(Level.Iteration)
    public void check() {
        verify();
    }

    /** Fails the run (see {@link CoreDriver#check}) if the benchmark did not do what it says. */
    abstract void verify();

    /** A number from the stats of {@code tube}, asked by the client session. */
    long tubeStat(String tube, String key) {
        return driver.tubeStat(client, tube, key);
    }
}
