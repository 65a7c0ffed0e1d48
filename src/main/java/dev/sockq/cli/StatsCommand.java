package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** `sockq stats`: the server's, a tube's or a job's stats as an aligned table or JSON. */
@Command(name = "stats", description = {"Show server, tube (--tube) or job (--job) stats.",
    "An aligned key/value table, or one JSON object with --json."})
final class StatsCommand extends ClientCommand {
    /** Values that are names or labels even when they look numeric (a tube called 42, beanstalkd's hex instance id). */
    private static final Set<String> TEXT_KEYS = Set.of("version", "hostname", "os", "platform", "name", "tube", "state");
    // canonical integers only: "007" or 20 digits would not survive a round trip through a JSON number
    private static final Pattern INTEGER = Pattern.compile("0|-?[1-9][0-9]{0,17}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+\\.[0-9]+");

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
            boolean server = tube == null && job == null;
            JsonObject o = new JsonObject();
            stats.forEach((k, v) -> o.put(k, typed(k, v, server)));
            out.println(o.encode());
        } else {
            int width = stats.keySet().stream().mapToInt(String::length).max().orElse(0);
            stats.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        }
        return OK;
    }

    static Object typed(String key, String value, boolean serverStats) {
        // the server's id is a random hex string that is sometimes all digits; a job's id is a number
        if (TEXT_KEYS.contains(key) || (serverStats && key.equals("id"))) {
            return value;
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        if (INTEGER.matcher(value).matches()) {
            return Long.parseLong(value);
        }
        if (DECIMAL.matcher(value).matches()) {
            return Double.parseDouble(value);
        }
        return value;
    }
}
