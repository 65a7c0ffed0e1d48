package dev.sockq;

import dev.sockq.config.SockqConfig;
import dev.sockq.daemon.Clock;
import dev.sockq.daemon.DaemonVerticle;
import dev.sockq.net.TcpOptions;
import dev.sockq.net.TcpServerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Wires one sockq server into a Vert.x instance: the daemon worker, then the socket verticles. */
public final class SockqServer {
    private static final Logger log = LoggerFactory.getLogger(SockqServer.class);

    private final Vertx vertx;
    private final SockqConfig config;
    private final List<String> deployments = new ArrayList<>();
    private int tcpPort = -1;

    public SockqServer(Vertx vertx, SockqConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    public Future<SockqServer> start() {
        if (!config.inMemory()) {
            log.info("journal not implemented yet: jobs live in memory (--data-dir {} ignored)", config.dataDir());
        }
        DeploymentOptions worker = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
        return vertx.deployVerticle(new DaemonVerticle(config.maxJobSize(), Clock.SYSTEM), worker)
                .compose(id -> {
                    deployments.add(id);
                    // Bind the first instance, then put the others on the port it got (port 0 case).
                    TcpServerVerticle first = new TcpServerVerticle(tcpOptions(config.port()));
                    return vertx.deployVerticle(first).map(id2 -> {
                        deployments.add(id2);
                        tcpPort = first.actualPort();
                        return tcpPort;
                    });
                })
                .compose(port -> {
                    if (config.tcpInstances() == 1) {
                        return Future.succeededFuture();
                    }
                    TcpOptions same = tcpOptions(port);
                    return vertx.deployVerticle(() -> new TcpServerVerticle(same),
                            new DeploymentOptions().setInstances(config.tcpInstances() - 1)).map(deployments::add);
                })
                .map(v -> {
                    log.info("sockq listening tcp={}:{} udp=disabled", config.host(), tcpPort);
                    return this;
                });
    }

    private TcpOptions tcpOptions(int port) {
        return new TcpOptions(config.host(), port, config.maxJobSize(), TcpOptions.DEFAULT_MAX_IN_FLIGHT);
    }

    /** The TCP port actually bound (useful with port 0). */
    public int tcpPort() {
        return tcpPort;
    }

    public Future<Void> stop() {
        List<Future<Void>> undeploys = new ArrayList<>();
        for (int i = deployments.size() - 1; i >= 0; i--) {
            undeploys.add(vertx.undeploy(deployments.get(i)));
        }
        deployments.clear();
        return Future.all(undeploys).mapEmpty();
    }
}
