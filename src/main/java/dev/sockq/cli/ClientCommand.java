package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.BeanstalkException;
import dev.sockq.client.ClientOptions;
import io.vertx.core.Vertx;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Base of the client subcommands (put, reserve, delete, kick, peek, stats, tubes): one
 * connection to {@code --server}, and exit codes scripts can rely on.
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int OK = 0;
    /** NOT_FOUND, TIMED_OUT, DEADLINE_SOON: the answer was "no", not a failure. */
    static final int NO = 1;
    static final int CANNOT_CONNECT = 3;
    private static final Set<String> NO_WORDS = Set.of("NOT_FOUND", "TIMED_OUT", "DEADLINE_SOON");

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "${env:SOCKQ_SERVER:-127.0.0.1:11300}",
            description = "server to talk to (default: $SOCKQ_SERVER or 127.0.0.1:11300)")
    String server;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** Does the work; returns the exit code. Failed Futures are mapped by {@link #call()}. */
    abstract int run(BeanstalkClient client, PrintWriter out) throws Exception;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int colon = server.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(server.substring(colon + 1));
        } catch (RuntimeException e) {
            err.println("sockq: --server must be HOST:PORT, got '" + server + "'");
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        try {
            BeanstalkClient client;
            try {
                client = BeanstalkClient.connect(vertx, ClientOptions.of(server.substring(0, Math.max(0, colon)), port)).await();
            } catch (Exception e) {
                err.println("sockq: cannot connect to " + server + ": " + e.getMessage());
                return CANNOT_CONNECT;
            }
            try {
                return run(client, out);
            } catch (BeanstalkException e) {
                err.println(e.reply());
                return NO_WORDS.contains(e.reply()) ? NO : 1;
            } finally {
                out.flush();
                client.close();
            }
        } catch (Exception e) {
            err.println("sockq: " + e.getMessage());
            return 1;
        } finally {
            vertx.close().await();
        }
    }
}
