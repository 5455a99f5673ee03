package org.anxin.bridge;

import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.store.Database;
import org.anxin.bridge.store.ReadModel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V12 moves the old webhook feed's table into the deliveries, on SQLite and on PostgreSQL: what
 * was delivered or failed stays listed with its alert, and what was still pending is sent.
 */
class FeedMigrationTest {

    private static final String POSTGRES =
            System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    @TempDir
    Path dir;

    @Test
    void theFeedsNotificationsOfAnSqliteDatabaseMoveIntoTheDeliveriesAndThePendingOneIsSent() throws Exception {
        migrateFrom11("jdbc:sqlite:" + dir.resolve("bridge.db"));
    }

    @Test
    void theFeedsNotificationsOfAPostgresDatabaseMoveIntoTheDeliveriesAndThePendingOneIsSent() throws Exception {
        assumeThat(POSTGRES).isNotEqualTo("none");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            migrateFrom11(POSTGRES + (POSTGRES.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        } finally {
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private void migrateFrom11(String url) throws Exception {
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("11").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // as the old notifier left them: one delivered after two attempts, one failed, one never finished
            s.execute("INSERT INTO notifications (gateway, alert_id, event, channel, target, state, attempts, last_error,"
                    + " payload, created_at, delivered_at, updated_at) VALUES"
                    + " ('gw-1', 'FIRE/a/1', 'alert.raised', 'webhook', 'http://old.test/hook?…', 'delivered', 2, NULL,"
                    + " '{\"event\":\"alert.raised\"}', 1000, 1500, 1500),"
                    + " ('gw-1', 'FIRE/a/1', 'alert.cleared', 'webhook', 'http://old.test/hook?…', 'failed', 5, 'HTTP 503',"
                    + " '{\"event\":\"alert.cleared\"}', 2000, NULL, 2500),"
                    + " ('gw-2', 'GAS/b/1', 'alert.raised', 'webhook', 'http://old.test/hook?…', 'pending', 0, NULL,"
                    + " '{\"event\":\"alert.raised\",\"gateway\":\"gw-2\"}', 3000, NULL, 3000)");
        }

        Database db = Database.open(BridgeOptions.builder().jdbcUrl(url).build());
        RecordingWebhook webhook = new RecordingWebhook();
        List<String[]> documents = webhook.documents;
        WebhookFeed feed = WebhookFeed.of(BridgeOptions.builder().webhookUrl("http://new.test/hook?token=s3cret").build());
        try (Deliveries deliveries = new Deliveries(db, Map.of("webhook", webhook), 1, Duration.ofSeconds(1), feed,
                new BridgeCounters(), Clock.systemUTC())) {
            ReadModel reads = new ReadModel(db);
            assertThat(reads.notifications("gw-1", "FIRE/a/1"))
                    .extracting(n -> n.event() + " " + n.state() + " " + n.attempts() + " " + n.lastError())
                    .containsExactly("alert.raised delivered 2 null", "alert.cleared failed 5 HTTP 503");
            assertThat(reads.notifications("gw-1", "FIRE/a/1").get(0).target()).isEqualTo("http://old.test/hook?…");

            assertThat(deliveries.sendDue()).as("only the unfinished one is sent").isEqualTo(1);
            await().until(() -> documents.size() == 1);
            assertThat(documents.get(0)[0]).as("to the feed of today").isEqualTo("http://new.test/hook?token=s3cret");
            assertThat(documents.get(0)[1]).isEqualTo("{\"event\":\"alert.raised\",\"gateway\":\"gw-2\"}");
            await().untilAsserted(() -> assertThat(reads.notifications("gw-2", "GAS/b/1")).singleElement()
                    .satisfies(n -> assertThat(n.state()).isEqualTo("delivered")));
            assertThat(webhook.sent).as("the feed is sent as a document, not as a message").isEmpty();
        } finally {
            db.close();
        }
    }
}
