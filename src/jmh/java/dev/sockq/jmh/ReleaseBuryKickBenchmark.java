package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A tube of 1,000 ready jobs; one op = reserve + release (new random priority), reserve + bury,
 * kick 1: five commands, each in its own read, leaving the tube as it was.
 */
public class ReleaseBuryKickBenchmark extends CoreBenchmark {
    private static final int JOBS = 1000;
    private final List<Command> kick = List.of(Command.withCount(Op.KICK, 1));
    private final SplittableRandom random = new SplittableRandom(42);

    @Override
    void prepare() {
        List<Command> puts = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            puts.add(CoreDriver.put(random.nextInt(1 << 16)));
        }
        driver.send(client, puts);
    }

    @Benchmark
    public void releaseBuryKick(Blackhole bh) {
        long a = CoreDriver.reservedId(driver.send(client, RESERVE));
        bh.consume(driver.send(client, Command.release(a, random.nextInt(1 << 16), 0)));
        long b = CoreDriver.reservedId(driver.send(client, RESERVE));
        bh.consume(driver.send(client, Command.bury(b, random.nextInt(1 << 16))));
        bh.consume(driver.send(client, kick));
    }

    @Override
    void verify() {
        CoreDriver.check(tubeStat("default", "current-jobs-ready") == JOBS
                && tubeStat("default", "current-jobs-buried") == 0, "the tube did not keep its 1,000 ready jobs");
    }
}
