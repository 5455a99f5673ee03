package org.anxin.driver.coap;

import org.anxin.driver.api.DeviceHealthReporter;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CoAP server with its two resources:
 * <ul>
 * <li>{@code POST /readings}: a reading (or an array) as JSON; 2.04 once stored, 4.00 with the
 * reason for a body that does not parse, 4.03 when a DTLS device posts for another device, 4.15
 * for a content format other than JSON, 5.03 when the store refused it (the device tries again);</li>
 * <li>{@code GET /status} (observable): the counters and each device's last-seen time, as JSON.</li>
 * </ul>
 * Over DTLS the device's PSK identity is its device id, and it may only post its own readings.
 */
final class CoapReadingServer implements AutoCloseable {

    static final String PID = CoapDriver.PID;
    private static final Logger LOG = LoggerFactory.getLogger(CoapReadingServer.class);
    private static final java.util.Set<ReadingKind> LIFE_SAFETY =
            java.util.EnumSet.of(ReadingKind.SMOKE, ReadingKind.GAS, ReadingKind.LEAK, ReadingKind.CALL);

    private final CoapOptions options;
    private final ReadingSink sink;
    private final Clock clock;
    private final DeviceHealthReporter health;
    private final CoapCounters counters = new CoapCounters();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final StatusResource status = new StatusResource();
    private final AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
    private final java.util.Set<String> identities = ConcurrentHashMap.newKeySet();
    /** Devices that have posted a smoke, gas, leak or call reading with their own key since the server started. */
    private final java.util.Set<String> lifeSafetyDevices = ConcurrentHashMap.newKeySet();
    private final DeviceSessions sessions;

    CoapReadingServer(CoapOptions options, ReadingSink sink, Clock clock, DeviceHealthReporter health) {
        this.options = options;
        this.sink = sink;
        this.clock = clock;
        this.health = health;
        Configuration config = PiSizedConfiguration.create(options);
        CoapEndpoint.Builder builder = new CoapEndpoint.Builder().setConfiguration(config);
        if (options.dtls()) {
            replaceKeys(options.keys());
            sessions = new DeviceSessions(options.maxPeers(), options.sessionIdle().toSeconds(), options.sessionsPerDevice(),
                    lifeSafetyDevices::contains, counters);
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config).setAddress(options.address()).setAdvancedPskStore(keys)
                    .setConnectionListener(sessions).build();
            // the constructor that takes a connection store is protected
            builder.setConnector(new DTLSConnector(dtls, sessions) { });
        } else {
            sessions = null;
            builder.setInetSocketAddress(options.address());
        }
        this.endpoint = builder.build();
        this.server = new CoapServer(config);
        server.addEndpoint(endpoint);
        server.add(new ReadingsResource(), status);
    }

    /** Binds the port and starts serving. */
    void start() {
        server.start();
        LOG.info("CoAP server on {} ({})", endpoint.getAddress(), options.dtls() ? options.keys().size() + " devices with DTLS keys" : "plain CoAP, no DTLS");
    }

    /**
     * Puts a new set of device keys in place: a device added to the key file can connect, a removed
     * one cannot start a new session. Returns how many devices have keys.
     */
    int replaceKeys(Map<String, byte[]> newKeys) {
        for (String device : identities) {
            if (!newKeys.containsKey(device)) {
                keys.removeKey(device);
                identities.remove(device);
            }
        }
        newKeys.forEach((device, key) -> {
            keys.setKey(device, key);
            identities.add(device);
        });
        return identities.size();
    }

    /** The bound address (the port is chosen by the system when configured as 0). */
    InetSocketAddress address() {
        return endpoint.getAddress();
    }

    CoapCounters counters() {
        return counters;
    }

    /** Removes DTLS sessions idle longer than {@code sessionIdleMinutes}; the driver calls it every minute. Returns how many. */
    int expireIdleSessions() {
        return sessions == null ? 0 : sessions.expireIdle();
    }

    /** How many DTLS sessions each device holds now. */
    Map<String, Integer> sessionsPerDevice() {
        return sessions == null ? Map.of() : sessions.perDevice();
    }

    @Override
    public void close() {
        server.destroy();
    }

    private final class ReadingsResource extends CoapResource {

        ReadingsResource() {
            super("readings");
            getAttributes().setTitle("POST a reading, or an array of readings, as JSON");
            getAttributes().addContentType(MediaTypeRegistry.APPLICATION_JSON);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            int format = exchange.getRequestOptions().getContentFormat();
            if (format != MediaTypeRegistry.UNDEFINED && format != MediaTypeRegistry.APPLICATION_JSON) {
                malformed(exchange, ResponseCode.UNSUPPORTED_CONTENT_FORMAT, "content format " + format + " is not JSON (50)");
                return;
            }
            List<Reading> readings;
            try {
                readings = ReadingPayload.parse(exchange.getRequestPayload(), clock.instant());
            } catch (IllegalArgumentException e) {
                malformed(exchange, ResponseCode.BAD_REQUEST, e.getMessage());
                return;
            }
            Optional<String> identity = pskIdentity(exchange);
            if (options.dtls()) {
                for (Reading reading : readings) {
                    // a device taken out of the key file may still hold a session: it posts no more
                    if (identity.isEmpty() || !identity.get().equals(reading.device()) || !identities.contains(identity.get())) {
                        counters.forbidden.incrementAndGet();
                        LOG.warn("CoAP device {} posted a reading for {}: refused", identity.orElse("?"), reading.device());
                        exchange.respond(ResponseCode.FORBIDDEN, "a device may only post its own readings");
                        status.changed();
                        return;
                    }
                }
            }
            for (Reading reading : readings) {
                try {
                    sink.accept(reading);
                } catch (RuntimeException e) {
                    counters.unstored.incrementAndGet();
                    LOG.error("reading from CoAP device {} was not stored: {}", reading.device(), e.toString());
                    exchange.respond(ResponseCode.SERVICE_UNAVAILABLE, "not stored; send again later");
                    status.changed();
                    return;
                }
                counters.accepted.incrementAndGet();
                if (options.dtls() && LIFE_SAFETY.contains(reading.kind())) {
                    // learned, not configured: nothing to forget when a pendant is added, and a stolen
                    // meter key that posts a "call" gains at most sessionsPerDevice protected sessions
                    lifeSafetyDevices.add(reading.device());
                }
                seen(reading);
            }
            exchange.respond(ResponseCode.CHANGED);
            status.changed();
        }

        private void malformed(CoapExchange exchange, ResponseCode code, String why) {
            counters.malformed.incrementAndGet();
            LOG.warn("malformed CoAP request from {}: {}", exchange.getSourceSocketAddress(), why);
            exchange.respond(code, why);
            status.changed();
        }
    }

    private void seen(Reading reading) {
        Instant now = clock.instant();
        lastSeen.put(reading.device(), now);
        OptionalInt battery = reading.kind() == ReadingKind.BATTERY
                ? OptionalInt.of(new java.math.BigDecimal(reading.value()).intValue()) : OptionalInt.empty();
        health.report(new DeviceHealth(reading.device(), PID, Optional.of(now), battery, Optional.empty(), now));
    }

    private static Optional<String> pskIdentity(CoapExchange exchange) {
        Principal peer = exchange.advanced().getRequest().getSourceContext().getPeerIdentity();
        return peer instanceof PreSharedKeyIdentity psk ? Optional.of(psk.getIdentity()) : Optional.empty();
    }

    private final class StatusResource extends CoapResource {

        StatusResource() {
            super("status");
            setObservable(true);
            getAttributes().setObservable();
            getAttributes().setTitle("the server's counters and each device's last-seen time");
            getAttributes().addContentType(MediaTypeRegistry.APPLICATION_JSON);
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.respond(ResponseCode.CONTENT, ReadingPayload.status(counters, sessionsPerDevice(), new TreeMap<>(lastSeen)), MediaTypeRegistry.APPLICATION_JSON);
        }
    }
}
