package dev.sockq.bus.api;

import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Job bodies in JSON: {@code encoding} "utf8" (the body string's UTF-8 bytes) or "base64".
 * Outgoing bodies are utf8 when the bytes are valid UTF-8, else base64.
 */
public final class Bodies {
    public static final String UTF8 = "utf8";
    public static final String BASE64 = "base64";

    private Bodies() {
    }

    /** The bytes of a request's {@code body} string in the given encoding; BAD_FORMAT if it does not decode. */
    static byte[] decode(String body, String encoding) {
        if (encoding.equals(UTF8)) {
            return body.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw ApiFailure.badFormat("body is not valid base64: " + e.getMessage());
        }
    }

    /** Puts {@code body} and {@code encoding} into {@code json}. */
    public static JsonObject put(JsonObject json, byte[] body) {
        String text = utf8(body);
        return text != null
                ? json.put("body", text).put("encoding", UTF8)
                : json.put("body", Base64.getEncoder().encodeToString(body)).put("encoding", BASE64);
    }

    /** The text, if the bytes are well-formed UTF-8; null otherwise. */
    private static String utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
