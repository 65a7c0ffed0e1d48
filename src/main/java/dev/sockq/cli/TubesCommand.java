package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `sockq tubes`: every tube with its job counts, as an aligned table or JSON. */
@Command(name = "tubes", description = "List tubes with ready, reserved, delayed, buried and waiting counts.")
final class TubesCommand extends ClientCommand {
    private static final String[] COLUMNS = {"ready", "reserved", "delayed", "buried", "waiting"};
    private static final String[] KEYS = {"current-jobs-ready", "current-jobs-reserved", "current-jobs-delayed",
        "current-jobs-buried", "current-waiting"};

    @Option(names = "--json", description = "a JSON array instead of a table")
    boolean json;

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        List<String> names = c.listTubes().await();
        List<Map<String, String>> stats = new ArrayList<>();
        for (String name : names) {
            stats.add(c.statsTube(name).await());
        }
        if (json) {
            JsonArray a = new JsonArray();
            for (int i = 0; i < names.size(); i++) {
                JsonObject o = new JsonObject().put("tube", names.get(i));
                for (int k = 0; k < KEYS.length; k++) {
                    o.put(COLUMNS[k], Long.parseLong(stats.get(i).getOrDefault(KEYS[k], "0")));
                }
                a.add(o);
            }
            out.println(a.encode());
            return OK;
        }
        int width = Math.max(4, names.stream().mapToInt(String::length).max().orElse(0));
        String format = "%-" + width + "s %9s %9s %9s %9s %9s%n";
        out.printf(format, "tube", COLUMNS[0], COLUMNS[1], COLUMNS[2], COLUMNS[3], COLUMNS[4]);
        for (int i = 0; i < names.size(); i++) {
            Object[] row = new Object[KEYS.length + 1];
            row[0] = names.get(i);
            for (int k = 0; k < KEYS.length; k++) {
                row[k + 1] = stats.get(i).getOrDefault(KEYS[k], "0");
            }
            out.printf(format, row);
        }
        return OK;
    }
}
