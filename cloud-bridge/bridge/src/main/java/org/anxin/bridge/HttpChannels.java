package org.anxin.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.core.Redaction;
import org.anxin.protocol.MessageCodec;

/** The HTTP channels: group-robot webhooks and an HTTP SMS gateway. */
final class HttpChannels {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private HttpChannels() {
    }

    private static HttpClient client(ExecutorService threads) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(threads).build();
    }

    /** A client error other than timeout or rate limiting will not heal by sending it again. */
    static boolean retryableStatus(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    static void check(HttpResponse<String> response) throws Channel.DeliveryFailure {
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new Channel.DeliveryFailure("HTTP " + status, retryableStatus(status));
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Channel.DeliveryFailure {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Channel.DeliveryFailure(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Channel.DeliveryFailure("interrupted", true);
        }
    }

    /**
     * A JSON POST in the group-robot format that WeCom and DingTalk both accept:
     * {@code {"msgtype":"text","text":{"content":"..."}}}. Both answer HTTP 200 with a non-zero
     * {@code errcode} when they refuse a message, so that is a failure too. A document (the
     * webhook feed's) is POSTed as it is, judged the same way.
     */
    static final class Webhook implements Channel {
        private final ExecutorService threads = Executors.newCachedThreadPool(new NamedThreads("channel-webhook"));
        private final HttpClient http = client(threads);

        @Override
        public String name() {
            return "webhook";
        }

        @Override
        public void send(String address, String subject, String body) throws DeliveryFailure {
            String json;
            try {
                json = MessageCodec.mapper().writeValueAsString(
                        Map.of("msgtype", "text", "text", Map.of("content", subject + "\n" + body)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            sendDocument(address, json);
        }

        @Override
        public void sendDocument(String address, String json) throws DeliveryFailure {
            HttpRequest request = HttpRequest.newBuilder(URI.create(address))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "anxin-bridge")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                    .build();
            HttpResponse<String> response = HttpChannels.send(http, request);
            check(response);
            String answer = response.body();
            if (answer != null && answer.startsWith("{")) {
                try {
                    JsonNode node = MessageCodec.mapper().readTree(answer);
                    if (node.path("errcode").asInt(0) != 0) {
                        throw new DeliveryFailure("robot refused: errcode " + node.path("errcode").asInt() + " "
                                + node.path("errmsg").asText(""), true);
                    }
                } catch (JsonProcessingException e) {
                    // not JSON after all: a 2xx is accepted
                }
            }
        }

        @Override
        public String shown(String address) {
            return Redaction.url(address);
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }

    /**
     * An HTTP SMS gateway, described by a template: {@code {phone}} and {@code {text}} are replaced
     * in the URL (URL-encoded) and in the body (JSON-escaped when the body is JSON). Without a body
     * template the request is a GET.
     */
    static final class Sms implements Channel {
        private final ExecutorService threads = Executors.newCachedThreadPool(new NamedThreads("channel-sms"));
        private final HttpClient http = client(threads);
        private final BridgeOptions.SmsGateway gateway;

        Sms(BridgeOptions.SmsGateway gateway) {
            this.gateway = gateway;
        }

        @Override
        public String name() {
            return "sms";
        }

        @Override
        public void send(String address, String subject, String body) throws DeliveryFailure {
            String text = body;
            String url = gateway.urlTemplate()
                    .replace("{phone}", URLEncoder.encode(address, StandardCharsets.UTF_8))
                    .replace("{text}", URLEncoder.encode(text, StandardCharsets.UTF_8));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(REQUEST_TIMEOUT)
                    .header("User-Agent", "anxin-bridge");
            gateway.authorization().ifPresent(a -> request.header("Authorization", a));
            if (gateway.bodyTemplate().isPresent()) {
                boolean json = gateway.contentType().contains("json");
                String payload = gateway.bodyTemplate().get()
                        .replace("{phone}", json ? jsonEscape(address) : URLEncoder.encode(address, StandardCharsets.UTF_8))
                        .replace("{text}", json ? jsonEscape(text) : URLEncoder.encode(text, StandardCharsets.UTF_8));
                request.header("Content-Type", gateway.contentType())
                        .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
            } else {
                request.GET();
            }
            check(HttpChannels.send(http, request.build()));
        }

        private static String jsonEscape(String s) {
            try {
                String quoted = MessageCodec.mapper().writeValueAsString(s);
                return quoted.substring(1, quoted.length() - 1);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String shown(String address) {
            return Redaction.phone(address);
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }
}
