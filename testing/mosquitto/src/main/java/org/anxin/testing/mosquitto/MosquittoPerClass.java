package org.anxin.testing.mosquitto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link MosquittoBroker} for a whole test class, started before its first test and stopped
 * after its last, with its files in a directory of its own that is deleted afterwards:
 * {@code @RegisterExtension static final MosquittoPerClass MOSQUITTO = new MosquittoPerClass("gw-1");}
 */
public final class MosquittoPerClass implements BeforeAllCallback, AfterAllCallback {

    private final String[] gateways;
    private Path dir;
    private MosquittoBroker broker;

    /** @param gateways the gateways whose accounts it has from the start (others cost a reload each) */
    public MosquittoPerClass(String... gateways) {
        this.gateways = gateways.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("mosquitto-");
        broker = MosquittoBroker.start(dir, gateways);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The class's broker; only within its tests. */
    public MosquittoBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker starts before the class's first test");
        }
        return broker;
    }
}
