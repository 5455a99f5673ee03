package org.anxin.driver.zigbee.converter;

import java.util.ArrayList;
import java.util.List;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeEndpoint;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNode;
import org.anxin.driver.zigbee.FakeTransport;

/** Real library endpoints (and so real clusters and attributes) for converter tests. */
final class Endpoints {

    private static final List<ZigBeeNetworkManager> MANAGERS = new ArrayList<>();

    private Endpoints() {
    }

    static ZigBeeEndpoint endpoint() {
        FakeTransport transport = new FakeTransport();
        ZigBeeNetworkManager manager = new ZigBeeNetworkManager(transport);
        MANAGERS.add(manager);
        ZigBeeNode node = new ZigBeeNode(manager, new IeeeAddress("0015BC001A000001"), 0x1A01);
        ZigBeeEndpoint endpoint = new ZigBeeEndpoint(node, 1);
        node.addEndpoint(endpoint);
        return endpoint;
    }
}
