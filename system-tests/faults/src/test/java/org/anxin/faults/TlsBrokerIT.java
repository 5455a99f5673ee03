package org.anxin.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.store.sqlite.SqliteOutbox;
import org.anxin.uplink.Uplink;
import org.anxin.uplink.UplinkOptions;
import org.anxin.uplink.UplinkOptions.TlsOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uplink over TLS to a Mosquitto configured for it: one listener that requires a client
 * certificate signed by the test CA, one that takes a user name and password. Certificates are made
 * with openssl for the run.
 */
class TlsBrokerIT {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    @TempDir
    static Path dir;
    private static MosquittoProcess certBroker;
    private static MosquittoProcess passwordBroker;

    @BeforeAll
    static void makeCertificatesAndStartBrokers() throws Exception {
        Path pki = Files.createDirectories(dir.resolve("pki"));
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(pki, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "2", "-subj", "/CN=anxin-test-ca");
        for (String name : List.of("server", "gw-tls", "other-ca")) {
            run(pki, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + (name.equals("server") ? "localhost" : name));
        }
        run(pki, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "san.ext");
        run(pki, "openssl", "x509", "-req", "-in", "gw-tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "gw-tls.crt", "-days", "2");
        run(pki, "openssl", "pkcs12", "-export", "-in", "gw-tls.crt", "-inkey", "gw-tls.key", "-out", "gw-tls.p12",
                "-passout", "pass:changeit");
        // a CA the brokers do not know, for the refusals
        run(pki, "openssl", "x509", "-req", "-in", "other-ca.csr", "-signkey", "other-ca.key", "-out", "other-ca.crt",
                "-days", "2");
        run(pki, "mosquitto_passwd", "-b", "-c", "passwords", "gw-pass", "s3cret-pass");

        String tls = "cafile " + pki.resolve("ca.crt") + "\ncertfile " + pki.resolve("server.crt") + "\nkeyfile "
                + pki.resolve("server.key") + "\n";
        certBroker = new MosquittoProcess(dir.resolve("cert-broker"),
                tls + "require_certificate true\nuse_identity_as_username true\nallow_anonymous false\n").start();
        passwordBroker = new MosquittoProcess(dir.resolve("password-broker"),
                tls + "password_file " + pki.resolve("passwords") + "\nallow_anonymous false\n").start();
    }

    @AfterAll
    static void stopBrokers() throws Exception {
        certBroker.close();
        passwordBroker.close();
    }

    private static void run(Path cwd, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(cwd.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + Files.readString(cwd.resolve("openssl.log"))).isZero();
    }

    private static String ssl(MosquittoProcess broker) {
        return "ssl://127.0.0.1:" + broker.port();
    }

    private static Path pki(String file) {
        return dir.resolve("pki").resolve(file);
    }

    /** Sends one alert through the uplink; returns how many messages the broker acknowledged within the wait. */
    private static long deliver(UplinkOptions options, String store, Duration wait) throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve(store), Clock.systemUTC());
             Uplink uplink = new Uplink(options, outbox, Clock.systemUTC(), "test")) {
            outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "smoke"));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && outbox.size() > 0) {
                Thread.sleep(50);
            }
            return uplink.published();
        }
    }

    @Test
    void aGatewayWithAClientCertificateDeliversOverTls() throws Exception {
        UplinkOptions options = UplinkOptions.of("gw-tls", ssl(certBroker))
                .withTls(new TlsOptions(pki("ca.crt"), "", pki("gw-tls.p12"), "changeit"));
        assertThat(deliver(options, "cert.db", Duration.ofSeconds(20))).isEqualTo(1);
    }

    @Test
    void withoutAClientCertificateTheCertificateBrokerRefusesTheGateway() throws Exception {
        UplinkOptions options = UplinkOptions.of("gw-tls", ssl(certBroker))
                .withTls(new TlsOptions(pki("ca.crt"), "", null, ""));
        assertThat(deliver(options, "nocert.db", Duration.ofSeconds(3))).isZero();
    }

    @Test
    void aGatewayWithItsUserNameAndPasswordDeliversOverTls() throws Exception {
        UplinkOptions options = UplinkOptions.of("gw-pass", ssl(passwordBroker))
                .withTls(new TlsOptions(pki("ca.crt"), "", null, "")).withCredentials("gw-pass", "s3cret-pass");
        assertThat(deliver(options, "password.db", Duration.ofSeconds(20))).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        UplinkOptions options = UplinkOptions.of("gw-pass", ssl(passwordBroker))
                .withTls(new TlsOptions(pki("ca.crt"), "", null, "")).withCredentials("gw-pass", "wrong");
        assertThat(deliver(options, "wrong.db", Duration.ofSeconds(3))).isZero();
    }

    @Test
    void aBrokerWhoseCertificateDoesNotChainToTheConfiguredCaIsNotTrusted() throws Exception {
        UplinkOptions options = UplinkOptions.of("gw-pass", ssl(passwordBroker))
                .withTls(new TlsOptions(pki("other-ca.crt"), "", null, "")).withCredentials("gw-pass", "s3cret-pass");
        assertThat(deliver(options, "untrusted.db", Duration.ofSeconds(3))).isZero();
    }
}
