package org.anxin.protocol;

/** A message that cannot be decoded: malformed JSON, a wrong schema, a missing or bad field. */
public class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    public ProtocolException(String message) {
        super(message);
    }
}
