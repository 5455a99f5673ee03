package org.anxin.uplink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds the socket factory for an {@code ssl://} broker from {@link UplinkOptions.TlsOptions}. */
final class TlsSockets {

    private TlsSockets() {
    }

    /**
     * A TLS 1.2+ socket factory that trusts the configured CA (or the JVM's) and presents the
     * configured client certificate (if any).
     *
     * @throws IllegalArgumentException naming the file when a store cannot be read; the password is never in the message
     */
    static SSLSocketFactory socketFactory(UplinkOptions.TlsOptions tls) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.trustStore() != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore(tls.trustStore(), tls.trustStorePassword()));
            }
            KeyManagerFactory kmf = null;
            if (tls.keyStore() != null) {
                char[] password = chars(tls.keyStorePassword());
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(tls.keyStore(), password), password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS (" + tls + "): " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path file, String password) throws GeneralSecurityException, IOException {
        if (isStore(file)) {
            return load(file, chars(password));
        }
        // a PEM or DER file of one or more CA certificates, as brokers such as Mosquitto use
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(file)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + file);
            }
        }
        return store;
    }

    private static KeyStore load(Path file, char[] password) throws GeneralSecurityException, IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        KeyStore store = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    private static boolean isStore(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".jks");
    }

    private static char[] chars(String password) {
        return password == null ? new char[0] : password.toCharArray();
    }
}
