package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.BeanstalkException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `sockq tubes`: every tube with its job counts, as an aligned table or JSON. */
@Command(name = "tubes", description = {"List tubes and their job counts.",
    "One aligned row per tube: ready, reserved, delayed, buried jobs and clients waiting (list-tubes, then stats-tube each)."})
final class TubesCommand extends ClientCommand {
    private static final String[] COLUMNS = {"ready", "reserved", "delayed", "buried", "waiting"};
    private static final String[] KEYS = {"current-jobs-ready", "current-jobs-reserved", "current-jobs-delayed",
        "current-jobs-buried", "current-waiting"};

    @Option(names = "--json", description = "a JSON array of {tube, ready, reserved, delayed, buried, waiting} instead of a table")
    boolean json;

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        List<String> names = c.listTubes().await();
        // all stats-tube commands go out at once (the client pipelines), then the replies are collected in order
        List<Future<Map<String, String>>> pending = new ArrayList<>();
        for (String name : names) {
            pending.add(c.statsTube(name));
        }
        Map<String, long[]> rows = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, String> stats;
            try {
                stats = pending.get(i).await();
            } catch (BeanstalkException e) {
                if (e.reply().equals("NOT_FOUND")) {
                    continue; // the tube emptied and vanished since list-tubes: not an error
                }
                throw e;
            }
            long[] counts = new long[KEYS.length];
            for (int k = 0; k < KEYS.length; k++) {
                counts[k] = Long.parseLong(stats.getOrDefault(KEYS[k], "0"));
            }
            rows.put(names.get(i), counts);
        }
        if (json) {
            JsonArray a = new JsonArray();
            rows.forEach((name, counts) -> {
                JsonObject o = new JsonObject().put("tube", name);
                for (int k = 0; k < COLUMNS.length; k++) {
                    o.put(COLUMNS[k], counts[k]);
                }
                a.add(o);
            });
            out.println(a.encode());
            return OK;
        }
        int width = Math.max(4, rows.keySet().stream().mapToInt(String::length).max().orElse(0));
        String format = "%-" + width + "s %9s %9s %9s %9s %9s%n";
        out.printf(format, "tube", COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4]);
        rows.forEach((name, counts) -> out.printf(format, name, counts[0], counts[1], counts[2], counts[3], counts[4]));
        return OK;
    }
}
