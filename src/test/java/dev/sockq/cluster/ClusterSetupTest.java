package dev.sockq.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.sockq.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Hazelcast config sockq clusters with: loopback as shipped, replaceable by a file. */
class ClusterSetupTest {
    @TempDir
    Path dir;

    @Test
    void theShippedConfigKeepsTheClusterOnLoopbackWithoutMulticast() {
        // tests run in the project folder: no file named means conf/cluster.xml there
        assertLoopback(ClusterSetup.hazelcastConfig(null));
        // the copy built into the jar, used where there is no conf/cluster.xml
        assertLoopback(Config.loadFromClasspath(getClass().getClassLoader(), ClusterSetup.BUILT_IN));
    }

    private static void assertLoopback(Config c) {
        JoinConfig join = c.getNetworkConfig().getJoin();
        assertFalse(join.getMulticastConfig().isEnabled());
        assertFalse(join.getAutoDetectionConfig().isEnabled());
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1"), join.getTcpIpConfig().getMembers());
        assertTrue(c.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(List.of("127.0.0.1"), List.copyOf(c.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
        assertEquals("sockq", c.getClusterName());
        // Vert.x's own structures keep their settings
        assertEquals(1, c.getMultiMapConfig("__vertx.subs").getBackupCount());
    }

    @Test
    void aNamedFileReplacesIt() throws Exception {
        Path file = dir.resolve("real-hosts.xml");
        Files.writeString(file, """
                <hazelcast xmlns="http://www.hazelcast.com/schema/config">
                  <cluster-name>orders</cluster-name>
                  <network><join><tcp-ip enabled="true"><member>10.0.0.7</member></tcp-ip></join></network>
                </hazelcast>
                """);
        Config c = ClusterSetup.hazelcastConfig(file.toString());
        assertEquals("orders", c.getClusterName());
        assertEquals(List.of("10.0.0.7"), c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    }

    @Test
    void aMissingOrBrokenFileIsAOneLineError() throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ClusterSetup.hazelcastConfig(dir.resolve("nope.xml").toString()));
        assertEquals("cannot read cluster config file " + dir.resolve("nope.xml"), missing.getMessage());
        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, "<hazelcast><network>");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ClusterSetup.hazelcastConfig(broken.toString()));
        assertTrue(bad.getMessage().startsWith("bad cluster config " + broken + ": "), bad.getMessage());
        assertFalse(bad.getMessage().contains("\n"), bad.getMessage());
    }

    @Test
    void theServerRefusesToStartOnAMissingClusterConfigWithUsageExitCode() {
        assertEquals(2, Main.run("--cluster", "--cluster-config", dir.resolve("nope.xml").toString(), "-p", "0",
                "--in-memory", "--http-port", "-1"));
        assertEquals(2, Main.run("--cluster-port", "70000", "-p", "0", "--in-memory", "--http-port", "-1"));
        assertEquals(2, Main.run("--bridge-port", "-2", "-p", "0", "--in-memory", "--http-port", "-1"));
    }
}
