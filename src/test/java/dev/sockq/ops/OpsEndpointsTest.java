package dev.sockq.ops;

import dev.sockq.support.MetricsScrape;
import dev.sockq.support.RawClient;
import dev.sockq.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** /health, /ready and /metrics over real HTTP, with the metrics parsed and checked to follow traffic. */
class OpsEndpointsTest {
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(new JsonObject().put("httpPort", 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthAndReadiness() throws Exception {
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("UP", new JsonObject(health.body()).getString("status"));
        HttpResponse<String> ready = get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("READY", new JsonObject(ready.body()).getString("status"));
        assertEquals(404, get("/nope").statusCode());
    }

    @Test
    void notReadyFromTheMomentItStops() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            TestServer s = TestServer.start(vertx, new JsonObject().put("httpPort", 0));
            int port = s.httpPort();
            assertEquals(200, get(port, "/ready").statusCode());
            io.vertx.core.Future<Void> stopping = s.stopAsync();
            // until the ops port itself goes (last), it must never say ready again
            while (!stopping.isComplete()) {
                try {
                    assertEquals(503, get(port, "/ready").statusCode());
                } catch (IOException closedOrClosing) {
                    break; // the ops port went away: the last step of stopping
                }
            }
            stopping.await();
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void metricsAreValidPrometheusTextAndFollowTraffic() throws Exception {
        Map<String, Double> before = scrape();
        assertEquals(0.0, before.get("sockq_commands_total{command=\"put\"}"));
        try (RawClient c = server.client()) {
            for (int i = 0; i < 3; i++) {
                c.call("put 0 0 60 1\r\nx\r\n");
            }
            c.call("use other\r\n");
            c.call("put 0 100 60 1\r\ny\r\n");
            c.call("reserve\r\n");
            Map<String, Double> after = scrape();
            assertEquals(4.0, after.get("sockq_commands_total{command=\"put\"}"));
            assertEquals(1.0, after.get("sockq_commands_total{command=\"reserve\"}"));
            assertEquals(2.0, after.get("sockq_jobs{tube=\"default\",state=\"ready\"}"));
            assertEquals(1.0, after.get("sockq_jobs{tube=\"default\",state=\"reserved\"}"));
            assertEquals(1.0, after.get("sockq_jobs{tube=\"other\",state=\"delayed\"}"));
            assertEquals(1.0, after.get("sockq_connections"));
            assertEquals(4.0, after.get("sockq_jobs_created_total"));
        }
    }

    private Map<String, Double> scrape() throws IOException, InterruptedException {
        return MetricsScrape.scrape(server.httpPort());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(server.httpPort(), path);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return MetricsScrape.get(port, path);
    }
}
