package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login throttling per user name and per address, over HTTP against a real bridge whose clock the test moves. */
class LoginThrottleTest {

    /** A clock the test moves by hand, so that a lockout ends without sleeping. */
    static final class TestClock extends Clock {
        private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock();
    private Bridge bridge;

    @BeforeEach
    void start() {
        bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD).build(), clock);
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private HttpResponse<String> login(String username, String password) {
        URI uri = bridge.httpUri().resolve("api/login");
        String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoHundredWrongPasswordsAreThrottledAfterFiveAndTheRightOneWaitsForTheLockToo() {
        List<Integer> statuses = new ArrayList<>();
        long retryAfter = 0;
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = login(OperatorApi.USER, "wrong guess number " + i);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                assertThat(r.body()).contains("too many failed logins");
            }
        }
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.subList(5, 200)).containsOnly(429);
        assertThat(retryAfter).isBetween(1L, LoginThrottle.FIRST_LOCK.toSeconds());

        // while locked even the right password is not checked
        assertThat(login(OperatorApi.USER, OperatorApi.PASSWORD).statusCode()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(retryAfter + 1));
        assertThat(login(OperatorApi.USER, OperatorApi.PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void eachFurtherFailureDoublesTheLockUpToFifteenMinutes() {
        for (int i = 0; i < 5; i++) {
            assertThat(login(OperatorApi.USER, "wrong").statusCode()).isEqualTo(401);
        }
        List<Long> locks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            HttpResponse<String> locked = login(OperatorApi.USER, "wrong");
            assertThat(locked.statusCode()).isEqualTo(429);
            long seconds = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
            locks.add(seconds);
            clock.advance(Duration.ofSeconds(seconds));
            // the first attempt after the lock is checked, fails, and locks for twice as long
            assertThat(login(OperatorApi.USER, "wrong").statusCode()).isEqualTo(401);
        }
        assertThat(locks).containsExactly(30L, 60L, 120L, 240L, 480L, 900L, 900L);
        // an hour without a failure and the count starts again
        clock.advance(Duration.ofMinutes(15).plus(LoginThrottle.FORGET_AFTER));
        assertThat(login(OperatorApi.USER, OperatorApi.PASSWORD).statusCode()).isEqualTo(200);
    }

    @Test
    void guessesAtManyUserNamesFromOneAddressAreThrottledByTheAddress() {
        for (int i = 0; i < 5; i++) {
            assertThat(login("guess-" + i, "whatever12345").statusCode()).isEqualTo(401);
        }
        assertThat(login("guess-6", "whatever12345").statusCode()).isEqualTo(429);
        assertThat(login(OperatorApi.USER, OperatorApi.PASSWORD).statusCode()).isEqualTo(429);
    }

    @Test
    void anUnknownUserNameTakesAsLongAsAKnownOne() {
        // warm up both paths (class loading, the JIT) before measuring
        login(OperatorApi.USER, "warm up password");
        login("nobody-warm", "warm up password");
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            // far enough ahead that no lock or count from the attempts before is left
            clock.advance(LoginThrottle.FORGET_AFTER.plus(LoginThrottle.MAX_LOCK).plusMinutes(1));
            long t0 = System.nanoTime();
            assertThat(login(OperatorApi.USER, "wrong password " + i).statusCode()).isEqualTo(401);
            long t1 = System.nanoTime();
            assertThat(login("nobody-" + i, "wrong password " + i).statusCode()).isEqualTo(401);
            long t2 = System.nanoTime();
            known.add(t1 - t0);
            unknown.add(t2 - t1);
        }
        double ratio = (double) median(known) / median(unknown);
        System.out.printf("login timing: known user %.1f ms, unknown user %.1f ms (medians of %d)%n",
                median(known) / 1e6, median(unknown) / 1e6, known.size());
        assertThat(Math.max(ratio, 1 / ratio)).as("known %d ns, unknown %d ns", median(known), median(unknown))
                .isLessThan(2.0);
    }

    @Test
    void onPostgresqlTheThrottleTheAccountsAndANameWithANulBehaveTheSame() throws Exception {
        String server = System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        assumeFalse(server.equals("none"), "PostgreSQL tests switched off");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(server); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        bridge.close();
        bridge = null;
        try {
            bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                    .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                    .jdbcUrl(server + (server.contains("?") ? "&" : "?") + "currentSchema=" + schema).httpPort(0)
                    .admin(OperatorApi.USER, OperatorApi.PASSWORD).build(), clock);
            // PostgreSQL refuses U+0000 in text: such a name is counted by its digest, never looked up
            assertThat(login("ad\\u0000min", "wrong").statusCode()).isEqualTo(401);
            for (int i = 0; i < 4; i++) {
                assertThat(login(OperatorApi.USER, "wrong").statusCode()).isEqualTo(401);
            }
            assertThat(login(OperatorApi.USER, "wrong").statusCode()).isEqualTo(429);
            clock.advance(LoginThrottle.FIRST_LOCK);
            OperatorApi admin = new OperatorApi(bridge.httpUri()).login();
            admin.ok("POST", "api/operators", json("{'username':'op-1','password':'postgres test secret',"
                    + "'role':'visitor','person':'a@anxin.example'}"));
            OperatorApi one = new OperatorApi(bridge.httpUri()).login("op-1", "postgres test secret");
            assertThat(one.get("api/homes")).isEmpty();
            admin.ok("PATCH", "api/operators/op-1", json("{'disabled':true}"));
            assertThat(one.send("GET", "api/homes", null).status()).isEqualTo(401);
        } finally {
            if (bridge != null) {
                bridge.close();
                bridge = null;
            }
            try (Connection c = DriverManager.getConnection(server); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
