package dev.sockq.jmh;

import dev.sockq.bus.Command;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;

/** One put, reserve, delete cycle per op, each command in its own read, on one session and one tube. */
public class CycleBenchmark extends CoreBenchmark {
    private final List<Command> put = List.of(CoreDriver.put(100));

    @Benchmark
    public void putReserveDelete(Blackhole bh) {
        bh.consume(driver.send(client, put));
        long id = CoreDriver.reservedId(driver.send(client, RESERVE));
        bh.consume(driver.send(client, CoreDriver.delete(id)));
    }

    @Override
    void verify() {
        CoreDriver.check(tubeStat("default", "current-jobs-ready") == 0
                && tubeStat("default", "current-jobs-reserved") == 0, "cycle left jobs behind");
    }
}
