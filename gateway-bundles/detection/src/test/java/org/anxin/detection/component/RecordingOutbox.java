package org.anxin.detection.component;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.protocol.Body;
import org.anxin.store.Outbox;

/** An outbox that keeps what the component appended, in order; anything else it is asked is unsupported. */
final class RecordingOutbox {

    final List<Body> appended = new CopyOnWriteArrayList<>();
    final Outbox outbox = (Outbox) Proxy.newProxyInstance(Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class},
            (proxy, method, args) -> {
                if (method.getName().equals("append")) {
                    appended.add((Body) args[0]);
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
}
