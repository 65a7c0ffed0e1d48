package dev.sockq.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Debian's real beanstalkd 1.12 on a free loopback port, for differential tests. */
public final class BeanstalkdProcess implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/beanstalkd");
    private final Process process;
    private final int port;

    private BeanstalkdProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Whether the binary is there (tests skip themselves otherwise; .ci/run installs it). */
    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts it and waits until it accepts connections. */
    public static BeanstalkdProcess start() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder(BINARY.toString(), "-l", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return new BeanstalkdProcess(p, port);
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        p.destroyForcibly();
        throw new IOException("beanstalkd did not start on port " + port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
