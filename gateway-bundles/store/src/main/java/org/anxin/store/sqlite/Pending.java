package org.anxin.store.sqlite;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.anxin.protocol.Body;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoredMessage;

/** A message handed to the writer, encoded already, and the future its producer waits on. */
record Pending(Priority priority, Instant created, Body body, String json, CompletableFuture<StoredMessage> done) {

    static void fail(List<Pending> batch, StoreException e) {
        for (Pending p : batch) {
            p.done().completeExceptionally(e);
        }
    }
}
