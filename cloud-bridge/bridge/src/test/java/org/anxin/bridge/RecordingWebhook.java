package org.anxin.bridge;

import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.Redaction;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The webhook channel's far end, in memory: what it was sent, and documents it refuses when told to. */
final class RecordingWebhook implements Channel {

    /** The addresses of the messages to people, in order. */
    final List<String> sent = new CopyOnWriteArrayList<>();
    /** What the webhook feed was sent: the address, then the document. */
    final List<String[]> documents = new CopyOnWriteArrayList<>();
    /** How many of the next documents fail, as a failure that may heal. */
    final AtomicInteger documentFailures = new AtomicInteger();

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void send(String address, String subject, String body) {
        sent.add(address);
    }

    @Override
    public void sendDocument(String address, String json) throws DeliveryFailure {
        if (documentFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new DeliveryFailure("HTTP 503", true);
        }
        documents.add(new String[] {address, json});
    }

    @Override
    public String shown(String address) {
        return Redaction.url(address);
    }
}
