package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;

/** `sockq stats`: the server's, a tube's or a job's stats as an aligned table or JSON. */
@Command(name = "stats", description = "Show server stats, or a tube's (--tube) or a job's (--job), as a table or --json.")
final class StatsCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"})
    String tube;

    @Option(names = "--job", paramLabel = "ID")
    Long job;

    @Option(names = "--json", description = "one JSON object instead of a table")
    boolean json;

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        Map<String, String> stats = (tube != null ? c.statsTube(tube) : job != null ? c.statsJob(job) : c.stats()).await();
        if (json) {
            JsonObject o = new JsonObject();
            stats.forEach((k, v) -> o.put(k, v.matches("-?\\d+") ? (Object) Long.parseLong(v) : v));
            out.println(o.encode());
        } else {
            int width = stats.keySet().stream().mapToInt(String::length).max().orElse(0);
            stats.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        }
        return OK;
    }
}
