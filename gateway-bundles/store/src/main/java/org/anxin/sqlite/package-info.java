/**
 * The gateway's one way to keep a SQLite file: opened in WAL mode, checked at open, a corrupt file
 * kept aside for inspection and replaced by a fresh one, the schema moved forward with
 * {@code user_version}, and a transaction helper. Used by the outbox and by detection's routine
 * store; in the store bundle because detection already depends on it, and the store depends on
 * nothing of detection's, so the dependency stays one way.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.sqlite;
