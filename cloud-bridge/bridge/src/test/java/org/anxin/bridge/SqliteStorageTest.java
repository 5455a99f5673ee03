package org.anxin.bridge;

import java.nio.file.Path;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageTest extends StorageContract {

    @TempDir
    Path dir;

    @Override
    BridgeOptions.Builder freshDatabase() {
        return BridgeOptions.builder().allowUnsignedGateways(true).jdbcUrl(url());
    }

    @Override
    BridgeOptions reopenOptions() {
        return BridgeOptions.builder().allowUnsignedGateways(true).jdbcUrl(url()).build();
    }

    private String url() {
        return "jdbc:sqlite:" + dir.resolve("bridge.db");
    }
}
