package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.StatsJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;

/** `sockq stats`: the server's, a tube's or a job's stats as an aligned table or JSON. */
@Command(name = "stats", description = {"Show server, tube (--tube) or job (--job) stats.",
    "An aligned key/value table, or one JSON object with --json."})
final class StatsCommand extends ClientCommand {
    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = {"-t", "--tube"}, description = "stats of this tube (stats-tube)")
        String tube;

        @Option(names = "--job", paramLabel = "ID", description = "stats of this job (stats-job)")
        Long job;
    }

    @Option(names = "--json", description = "one JSON object instead of a table (numbers and booleans typed)")
    boolean json;

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        String tube = target == null ? null : target.tube;
        Long job = target == null ? null : target.job;
        Map<String, String> stats = (tube != null ? c.statsTube(tube) : job != null ? c.statsJob(job) : c.stats()).await();
        if (json) {
            out.println(StatsJson.of(stats, tube == null && job == null).encode());
        } else {
            int width = stats.keySet().stream().mapToInt(String::length).max().orElse(0);
            stats.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        }
        return OK;
    }
}
