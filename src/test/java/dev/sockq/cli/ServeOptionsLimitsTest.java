package dev.sockq.cli;

import dev.sockq.config.SockqConfig;
import dev.sockq.support.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The limit, TLS and threading flags reach the settled configuration under their documented keys. */
class ServeOptionsLimitsTest {
    @Test
    void limitAndTlsFlagsMapToTheirKeys(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        ServeOptions o = new ServeOptions();
        new CommandLine(o).parseArgs("--max-connections", "5", "--max-tubes", "6", "--max-job-bytes", "7000",
                "--slow-client-timeout", "8", "--max-pending-output", "900000",
                "--tls-cert", certs.serverCert.toString(), "--tls-key", certs.serverKey.toString(),
                "--tls-ca", certs.caCert.toString(), "--tls-port", "11301");
        SockqConfig c = SockqConfig.from(o.toJson());
        assertEquals(5, c.maxConnections());
        assertEquals(6, c.maxTubes());
        assertEquals(7000, c.maxJobBytes());
        assertEquals(8, c.slowClientTimeoutSec());
        assertEquals(900_000, c.maxPendingOutput());
        assertEquals(certs.serverCert.toString(), c.tlsCert());
        assertEquals(certs.serverKey.toString(), c.tlsKey());
        assertEquals(certs.caCert.toString(), c.tlsCa());
        assertEquals(11301, c.tlsPort());
    }

    @Test
    void daemonSpinFlagMapsToItsKey() {
        ServeOptions o = new ServeOptions();
        new CommandLine(o).parseArgs("--daemon-spin-us", "120");
        assertEquals(120, SockqConfig.from(o.toJson()).daemonSpinUs());
    }
}
