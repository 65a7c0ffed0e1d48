package dev.sockq.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushBindingTest {
    private static SockqConfig withPush(Object push) {
        return SockqConfig.from(new JsonObject().put("push", push));
    }

    @Test
    void defaultsAndTheEnvironmentsJsonText() {
        assertEquals(List.of(), SockqConfig.defaults().push());
        assertTrue(SockqConfig.defaults().busApi());
        PushBinding b = withPush("[{\"tube\":\"emails\",\"address\":\"workers.emails\"}]").push().get(0);
        assertEquals(new PushBinding("emails", "workers.emails", 1, 5, 1000, 60_000, 0.2, 0), b);
        PushBinding full = withPush(new JsonArray().add(new JsonObject().put("tube", "t").put("address", "a")
                .put("concurrency", 4).put("maxAttempts", 2).put("backoffBaseMs", 10).put("backoffCapMs", 20)
                .put("jitter", 0).put("timeoutMs", 500))).push().get(0);
        assertEquals(new PushBinding("t", "a", 4, 2, 10, 20, 0.0, 500), full);
    }

    @Test
    void badBindingsAreRefusedWithTheirReason() {
        JsonObject ok = new JsonObject().put("tube", "t").put("address", "a");
        List<Object> bad = List.of("not json", new JsonObject(), new JsonArray().add("x"),
                new JsonArray().add(ok.copy().put("tube", "-bad")),
                new JsonArray().add(new JsonObject().put("tube", "t")),
                new JsonArray().add(ok.copy().put("concurrency", 0)),
                new JsonArray().add(ok.copy().put("maxAttempts", 1.5)),
                new JsonArray().add(ok.copy().put("jitter", 2)),
                new JsonArray().add(ok.copy().put("backoffBaseMs", 100).put("backoffCapMs", 10)),
                new JsonArray().add(ok.copy().put("timeoutMs", "5")),
                new JsonArray().add(ok.copy().put("tubes", "x")),
                new JsonArray().add(ok).add(ok.copy().put("address", "b")));
        for (Object push : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withPush(push), String.valueOf(push));
            assertTrue(e.getMessage().startsWith("push"), e.getMessage());
        }
    }
}
