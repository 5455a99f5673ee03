package org.anxin.launcher;

import java.nio.file.Path;

/** {@link BrokerAccessTest} on the embedded broker, as the demo and a broker-less install run it. */
class EmbeddedBrokerAccessTest extends BrokerAccessTest {

    @Override
    AutoCloseable startBroker(int port, int bridgePort, Path passwordFile, Path aclFile) throws Exception {
        return EmbeddedBroker.start(dir.resolve("moquette"), port, EmbeddedBroker.Access.files(passwordFile, aclFile));
    }

    @Override
    boolean bridgeListensApart() {
        return false;
    }

    @Override
    boolean refusesSubscriptionsOutsideTheAcl() {
        return true;
    }
}
