package org.anxin.bridge.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageTest extends StorageContract {

    @TempDir
    Path dir;

    @Override
    TestDatabase freshDatabase() {
        return TestDatabase.sqlite(dir);
    }
}
