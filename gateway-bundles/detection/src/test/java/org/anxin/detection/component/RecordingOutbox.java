package org.anxin.detection.component;

import java.lang.reflect.Proxy;
import java.util.List;
import org.anxin.protocol.Body;
import org.anxin.store.Outbox;

/**
 * An outbox that records what is appended to it, in order, and refuses every other call: the
 * component's tests judge what it stored, not how a store keeps it.
 */
final class RecordingOutbox {

    private RecordingOutbox() {
    }

    static Outbox appendingTo(List<Body> appended) {
        return (Outbox) Proxy.newProxyInstance(Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("append")) {
                        appended.add((Body) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
