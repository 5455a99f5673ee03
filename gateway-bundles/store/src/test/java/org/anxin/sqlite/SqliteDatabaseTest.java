package org.anxin.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-01T07:15:00Z"), ZoneOffset.UTC);

    private static final SqliteDatabase.Schema V1 = new SqliteDatabase.Schema("test store",
            List.of("CREATE TABLE t (x INTEGER NOT NULL)"), "Its rows are lost.", 0);
    private static final SqliteDatabase.Schema V2 = new SqliteDatabase.Schema("test store",
            List.of("CREATE TABLE t (x INTEGER NOT NULL)", "ALTER TABLE t ADD COLUMN y TEXT; CREATE INDEX t_y ON t (y)"),
            "Its rows are lost.", 0);

    @TempDir
    Path dir;

    @Test
    void aNewFileIsInWalModeAndGetsEveryMigrationInOrder() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("sub/t.db"), CLOCK, V2)) {
            assertThat(db.foundVersion()).isZero();
            assertThat(db.queryLong("PRAGMA user_version")).isEqualTo(2);
            try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            db.execute("INSERT INTO t (x, y) VALUES (1, 'a')");
            assertThat(db.recoveredFrom()).isNull();
        }
    }

    @Test
    void aFileAtAnOlderVersionGetsOnlyTheMigrationsItLacksAndKeepsItsRows() throws Exception {
        Path file = dir.resolve("t.db");
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            db.execute("INSERT INTO t (x) VALUES (7)");
        }
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V2)) {
            assertThat(db.foundVersion()).isEqualTo(1);
            assertThat(db.queryLong("SELECT x FROM t WHERE y IS NULL")).isEqualTo(7);
        }
    }

    @Test
    void aMigrationThatFailsLeavesTheFileAtItsVersionAndIsAnErrorNotAReset() throws Exception {
        Path file = dir.resolve("t.db");
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            db.execute("INSERT INTO t (x) VALUES (7)");
        }
        SqliteDatabase.Schema broken = new SqliteDatabase.Schema("test store",
                List.of(V1.migrations().get(0), "ALTER TABLE t ADD COLUMN y TEXT; THIS IS NOT SQL"), "Its rows are lost.", 0);
        assertThatThrownBy(() -> SqliteDatabase.open(file, CLOCK, broken))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("cannot open test store " + file.toAbsolutePath());
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            assertThat(db.queryLong("PRAGMA user_version")).isEqualTo(1);
            assertThat(db.queryLong("SELECT x FROM t")).isEqualTo(7);
            assertThat(db.recoveredFrom()).isNull();
        }
    }

    @Test
    void aCorruptFileIsKeptAsideUnderItsTimeAndAFreshOneStarts() throws Exception {
        Path file = dir.resolve("t.db");
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            db.execute("INSERT INTO t (x) VALUES (7)");
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write("this is not a database, it was scribbled on".getBytes());
        }
        byte[] scribbled = Files.readAllBytes(file);
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            assertThat(db.recoveredFrom()).isEqualTo(dir.resolve("t.db.corrupt-20240301T071500Z"));
            assertThat(db.recoveredFrom()).hasBinaryContent(scribbled);
            assertThat(db.queryLong("SELECT count(*) FROM t")).isZero();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write("scribbled on again in the same second".getBytes());
        }
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            assertThat(db.recoveredFrom()).as("an earlier copy is never overwritten")
                    .isEqualTo(dir.resolve("t.db.corrupt-20240301T071500Z-1"));
        }
    }

    @Test
    void aFileFoundCorruptWhileItsOwnerReadsItAtStartIsSetAsideToo() throws Exception {
        Path file = dir.resolve("t.db");
        SqliteDatabase.open(file, CLOCK, V1).close();
        AtomicInteger starts = new AtomicInteger();
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1, opened -> {
            if (starts.incrementAndGet() == 1) {
                // what SQLite says of a damaged index page that quick_check does not read
                throw new SQLiteException("database disk image is malformed", SQLiteErrorCode.SQLITE_CORRUPT);
            }
            return opened;
        })) {
            assertThat(starts).hasValue(2);
            assertThat(db.recoveredFrom()).isEqualTo(dir.resolve("t.db.corrupt-20240301T071500Z")).exists();
            assertThat(db.foundVersion()).isZero();
        }
    }

    @Test
    void aStartThatFailsOtherwiseIsPassedOnAndTheFileIsLeftAlone() throws Exception {
        Path file = dir.resolve("t.db");
        assertThatThrownBy(() -> SqliteDatabase.open(file, CLOCK, V1, opened -> {
            throw new SQLException("the owner's own failure");
        })).isInstanceOf(DatabaseException.class).hasMessageContaining("the owner's own failure");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("corrupt"));
        }
        try (SqliteDatabase db = SqliteDatabase.open(file, CLOCK, V1)) {
            assertThat(db.foundVersion()).as("the first open's migration was committed").isEqualTo(1);
        }
    }

    @Test
    void aFileThatCannotBeOpenedIsAnErrorNotAReset() throws Exception {
        // a directory where the file should be: SQLITE_CANTOPEN, which says nothing about a file's contents
        Path taken = Files.createDirectory(dir.resolve("t.db"));
        assertThatThrownBy(() -> SqliteDatabase.open(taken, CLOCK, V1))
                .isInstanceOf(DatabaseException.class).hasMessageContaining("cannot open test store " + taken.toAbsolutePath());
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("t.db");
        }
    }

    @Test
    void aTransactionThatFailsLeavesNothingBehind() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("t.db"), CLOCK, V1)) {
            assertThatThrownBy(() -> db.transaction(() -> {
                db.execute("INSERT INTO t (x) VALUES (1)");
                db.execute("INSERT INTO t (x) VALUES (NULL)");
                return null;
            })).isInstanceOf(SQLException.class);
            assertThat(db.queryLong("SELECT count(*) FROM t")).isZero();
            assertThat(db.connection().getAutoCommit()).isTrue();
            assertThat(db.transaction(() -> {
                db.execute("INSERT INTO t (x) VALUES (2)");
                return db.queryLong("SELECT count(*) FROM t");
            })).isEqualTo(1);
        }
    }
}
