package dev.sockq.cli;

import dev.sockq.client.BeanstalkClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** `sockq put`: puts one job, its body from the argument, a file or stdin; prints the id. */
@Command(name = "put", description = "Put a job; the body comes from BODY, --file, or stdin (BODY omitted or -).")
final class PutCommand extends ClientCommand {
    @Option(names = {"-t", "--tube"}, defaultValue = "default", description = "tube (default: ${DEFAULT-VALUE})")
    String tube;

    @Option(names = "--pri", defaultValue = "1024", description = "priority, lower first (default: ${DEFAULT-VALUE})")
    long pri;

    @Option(names = "--delay", defaultValue = "0", paramLabel = "SECONDS", description = "delay (default: 0)")
    long delay;

    @Option(names = "--ttr", defaultValue = "60", paramLabel = "SECONDS", description = "time to run (default: ${DEFAULT-VALUE})")
    long ttr;

    @Option(names = {"-f", "--file"}, description = "read the body from this file")
    Path file;

    @Parameters(index = "0", arity = "0..1", paramLabel = "BODY", description = "the body as text")
    String body;

    @Override
    int run(BeanstalkClient c, PrintWriter out) throws Exception {
        byte[] data = file != null ? Files.readAllBytes(file)
                : body != null && !body.equals("-") ? body.getBytes(StandardCharsets.UTF_8)
                : System.in.readAllBytes();
        c.use(tube).await();
        out.println(c.put(pri, delay, ttr, data).await());
        return OK;
    }
}
