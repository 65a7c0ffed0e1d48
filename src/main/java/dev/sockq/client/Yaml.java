package dev.sockq.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the flat YAML documents of the stats and list-tubes replies; no general YAML library is needed. */
final class Yaml {
    private Yaml() {
    }

    /** {@code key: value} lines; quotes around a value (beanstalkd quotes e.g. version) are dropped. */
    static Map<String, String> dict(byte[] data) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : lines(data)) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                map.put(line.substring(0, colon), unquote(line.substring(colon + 2).trim()));
            } else if (line.endsWith(":")) {
                map.put(line.substring(0, line.length() - 1), "");
            }
        }
        return map;
    }

    /** {@code - item} lines. */
    static List<String> list(byte[] data) {
        List<String> items = new ArrayList<>();
        for (String line : lines(data)) {
            if (line.startsWith("- ")) {
                items.add(unquote(line.substring(2).trim()));
            }
        }
        return items;
    }

    private static String[] lines(byte[] data) {
        return new String(data, StandardCharsets.UTF_8).split("\r?\n");
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }
}
