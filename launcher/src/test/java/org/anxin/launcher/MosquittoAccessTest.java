package org.anxin.launcher;

import java.nio.file.Path;

/** {@link BrokerAccessTest} on a {@link MosquittoProcess}: the shipped fragment, authentication on. */
class MosquittoAccessTest extends BrokerAccessTest {

    @Override
    AutoCloseable startBroker(int port, int bridgePort, Path passwordFile, Path aclFile) throws Exception {
        return MosquittoProcess.start(dir, port, bridgePort, passwordFile, aclFile);
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
