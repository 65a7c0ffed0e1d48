package dev.sockq.jmh;

import dev.sockq.bus.Command;
import dev.sockq.bus.Op;
import dev.sockq.daemon.Session;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;

/**
 * put into 10 tubes, each put handed at once to one of 10 workers that all watch every tube and
 * wait in reserve; the worker deletes the job and reserves again in one read. One op = one put
 * and the worker's delete + reserve.
 */
public class FanInBenchmark extends CoreBenchmark {
    private static final int TUBES = 10;
    private final List<Command> put = List.of(CoreDriver.put(100));
    private final Session[] producers = new Session[TUBES];
    private final Session[] workers = new Session[TUBES];
    private int turn;

    @Override
    void prepare() {
        for (int i = 0; i < TUBES; i++) {
            producers[i] = driver.open();
            driver.send(producers[i], Command.withTube(Op.USE, "tube-" + i));
        }
        for (int i = 0; i < TUBES; i++) {
            workers[i] = driver.open();
            List<Command> setup = new ArrayList<>();
            for (int t = 0; t < TUBES; t++) {
                setup.add(Command.withTube(Op.WATCH, "tube-" + t));
            }
            setup.add(Command.withTube(Op.IGNORE, "default"));
            setup.add(CoreDriver.reserve());
            driver.send(workers[i], setup);
        }
    }

    @Benchmark
    public void putToWaitingWorker(Blackhole bh) {
        int i = turn;
        turn = i + 1 == TUBES ? 0 : i + 1;
        driver.other = null;
        bh.consume(driver.send(producers[i], put));
        // the workers wait in every tube in turn order, so the oldest waiter gets the job
        Session worker = workers[i];
        CoreDriver.check(driver.other == worker, "the job did not go to the longest-waiting worker");
        long id = CoreDriver.reservedId(driver.otherOutput);
        bh.consume(driver.send(worker, List.of(CoreDriver.delete(id), CoreDriver.reserve())));
    }

    @Override
    void verify() {
        for (int t = 0; t < TUBES; t++) {
            CoreDriver.check(tubeStat("tube-" + t, "current-waiting") == TUBES
                    && tubeStat("tube-" + t, "current-jobs-ready") == 0,
                    "tube-" + t + " is not back to 10 waiting workers and no jobs");
        }
    }
}
