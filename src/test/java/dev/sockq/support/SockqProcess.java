package dev.sockq.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `java -jar target/sockq.jar ARGS` as a child process, with its log lines followed as they come. */
public final class SockqProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines;
    private final List<String> seen = new ArrayList<>();

    private SockqProcess(Process process) {
        this.process = process;
        this.lines = follow(process);
    }

    /** The process's stderr (where sockq logs) line by line, as they come. */
    public static BlockingQueue<String> follow(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** Starts the jar in {@code dir} with no SOCKQ_* variables but {@code env}. */
    public static SockqProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "sockq.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SOCKQ_"));
        pb.environment().putAll(env);
        return new SockqProcess(pb.start());
    }

    /** Waits for the first log line matching {@code pattern}; fails if the process exits or time runs out. */
    public Matcher await(Pattern pattern, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            } else if (!process.isAlive()) {
                throw new AssertionError("sockq exited with " + process.exitValue() + " before logging /" + pattern
                        + "/: " + seen);
            }
        }
        throw new AssertionError("sockq did not log /" + pattern + "/ within " + timeout + " " + unit + ": " + seen);
    }

    public Process process() {
        return process;
    }

    /** kill -9. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
