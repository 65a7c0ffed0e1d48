package worker;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A Vert.x service in its own JVM that works off a tube sockq pushes to it: it joins sockq's
 * cluster, consumes the push address, and answers each job (a reply deletes the job; a failure
 * makes sockq retry it later with backoff, then bury it).
 *
 * <pre>java -cp target/sockq.jar examples/worker/PushWorker.java [ADDRESS]</pre>
 *
 * Only Vert.x and vertx-hazelcast are needed (sockq.jar carries both, and conf/cluster.xml as the
 * classpath's cluster.xml, which HazelcastClusterManager reads by default; point elsewhere with
 * -Dvertx.hazelcast.config=FILE).
 */
public final class PushWorker {
    public static void main(String[] args) {
        String address = args.length > 0 ? args[0] : "workers.emails";
        VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions()
                .setHost(System.getProperty("eventbus.host", "127.0.0.1"))); // this host, as other nodes reach it
        Vertx vertx = Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager())
                .buildClustered().await();
        vertx.eventBus().<JsonObject>consumer(address, m -> {
            JsonObject job = m.body(); // {id, tube, body, encoding, attempt}
            if (job.getString("body").contains("fail")) {
                System.out.printf("job %d attempt %d: failing it on purpose%n", job.getLong("id"), job.getInteger("attempt"));
                m.fail(500, "asked to fail");
                return;
            }
            System.out.printf("job %d from tube %s: %s%n", job.getLong("id"), job.getString("tube"), job.getString("body"));
            m.reply(new JsonObject()); // done: sockq deletes the job
        }).completion().await();
        System.out.println("consuming " + address + " (Ctrl-C to stop)");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    }
}
