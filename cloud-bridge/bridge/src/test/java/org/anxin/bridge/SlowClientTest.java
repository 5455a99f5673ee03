package org.anxin.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow clients (slowloris) cannot keep health and the acknowledgement links from answering. */
class SlowClientTest {

    @TempDir
    Path dir;
    private Bridge bridge;
    private final List<Socket> slow = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : slow) {
            s.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void healthAndAcknowledgementLinksAnswerWithin2SecondsWhile200SlowClientsTrickleTheirBodies() throws Exception {
        bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .build());
        URI base = bridge.httpUri();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket(base.getHost(), base.getPort());
            slow.add(s);
            OutputStream out = s.getOutputStream();
            String path = i % 2 == 0 ? "/api/login" : "/ack/some-token";
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        Thread.sleep(500); // every slow request is with the server now

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (String path : List.of("api/health", "ack/some-token")) {
            long start = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            // a link of no escalation takes the same way as a real one (token lookup, page), and says so
            assertThat(r.statusCode()).as(path).isEqualTo(path.startsWith("ack/") ? 404 : 200);
            if (path.startsWith("ack/")) {
                assertThat(r.body()).contains("this acknowledgement link is not valid");
            }
            assertThat(millis).as(path + " answered in ms").isLessThan(2000);
        }
    }

    @Test
    void healthAndAcknowledgementLinksAnswerWithin2SecondsWhile200ClientsTrickleTheirHeadersAndThoseAreClosedInTime()
            throws Exception {
        bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .build());
        URI base = bridge.httpUri();
        long opened = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket(base.getHost(), base.getPort());
            slow.add(s);
            s.getOutputStream().write(("GET " + (i % 2 == 0 ? "/api/health" : "/ack/some-token") + " HTTP/1.1\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        // one byte of a header line on every connection, each a tenth of a second, never the blank line
        byte[] header = "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII);
        java.util.concurrent.ScheduledExecutorService trickler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        trickler.scheduleAtFixedRate(() -> {
            byte b = header[sent.getAndIncrement() % header.length];
            for (Socket s : slow) {
                try {
                    s.getOutputStream().write(b);
                } catch (java.io.IOException closed) {
                    // the server closed it: what the test waits for
                }
            }
        }, 0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            Thread.sleep(500); // every trickling request is with the server now
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (String path : List.of("api/health", "ack/some-token")) {
                long start = System.nanoTime();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(r.statusCode()).as(path).isEqualTo(path.startsWith("ack/") ? 404 : 200);
                assertThat(millis).as(path + " answered in ms").isLessThan(2000);
            }
            // the server's deadline for a whole request, checked each second by the JDK's timer; its clock starts
            // when its dispatcher takes the connection in hand, seconds late for the last of 200 on a loaded machine
            long bound = RestApi.REQUEST_SECONDS * 1000 + 10_000;
            for (Socket s : slow) {
                long left = bound - (System.nanoTime() - opened) / 1_000_000;
                assertThat(closedWithin(s, Math.max(left, 1)))
                        .as("a trickling connection, %d ms after opening", (System.nanoTime() - opened) / 1_000_000)
                        .isEqualTo("closed");
            }
            assertThat(sent.get()).as("it was still trickling").isGreaterThan((int) (RestApi.REQUEST_SECONDS * 10 - 20));
        } finally {
            trickler.shutdownNow();
        }
    }

    /** "closed" when the server closes the connection (end of stream, or a reset) within {@code millis}, answering nothing. */
    private static String closedWithin(Socket s, long millis) throws java.io.IOException {
        s.setSoTimeout((int) millis);
        try {
            int b = s.getInputStream().read();
            return b == -1 ? "closed" : "answered " + (char) b + new String(s.getInputStream().readNBytes(
                    Math.min(200, s.getInputStream().available())), StandardCharsets.US_ASCII);
        } catch (java.net.SocketTimeoutException stillOpen) {
            return "still open";
        } catch (java.net.SocketException reset) {
            return "closed";
        }
    }

    @Test
    void aRequestBodyThatDoesNotArriveInTimeHasItsConnectionClosedAndCounted() throws Exception {
        bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .build());
        URI base = bridge.httpUri();
        Socket s = new Socket(base.getHost(), base.getPort());
        slow.add(s);
        s.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout((int) RestApi.BODY_DEADLINE_MILLIS + 5000);
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        assertThat(in.read()).as("the server closes the connection without an answer").isEqualTo(-1);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).isBetween(RestApi.BODY_DEADLINE_MILLIS - 1000, RestApi.BODY_DEADLINE_MILLIS + 4000);
        assertThat(bridge.counters().slowRequestsClosed()).isEqualTo(1);
    }
}
