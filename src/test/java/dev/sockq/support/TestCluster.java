package dev.sockq.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A copy of sockq's shipped cluster config with a cluster name of its own, so a test's members
 * only ever join each other (not another build's cluster on the same machine).
 */
public final class TestCluster {
    private TestCluster() {
    }

    /** Writes the config into {@code dir} and returns its path. */
    public static Path config(Path dir) throws IOException {
        String shipped;
        try (InputStream in = TestCluster.class.getClassLoader().getResourceAsStream("cluster.xml")) {
            if (in == null) {
                throw new IOException("cluster.xml is not on the test classpath");
            }
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String name = "sockq-test-" + UUID.randomUUID();
        String own = shipped.replace("<cluster-name>sockq</cluster-name>", "<cluster-name>" + name + "</cluster-name>");
        if (own.equals(shipped)) {
            throw new IOException("the shipped cluster.xml has no <cluster-name>sockq</cluster-name> to replace");
        }
        Path file = dir.resolve("cluster.xml");
        Files.writeString(file, own);
        return file;
    }
}
