package dev.sockq.config;

import dev.sockq.bus.TubeName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tube bound to an event-bus address: the daemon pushes the tube's ready jobs there, at most
 * {@code concurrency} at a time, retrying failures with exponential backoff and burying a job
 * after {@code maxAttempts}.
 *
 * @param timeoutMs how long a consumer may take before the attempt counts as timed out; 0 = the job's TTR
 */
public record PushBinding(String tube, String address, int concurrency, int maxAttempts, long backoffBaseMs,
                          long backoffCapMs, double jitter, long timeoutMs) {
    private static final Set<String> FIELDS = Set.of("tube", "address", "concurrency", "maxAttempts", "backoffBaseMs",
            "backoffCapMs", "jitter", "timeoutMs");

    /** The `push` option: a JSON array (or its text, from SOCKQ_PUSH) of bindings; null = none. */
    static List<PushBinding> listOf(Object value) {
        if (value == null) {
            return List.of();
        }
        JsonArray array;
        try {
            array = value instanceof JsonArray a ? a : new JsonArray(String.valueOf(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("push must be a JSON array of bindings: " + e.getMessage());
        }
        List<PushBinding> bindings = new ArrayList<>();
        Set<String> tubes = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject o)) {
                throw new IllegalArgumentException("push[" + i + "] must be an object");
            }
            PushBinding b = of(o, "push[" + i + "]");
            if (!tubes.add(b.tube())) {
                throw new IllegalArgumentException("push: tube " + b.tube() + " is bound twice");
            }
            bindings.add(b);
        }
        return List.copyOf(bindings);
    }

    private static PushBinding of(JsonObject o, String where) {
        for (String key : o.fieldNames()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException(where + ": unknown key " + key + " (allowed: " + FIELDS + ")");
            }
        }
        String tube = o.getValue("tube") instanceof String s ? s : "";
        if (!TubeName.valid(tube)) {
            throw new IllegalArgumentException(where + ".tube must be a tube name, got " + o.getValue("tube"));
        }
        String address = o.getValue("address") instanceof String s ? s : "";
        if (address.isBlank()) {
            throw new IllegalArgumentException(where + ".address must be a non-empty string");
        }
        PushBinding b = new PushBinding(tube, address,
                (int) number(o, where, "concurrency", 1, 1, 10_000),
                (int) number(o, where, "maxAttempts", 5, 1, Integer.MAX_VALUE),
                number(o, where, "backoffBaseMs", 1000, 0, Long.MAX_VALUE / 4),
                number(o, where, "backoffCapMs", 60_000, 0, Long.MAX_VALUE / 4),
                fraction(o, where),
                number(o, where, "timeoutMs", 0, 0, Long.MAX_VALUE / 4));
        if (b.backoffCapMs < b.backoffBaseMs) {
            throw new IllegalArgumentException(where + ".backoffCapMs must be at least backoffBaseMs");
        }
        return b;
    }

    private static long number(JsonObject o, String where, String key, long absent, long min, long max) {
        Object v = o.getValue(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < min || n.doubleValue() > max) {
            throw new IllegalArgumentException(where + "." + key + " must be a whole number " + min + ".." + max + ", got " + v);
        }
        return n.longValue();
    }

    private static double fraction(JsonObject o, String where) {
        Object v = o.getValue("jitter");
        if (v == null) {
            return 0.2;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
            throw new IllegalArgumentException(where + ".jitter must be a number 0..1, got " + v);
        }
        return n.doubleValue();
    }
}
