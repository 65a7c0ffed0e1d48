package dev.sockq.net;

import dev.sockq.support.RawClient;
import dev.sockq.support.TestCertificates;
import dev.sockq.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TLS on the TCP port with real TLS clients (the JDK's, and openssl s_client): plain and TLS side by side, mTLS. */
@ExtendWith(VertxExtension.class)
class TlsTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    private static JsonObject tls() {
        return new JsonObject().put("tlsCert", certs.serverCert.toString()).put("tlsKey", certs.serverKey.toString());
    }

    /** A JDK TLS client that trusts the test CA and checks the server's name (127.0.0.1), with or without a client certificate. */
    private static RawClient tlsClient(Vertx vertx, int port, boolean withClientCert) throws Exception {
        KeyManager[] keys = withClientCert
                ? new PemKeyCertOptions().setCertPath(certs.clientCert.toString()).setKeyPath(certs.clientKey.toString())
                        .getKeyManagerFactory(vertx).getKeyManagers()
                : null;
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, new PemTrustOptions().addCertPath(certs.caCert.toString()).getTrustManagerFactory(vertx)
                .getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = socket.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(p);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return new RawClient(socket);
    }

    @Test
    void plainAndTlsSideBySide(Vertx vertx) throws Exception {
        try (TestServer server = TestServer.start(vertx, tls().put("tlsPort", 0));
             RawClient plain = server.client();
             RawClient secure = tlsClient(vertx, server.tlsPort(), false)) {
            assertTrue(server.tlsPort() > 0 && server.tlsPort() != server.port());
            assertTrue(((SSLSocket) secure.socket()).getSession().getProtocol().matches("TLSv1\\.[23]"));
            assertEquals("INSERTED 1\r\n", secure.call("put 0 0 60 5\r\nhello\r\n"));
            assertEquals("RESERVED 1 5\r\nhello\r\n", plain.call("reserve-with-timeout 5\r\n"));
            assertEquals("INSERTED 2\r\n", plain.call("put 0 0 60 3\r\nbye\r\n"));
            assertEquals("RESERVED 2 3\r\nbye\r\n", secure.call("reserve-with-timeout 5\r\n"));
        }
    }

    @Test
    void opensslClientPutsAJob(Vertx vertx) throws Exception {
        assumeTrue(new File("/usr/bin/openssl").canExecute(), "openssl is not installed (.ci/run installs it)");
        try (TestServer server = TestServer.start(vertx, tls().put("tlsPort", 0));
             RawClient plain = server.client()) {
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + server.tlsPort(),
                    "-quiet", "-nocommands", "-crlf", "-CAfile", certs.caCert.toString(), "-verify_return_error",
                    "-verify_ip", "127.0.0.1").redirectErrorStream(false).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write("put 0 0 60 5\nhello\nquit\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "s_client did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals("INSERTED 1\r\n", out, err);
            assertEquals("RESERVED 1 5\r\nhello\r\n", plain.call("reserve-with-timeout 5\r\n"));
        }
    }

    @Test
    void plaintextOnTheTlsPortIsClosedAndOthersGoOn(Vertx vertx) throws Exception {
        try (TestServer server = TestServer.start(vertx, tls().put("tlsPort", 0))) {
            try (Socket raw = new Socket("127.0.0.1", server.tlsPort())) {
                raw.setSoTimeout(10_000);
                raw.getOutputStream().write("put 0 0 60 5\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
                String got = readToEof(raw.getInputStream());
                assertFalse(got.contains("INSERTED"), got);
            }
            try (RawClient secure = tlsClient(vertx, server.tlsPort(), false); RawClient plain = server.client()) {
                assertEquals("INSERTED 1\r\n", secure.call("put 0 0 60 2\r\nok\r\n"));
                assertTrue(plain.call("stats\r\n").contains("\ncurrent-jobs-ready: 1\n"));
            }
        }
    }

    @Test
    void certificateAloneMakesTheMainPortTls(Vertx vertx) throws Exception {
        try (TestServer server = TestServer.start(vertx, tls())) {
            assertEquals(server.port(), server.tlsPort());
            try (Socket raw = new Socket("127.0.0.1", server.port())) {
                raw.setSoTimeout(10_000);
                raw.getOutputStream().write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
                assertFalse(readToEof(raw.getInputStream()).contains("OK "));
            }
            try (RawClient secure = tlsClient(vertx, server.port(), false)) {
                assertEquals("INSERTED 1\r\n", secure.call("put 0 0 60 2\r\nok\r\n"));
            }
        }
    }

    @Test
    void mutualTlsNeedsAClientCertificate(Vertx vertx) throws Exception {
        try (TestServer server = TestServer.start(vertx, tls().put("tlsCa", certs.caCert.toString()))) {
            // TLS 1.3 reports a refused client certificate after the client's side of the handshake,
            // so the failure may come at the handshake or at the first read; never as a reply
            String failed;
            try (RawClient anonymous = tlsClient(vertx, server.port(), false)) {
                anonymous.send("put 0 0 60 2\r\nno\r\n");
                failed = readToEof(anonymous.socket().getInputStream());
            } catch (SSLException | java.net.SocketException expected) {
                failed = "";
            }
            assertFalse(failed.contains("INSERTED"), failed);
            try (RawClient known = tlsClient(vertx, server.port(), true)) {
                assertEquals("INSERTED 1\r\n", known.call("put 0 0 60 3\r\nyes\r\n"));
                assertEquals("RESERVED 1 3\r\nyes\r\n", known.call("reserve-with-timeout 0\r\n"));
            }
        }
    }

    @Test
    void badTlsOptionsAreRefusedAtStart() {
        for (JsonObject bad : List.of(
                new JsonObject().put("tlsCert", certs.serverCert.toString()),
                new JsonObject().put("tlsPort", 0),
                tls().put("tlsCa", dir.resolve("missing.pem").toString()),
                tls().put("host", "unix:/tmp/x.sock"))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> dev.sockq.config.SockqConfig.from(bad));
            assertTrue(e.getMessage().contains("tls") || e.getMessage().contains("TLS"), e.getMessage());
        }
    }

    /** Everything the server sends until it closes (an SSL error or reset also counts as closed). */
    private static String readToEof(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                b.write(buf, 0, n);
            }
        } catch (SSLException | java.net.SocketException closed) {
            // a TLS alert or a reset: closed all the same
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
