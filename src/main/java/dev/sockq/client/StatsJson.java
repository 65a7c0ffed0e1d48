package dev.sockq.client;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns beanstalkd stats (flat YAML) into one JSON object with numbers and booleans typed. */
public final class StatsJson {
    /** Values that are names or labels even when they look numeric (a tube called 42, beanstalkd's hex instance id). */
    private static final Set<String> TEXT_KEYS = Set.of("version", "hostname", "os", "platform", "name", "tube", "state");
    // canonical integers only: "007" or 20 digits would not survive a round trip through a JSON number
    private static final Pattern INTEGER = Pattern.compile("0|-?[1-9][0-9]{0,17}");
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+\\.[0-9]+");

    private StatsJson() {
    }

    /** The data chunk of a stats, stats-tube or stats-job reply. */
    public static JsonObject parse(byte[] yaml, boolean serverStats) {
        return of(Yaml.dict(yaml), serverStats);
    }

    public static JsonObject of(Map<String, String> stats, boolean serverStats) {
        JsonObject o = new JsonObject();
        stats.forEach((k, v) -> o.put(k, typed(k, v, serverStats)));
        return o;
    }

    public static Object typed(String key, String value, boolean serverStats) {
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
