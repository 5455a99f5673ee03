package org.anxin.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequence numbers reserved in blocks in a side file ({@code <outbox>.seq}) before any is used, so
 * a store that starts fresh (corrupt or deleted file) continues after every number that may have
 * been sent, and the bridge never takes a new message for a duplicate of an old one.
 */
final class SequenceFile {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceFile.class);

    /** Sequence numbers reserved at a time. */
    static final long SEQ_BLOCK = 10_000;

    private final Path file;
    private long reserved;

    SequenceFile(Path outbox) {
        this.file = outbox.resolveSibling(outbox.getFileName() + ".seq");
        this.reserved = read();
    }

    /** The highest number reserved so far, 0 when the side file is missing or unreadable. */
    long reserved() {
        return reserved;
    }

    /** Makes sure numbers up to {@code upTo} are reserved, durably (fsync, atomic rename), before any is used. */
    void reserve(long upTo) throws IOException {
        if (upTo <= reserved) {
            return;
        }
        long reserve = upTo + SEQ_BLOCK;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.US_ASCII.encode(Long.toString(reserve) + "\n"));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        reserved = reserve;
    }

    private long read() {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("outbox sequence file {} unreadable ({}); numbering continues from the store", file, e.toString());
            return 0;
        }
    }
}
