package dev.sockq.net;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.Set;

/**
 * TLS of a TCP listener: the server's PEM certificate chain and key, and optionally the PEM CA
 * certificates that client certificates must chain to (mutual TLS).
 *
 * @param caPath null: no client certificate asked for
 */
public record TlsOptions(String certPath, String keyPath, String caPath) {
    /** TLS 1.2 and 1.3 only; cipher suites stay the JDK's defaults, which it keeps safe. */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    void applyTo(NetServerOptions options) {
        options.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath))
                .setEnabledSecureTransportProtocols(PROTOCOLS);
        if (caPath != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(caPath)).setClientAuth(ClientAuth.REQUIRED);
        }
    }
}
