package dev.sockq.bus.api;

import dev.sockq.bus.TubeName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads and checks the fields of one JSON request; any violation is a BAD_FORMAT {@link ApiFailure}. */
final class Fields {
    static final long U32_MAX = 0xFFFF_FFFFL;
    private final JsonObject json;

    private Fields(JsonObject json) {
        this.json = json;
    }

    /** The request body as fields; null counts as {}; anything but a JSON object is BAD_FORMAT. */
    static Fields of(Object body, Set<String> allowed) {
        if (body == null) {
            return new Fields(new JsonObject());
        }
        if (!(body instanceof JsonObject json)) {
            throw ApiFailure.badFormat("the request must be a JSON object, got " + body.getClass().getSimpleName());
        }
        for (String key : json.fieldNames()) {
            if (!allowed.contains(key)) {
                throw ApiFailure.badFormat("unknown field '" + key + "' (allowed: " + allowed + ")");
            }
        }
        return new Fields(json);
    }

    boolean has(String key) {
        return json.getValue(key) != null;
    }

    /** An integer in 0..max, or {@code absent} when missing (or null). */
    long integer(String key, long max, long absent) {
        Object v = json.getValue(key);
        if (v == null) {
            return absent;
        }
        long n = exactLong(key, v);
        if (n < 0 || n > max) {
            throw ApiFailure.badFormat(key + " must be 0.." + max + ", got " + n);
        }
        return n;
    }

    long requiredInteger(String key, long max) {
        if (!has(key)) {
            throw ApiFailure.badFormat(key + " is required");
        }
        return integer(key, max, 0);
    }

    /** A job id: an integer 1..2^63-1 (0 is accepted and simply not found, as in beanstalkd). */
    long id() {
        return requiredInteger("id", Long.MAX_VALUE);
    }

    String string(String key, String absent) {
        Object v = json.getValue(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof String s)) {
            throw ApiFailure.badFormat(key + " must be a string");
        }
        return s;
    }

    String tube(String key) {
        String name = string(key, null);
        if (name == null) {
            throw ApiFailure.badFormat(key + " is required");
        }
        return checkTube(key, name);
    }

    /** A non-empty array of tube names, duplicates dropped. */
    List<String> tubes(String key) {
        Object v = json.getValue(key);
        if (!(v instanceof JsonArray array) || array.isEmpty()) {
            throw ApiFailure.badFormat(key + " must be a non-empty array of tube names");
        }
        List<String> names = new ArrayList<>(array.size());
        for (Object item : array) {
            if (!(item instanceof String name)) {
                throw ApiFailure.badFormat(key + " must hold strings");
            }
            if (!names.contains(checkTube(key, name))) {
                names.add(name);
            }
        }
        return names;
    }

    /** The body's bytes per {@code encoding}; JOB_TOO_BIG above {@code maxJobSize}. */
    byte[] body(long maxJobSize) {
        String body = string("body", null);
        if (body == null) {
            throw ApiFailure.badFormat("body is required");
        }
        String encoding = string("encoding", Bodies.UTF8);
        if (!encoding.equals(Bodies.UTF8) && !encoding.equals(Bodies.BASE64)) {
            throw ApiFailure.badFormat("encoding must be \"utf8\" or \"base64\", got \"" + encoding + "\"");
        }
        byte[] bytes = Bodies.decode(body, encoding);
        if (bytes.length > maxJobSize) {
            throw new ApiFailure("JOB_TOO_BIG", "body of " + bytes.length + " bytes > maxJobSize " + maxJobSize);
        }
        return bytes;
    }

    private static String checkTube(String key, String name) {
        if (!TubeName.valid(name)) {
            throw ApiFailure.badFormat(key + ": '" + name + "' is not a tube name (1-" + TubeName.MAX_LENGTH
                    + " of A-Z a-z 0-9 - + / ; . $ _ ( ), not starting with -)");
        }
        return name;
    }

    private static long exactLong(String key, Object v) {
        try {
            if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                return ((Number) v).longValue();
            }
            if (v instanceof BigInteger b) {
                return b.longValueExact();
            }
            if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
                return new BigDecimal(v.toString()).longValueExact(); // 5.0 is 5; 5.5 is not an integer
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw ApiFailure.badFormat(key + " must be a whole number in range, got " + v);
        }
        throw ApiFailure.badFormat(key + " must be a number, got " + (v instanceof String ? "a string" : v));
    }
}
