package org.anxin.bridge.core;

import java.util.Set;

/** A way to reach a person: webhook, e-mail or SMS. Implementations are thread-safe. */
public interface Channel extends AutoCloseable {

    /** Every channel a policy, a person or an operator may name. */
    Set<String> NAMES = Set.of("webhook", "email", "sms");

    /** {@code webhook}, {@code email} or {@code sms}. */
    String name();

    /**
     * Sends one message and returns once the far end has accepted it.
     *
     * @throws DeliveryFailure saying why, and whether trying again may help
     */
    void send(String address, String subject, String body) throws DeliveryFailure;

    /**
     * Sends a document for a program to read, as it is (the webhook feed's JSON), and returns once
     * the far end has accepted it.
     *
     * @throws DeliveryFailure saying why, and whether trying again may help; by default, for good:
     *     this channel carries no documents
     */
    default void sendDocument(String address, String json) throws DeliveryFailure {
        throw new DeliveryFailure(name() + " carries no documents", false);
    }

    /** The address as it may be logged and shown: phone numbers and tokens masked. */
    String shown(String address);

    @Override
    default void close() {
    }

    /** A message the channel could not deliver. */
    public final class DeliveryFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        public DeliveryFailure(String message, boolean retryable) {
            super(message, null, false, false);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
