package dev.sockq.support;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway PKI for TLS tests, written as PEM files into a folder: a CA, a server certificate
 * for 127.0.0.1/localhost and a client certificate, both signed by the CA (EC P-256, valid a day).
 */
public final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;

    private TestCertificates(Path dir) {
        caCert = dir.resolve("ca.pem");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server-key.pem");
        clientCert = dir.resolve("client.pem");
        clientKey = dir.resolve("client-key.pem");
    }

    public static TestCertificates create(Path dir) throws IOException, GeneralSecurityException {
        try {
            TestCertificates t = new TestCertificates(dir);
            KeyPair ca = keyPair();
            X500Name caName = new X500Name("CN=sockq test CA");
            X509Certificate caCert = sign(caName, ca, caName, ca, true, null, null);
            writeCert(t.caCert, caCert);

            KeyPair server = keyPair();
            GeneralNames san = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")});
            writeCert(t.serverCert, sign(new X500Name("CN=localhost"), server, caName, ca, false,
                    KeyPurposeId.id_kp_serverAuth, san));
            writeKey(t.serverKey, server);

            KeyPair client = keyPair();
            writeCert(t.clientCert, sign(new X500Name("CN=sockq test client"), client, caName, ca, false,
                    KeyPurposeId.id_kp_clientAuth, null));
            writeKey(t.clientKey, client);
            return t;
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        boolean isCa, KeyPurposeId purpose, GeneralNames san)
            throws IOException, GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
                subjectKeys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
                ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        if (purpose != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (san != null) {
            b.addExtension(Extension.subjectAlternativeName, false, san);
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static void writeCert(Path file, X509Certificate cert) throws IOException, GeneralSecurityException {
        Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()));
    }

    /** PKCS#8, which both Vert.x's PemKeyCertOptions and openssl read. */
    private static void writeKey(Path file, KeyPair keys) throws IOException {
        Files.writeString(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
