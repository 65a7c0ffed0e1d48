package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import dev.sockq.client.BeanstalkException;
import dev.sockq.client.ClientOptions;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;

/** Base of the client subcommands: the {@code --server} option, one connection per run, and the exit codes. */
@Command(footer = {"", "Exit codes: 0 ok, 1 not found / timed out / deadline soon (or another server error),"
    + " 2 usage, 3 cannot connect."})
abstract class ClientCommand implements Callable<Integer> {
    static final int OK = 0;
    /** NOT_FOUND, TIMED_OUT, DEADLINE_SOON: the answer was "no". Other failures are 1 as well (picocli's code). */
    static final int NO = 1;
    static final int CANNOT_CONNECT = 3;
    private static final Set<String> NO_WORDS = Set.of("NOT_FOUND", "TIMED_OUT", "DEADLINE_SOON");

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "HOST:PORT", defaultValue = "${env:SOCKQ_SERVER:-127.0.0.1:11300}",
            description = "server to talk to (default: $SOCKQ_SERVER, else 127.0.0.1:11300)")
    String server;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    /** Where job bodies go byte for byte (null: System.out); a PrintWriter would re-encode them, so tests set this. */
    OutputStream rawOut;

    /** Where put reads a body from stdin (null: System.in); tests set this. */
    InputStream in;

    /** Validates and reads local input before connecting; a {@link ParameterException} here means exit 2. */
    void prepare() throws IOException {
    }

    /** Does the work; returns the exit code. Failed Futures are mapped by {@link #call()}. */
    abstract int run(BeanstalkClient client, PrintWriter out) throws Exception;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // both outside the try below: usage errors must reach picocli (exit 2), and a missing file needs no server
        ClientOptions target = parseServer();
        prepare();
        Vertx vertx = Vertx.vertx();
        try {
            BeanstalkClient client;
            try {
                client = BeanstalkClient.connect(vertx, target).await();
            } catch (Exception e) {
                err.println("sockq: cannot connect to " + server + ": " + e.getMessage());
                return CANNOT_CONNECT;
            }
            try {
                return run(client, out);
            } catch (BeanstalkException e) {
                // the bare reply word, so scripts can match it
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

    /** Writes a job body as the raw bytes it is (bodies need not be text). */
    void writeBody(byte[] body) throws IOException {
        // text already printed through the writer goes first
        spec.commandLine().getOut().flush();
        OutputStream o = rawOut != null ? rawOut : System.out;
        o.write(body);
        o.flush();
    }

    InputStream stdin() {
        return in != null ? in : System.in;
    }

    /** HOST:PORT, HOST (port 11300), :PORT (127.0.0.1) or [IPv6]:PORT. */
    private ClientOptions parseServer() {
        String s = server.trim();
        String host = s;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || (close + 1 < s.length() && s.charAt(close + 1) != ':')) {
                throw badServer();
            }
            host = s.substring(1, close);
            port = close + 1 < s.length() ? s.substring(close + 2) : null;
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
            // exactly one colon; more than one without brackets is a bare IPv6 address
            host = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            host = "127.0.0.1";
        }
        try {
            int p = port == null ? ClientOptions.DEFAULT_PORT : Integer.parseInt(port);
            return ClientOptions.of(host, p);
        } catch (IllegalArgumentException e) {
            throw badServer();
        }
    }

    private ParameterException badServer() {
        return new ParameterException(spec.commandLine(), "--server must be HOST:PORT, got '" + server + "'");
    }

    /** True if the user gave this option (so a default can be told apart from an explicit value). */
    boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }
}
