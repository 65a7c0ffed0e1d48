package producer;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A Vert.x program in its own JVM that puts jobs into sockq over the clustered event bus
 * (request to sockq.put, reply {id}), then leaves the cluster.
 *
 * <pre>java -cp target/sockq.jar examples/producer/BusProducer.java [TUBE [COUNT]]</pre>
 */
public final class BusProducer {
    public static void main(String[] args) {
        String tube = args.length > 0 ? args[0] : "emails";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
                .setHost(System.getProperty("eventbus.host", "127.0.0.1")));
        Vertx vertx = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager())
                .buildClustered().await();
        try {
            for (int i = 1; i <= count; i++) {
                JsonObject put = new JsonObject().put("tube", tube).put("body", "hello " + i).put("ttr", 30);
                long id = vertx.eventBus().<JsonObject>request("sockq.put", put).await().body().getLong("id");
                System.out.printf("put job %d into %s%n", id, tube);
            }
        } finally {
            vertx.close().await();
        }
    }
}
