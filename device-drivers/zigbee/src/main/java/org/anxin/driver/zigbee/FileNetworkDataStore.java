package org.anxin.driver.zigbee;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.database.ZclAttributeDao;
import com.zsmartsystems.zigbee.database.ZclClusterDao;
import com.zsmartsystems.zigbee.database.ZigBeeEndpointDao;
import com.zsmartsystems.zigbee.database.ZigBeeNetworkDataStore;
import com.zsmartsystems.zigbee.database.ZigBeeNodeDao;
import com.zsmartsystems.zigbee.zcl.protocol.ZclDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the network's devices in the gateway's data directory, one JSON file per node
 * ({@code nodes/IEEE.json}), so a restart does not make anyone pair a device again. A node is what
 * the coordinator learnt of it: its addresses, endpoints, clusters, and the attribute values it
 * reported (zone type, model, a meter's multiplier and divisor). Descriptors are not kept; the
 * library asks a device for them again. Files are replaced atomically, so a power cut leaves the
 * old file or the new one, never half of one; a file that does not read is logged and skipped.
 */
public final class FileNetworkDataStore implements ZigBeeNetworkDataStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileNetworkDataStore.class);
    private static final Pattern NODE_FILE = Pattern.compile("[0-9A-F]{16}\\.json");
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final Path nodes;

    record NodeFile(String ieee, Integer nwk, List<EndpointFile> endpoints) {
    }

    record EndpointFile(int id, Integer profile, Integer deviceType, Integer version, List<ClusterFile> input, List<ClusterFile> output) {
    }

    record ClusterFile(int id, Map<Integer, AttributeFile> attributes) {
    }

    /** {@code value} is a string, number or boolean: the only kinds of attribute value worth keeping here. */
    record AttributeFile(String name, String type, Object value) {
    }

    public FileNetworkDataStore(Path directory) {
        this.nodes = directory.resolve("nodes");
        try {
            Files.createDirectories(nodes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Zigbee network directory " + nodes, e);
        }
    }

    @Override
    public Set<IeeeAddress> readNetworkNodes() {
        Set<IeeeAddress> addresses = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(nodes)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (NODE_FILE.matcher(name).matches()) {
                    addresses.add(new IeeeAddress(name.substring(0, 16)));
                }
            }
        } catch (IOException e) {
            LOG.error("cannot list the Zigbee nodes in {}: {}", nodes, e.toString());
        }
        return addresses;
    }

    @Override
    public ZigBeeNodeDao readNode(IeeeAddress address) {
        Path file = nodes.resolve(address + ".json");
        try {
            return toDao(json.readValue(file.toFile(), NodeFile.class));
        } catch (IOException | RuntimeException e) {
            LOG.error("Zigbee node file {} cannot be read, the device must pair again: {}", file, e.toString());
            return null;
        }
    }

    @Override
    public synchronized void writeNode(ZigBeeNodeDao node) {
        Path file = nodes.resolve(node.getIeeeAddress() + ".json");
        Path temp = nodes.resolve(node.getIeeeAddress() + ".json.tmp");
        try {
            json.writeValue(temp.toFile(), fromDao(node));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.error("cannot write Zigbee node {}; it stays paired until the gateway restarts: {}", file, e.toString());
        }
    }

    @Override
    public synchronized void removeNode(IeeeAddress address) {
        try {
            Files.deleteIfExists(nodes.resolve(address + ".json"));
        } catch (IOException e) {
            LOG.error("cannot remove Zigbee node {}: {}", address, e.toString());
        }
    }

    private static NodeFile fromDao(ZigBeeNodeDao node) {
        List<EndpointFile> endpoints = new ArrayList<>();
        if (node.getEndpoints() != null) {
            for (ZigBeeEndpointDao e : node.getEndpoints()) {
                endpoints.add(new EndpointFile(e.getEndpointId(), e.getProfileId(), e.getDeviceId(), e.getDeviceVersion(),
                        clusters(e.getInputClusters()), clusters(e.getOutputClusters())));
            }
        }
        return new NodeFile(node.getIeeeAddress().toString(), node.getNetworkAddress(), endpoints);
    }

    private static List<ClusterFile> clusters(List<ZclClusterDao> daos) {
        List<ClusterFile> clusters = new ArrayList<>();
        for (ZclClusterDao c : daos) {
            Map<Integer, AttributeFile> attributes = new LinkedHashMap<>();
            if (c.getAttributes() != null) {
                for (ZclAttributeDao a : c.getAttributes().values()) {
                    Object v = a.getLastValue();
                    if (a.getDataType() != null && (v instanceof String || v instanceof Number || v instanceof Boolean)) {
                        attributes.put(a.getId(), new AttributeFile(a.getName(), a.getDataType().name(), v));
                    }
                }
            }
            clusters.add(new ClusterFile(c.getClusterId(), attributes));
        }
        return clusters;
    }

    private static ZigBeeNodeDao toDao(NodeFile file) {
        ZigBeeNodeDao node = new ZigBeeNodeDao();
        node.setIeeeAddress(new IeeeAddress(file.ieee()));
        node.setNetworkAddress(file.nwk());
        List<ZigBeeEndpointDao> endpoints = new ArrayList<>();
        for (EndpointFile e : file.endpoints() == null ? List.<EndpointFile>of() : file.endpoints()) {
            ZigBeeEndpointDao endpoint = new ZigBeeEndpointDao();
            endpoint.setEndpointId(e.id());
            endpoint.setProfileId(e.profile());
            if (e.deviceType() != null) {
                endpoint.setDeviceId(e.deviceType());
            }
            if (e.version() != null) {
                endpoint.setDeviceVersion(e.version());
            }
            List<ClusterFile> input = e.input() == null ? List.of() : e.input();
            List<ClusterFile> output = e.output() == null ? List.of() : e.output();
            endpoint.setInputClusterIds(input.stream().map(ClusterFile::id).toList());
            endpoint.setOutputClusterIds(output.stream().map(ClusterFile::id).toList());
            endpoint.setInputClusters(clusterDaos(input, false));
            endpoint.setOutputClusters(clusterDaos(output, true));
            endpoints.add(endpoint);
        }
        node.setEndpoints(endpoints);
        return node;
    }

    private static List<ZclClusterDao> clusterDaos(List<ClusterFile> files, boolean client) {
        List<ZclClusterDao> daos = new ArrayList<>();
        for (ClusterFile f : files) {
            ZclClusterDao dao = new ZclClusterDao();
            dao.setClusterId(f.id());
            dao.setClient(client);
            dao.setSupportedCommandsGenerated(new HashSet<>());
            dao.setSupportedCommandsReceived(new HashSet<>());
            Map<Integer, ZclAttributeDao> attributes = new LinkedHashMap<>();
            if (f.attributes() != null) {
                f.attributes().forEach((id, a) -> {
                    ZclAttributeDao attribute = new ZclAttributeDao();
                    attribute.setId(id);
                    attribute.setName(a.name() == null ? "" : a.name());
                    attribute.setDataType(ZclDataType.valueOf(a.type()));
                    attribute.setImplemented(true);
                    attribute.setReadable(true);
                    attribute.setLastValue(a.value());
                    attributes.put(id, attribute);
                });
            }
            dao.setAttributes(attributes);
            daos.add(dao);
        }
        return daos;
    }
}
