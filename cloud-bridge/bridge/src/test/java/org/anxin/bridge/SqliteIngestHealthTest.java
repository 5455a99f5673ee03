package org.anxin.bridge;

import java.nio.file.Path;
import org.anxin.bridge.store.TestDatabase;
import org.junit.jupiter.api.io.TempDir;

class SqliteIngestHealthTest extends IngestHealthContract {

    @TempDir
    Path dir;

    @Override
    TestDatabase freshDatabase() {
        return TestDatabase.sqlite(dir);
    }
}
