package org.anxin.launcher;

import java.nio.file.Path;
import org.anxin.testing.mosquitto.MosquittoBroker;

/** {@link BrokerAccessTest} on a {@link MosquittoBroker}: the shipped fragment, authentication on. */
class MosquittoAccessTest extends BrokerAccessTest {

    @Override
    AutoCloseable startBroker(int port, int bridgePort, Path passwordFile, Path aclFile) throws Exception {
        return MosquittoBroker.start(dir.resolve("mosquitto"), port, bridgePort, passwordFile, aclFile);
    }

    @Override
    boolean bridgeListensApart() {
        return true;
    }

    @Override
    boolean refusesSubscriptionsOutsideTheAcl() {
        return false;
    }
}
