package dev.sockq.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/** `sockq health`: asks a daemon's ops port whether it is ready; for health checks in images without curl. */
@Command(name = "health", description = "Exit 0 if the daemon's /ready (or --live: /health) answers 200, else 1 (3: no answer).")
final class HealthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:11380",
            description = "the daemon's --http-port address (default: ${DEFAULT-VALUE})")
    String http;

    @Option(names = "--live", description = "check /health (the process answers) instead of /ready")
    boolean live;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Override
    public Integer call() {
        String path = live ? "/health" : "/ready";
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://" + http + path)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
            spec.commandLine().getOut().println(r.body());
            return r.statusCode() == 200 ? 0 : 1;
        } catch (Exception e) {
            spec.commandLine().getErr().println("sockq: no answer from http://" + http + path + ": " + e);
            return 3;
        }
    }
}
