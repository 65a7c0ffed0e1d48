package dev.sockq.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Facts about this sockq process that `stats` reports (pid, version, host, CPU time). */
public record ServerInfo(long pid, String version, String hostname, String os, String platform, String instanceId) {

    public static final String VERSION = "0.1.0";

    public static ServerInfo current() {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        String arch = System.getProperty("os.arch", "unknown");
        return new ServerInfo(ProcessHandle.current().pid(), VERSION, localHostname(),
                System.getProperty("os.version", "unknown"),
                "amd64".equals(arch) ? "x86_64" : arch,
                HexFormat.of().formatHex(id));
    }

    /** User and system CPU seconds of this process, as "s.micros" strings (beanstalkd's rusage-*). */
    public String[] rusage() {
        // /proc/self/stat fields 14 and 15 are utime and stime in clock ticks (USER_HZ = 100 on Linux)
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new String[] {ticks(Long.parseLong(f[11])), ticks(Long.parseLong(f[12]))};
        } catch (IOException | RuntimeException e) {
            return new String[] {"0.000000", "0.000000"};
        }
    }

    private static String ticks(long t) {
        return (t / 100) + "." + String.format("%06d", (t % 100) * 10_000);
    }

    private static String localHostname() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException | RuntimeException e) {
                h = "localhost";
            }
        }
        return h.isBlank() ? "localhost" : h;
    }
}
