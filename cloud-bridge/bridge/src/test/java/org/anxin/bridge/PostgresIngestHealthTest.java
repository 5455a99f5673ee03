package org.anxin.bridge;

import org.anxin.bridge.store.TestDatabase;

/** Ingest's health contract on PostgreSQL, each test in a schema of its own. */
class PostgresIngestHealthTest extends IngestHealthContract {

    @Override
    TestDatabase freshDatabase() throws Exception {
        return TestDatabase.postgres();
    }
}
