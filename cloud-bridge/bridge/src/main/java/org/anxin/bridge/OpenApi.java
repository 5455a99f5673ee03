package org.anxin.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The OpenAPI 3 description of the REST API, served at {@code /api/openapi.json}. */
final class OpenApi {

    static final String RESOURCE = "/org/anxin/bridge/openapi.json";
    private static volatile String document;

    private OpenApi() {
    }

    static String document() {
        String d = document;
        if (d == null) {
            try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the bridge's jar");
                }
                d = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            document = d;
        }
        return d;
    }
}
