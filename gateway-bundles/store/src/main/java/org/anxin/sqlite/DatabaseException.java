package org.anxin.sqlite;

/** A SQLite file could not be opened, set aside or started afresh; the message names the file. */
public class DatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
