package org.anxin.bridge;

class SignedMessagesSqliteTest extends SignedMessagesContract {

    @Override
    String jdbcUrl() {
        return "jdbc:sqlite:" + dir.resolve("bridge.db");
    }
}
