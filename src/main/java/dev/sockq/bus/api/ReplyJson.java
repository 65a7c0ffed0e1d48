package dev.sockq.bus.api;

import dev.sockq.bus.Op;
import dev.sockq.client.StatsJson;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the daemon's beanstalkd reply to one command into the event-bus reply: a JSON object,
 * or an {@link ApiFailure} carrying the error word.
 */
final class ReplyJson {
    private ReplyJson() {
    }

    static JsonObject of(Op op, byte[] reply) {
        int eol = indexOfCrlf(reply);
        String[] words = new String(reply, 0, eol, StandardCharsets.US_ASCII).split(" ");
        byte[] data = Arrays.copyOfRange(reply, Math.min(reply.length, eol + 2), Math.max(eol + 2, reply.length - 2));
        return switch (words[0]) {
            case "INSERTED" -> new JsonObject().put("id", Long.parseLong(words[1]));
            case "DELETED", "RELEASED", "BURIED", "TOUCHED" -> new JsonObject();
            case "KICKED" -> words.length > 1 ? new JsonObject().put("kicked", Long.parseLong(words[1])) : new JsonObject();
            case "FOUND" -> Bodies.put(new JsonObject().put("id", Long.parseLong(words[1])), data);
            case "OK" -> StatsJson.parse(data, op == Op.STATS);
            default -> throw new ApiFailure(words[0], op + " answered " + words[0]);
        };
    }

    private static int indexOfCrlf(byte[] b) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("no reply line in " + b.length + " bytes");
    }
}
