package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** `sockq put`: puts one job, its body from the argument, a file or stdin; prints the id. */
@Command(name = "put", description = {"Put a job and print its id.",
    "The body comes from BODY, --file, or stdin (BODY omitted or -)."})
final class PutCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"}, defaultValue = "default", description = "tube (default: ${DEFAULT-VALUE})")
    String tube;

    @Option(names = "--pri", defaultValue = "1024", description = "priority, lower first (default: ${DEFAULT-VALUE})")
    long pri;

    @Option(names = "--delay", defaultValue = "0", paramLabel = "SECONDS", description = "delay (default: 0)")
    long delay;

    @Option(names = "--ttr", defaultValue = "60", paramLabel = "SECONDS", description = "time to run (default: ${DEFAULT-VALUE})")
    long ttr;

    @Option(names = {"-f", "--file"}, description = "read the body from this file, byte for byte")
    Path file;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BODY", description = "the body as text (UTF-8); - for stdin")
    String body;

    private byte[] data;

    @Override
    void prepare() throws IOException {
        if (file != null && body != null) {
            throw new ParameterException(spec.commandLine(), "give BODY or --file, not both");
        }
        // read before connecting: a slow stdin or a missing file should not hold (or need) a connection
        if (file != null) {
            try {
                data = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e);
            }
        } else if (body != null && !body.equals("-")) {
            data = body.getBytes(StandardCharsets.UTF_8);
        } else {
            data = stdin().readAllBytes();
        }
    }

    @Override
    int run(BeanstalkClient c, PrintWriter out) {
        c.use(tube).await();
        out.println(c.put(pri, delay, ttr, data).await());
        return OK;
    }
}
