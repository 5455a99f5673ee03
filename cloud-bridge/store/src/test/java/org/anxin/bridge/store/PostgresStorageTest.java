package org.anxin.bridge.store;

/** The storage contract on PostgreSQL, each test in a schema of its own ({@link TestDatabase#postgres()}). */
class PostgresStorageTest extends StorageContract {

    @Override
    TestDatabase freshDatabase() throws Exception {
        return TestDatabase.postgres();
    }
}
