package org.anxin.store;

/** The store could not do what was asked: the disk is full, the file is unreadable, ... */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
