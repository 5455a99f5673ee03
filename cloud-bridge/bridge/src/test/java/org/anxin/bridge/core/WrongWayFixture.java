package org.anxin.bridge.core;

import org.anxin.bridge.Bridge;

/**
 * A class in core's package that uses the app: what {@code BridgeArchitectureTest} must refuse.
 * Test code of the app module, never part of core.
 */
public final class WrongWayFixture {

    Bridge bridge;

    private WrongWayFixture() {
    }
}
