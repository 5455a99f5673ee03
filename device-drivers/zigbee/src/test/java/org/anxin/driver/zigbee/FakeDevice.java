package org.anxin.driver.zigbee;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.zcl.ZclCommand;
import com.zsmartsystems.zigbee.zcl.ZclFieldDeserializer;
import com.zsmartsystems.zigbee.zcl.ZclFrameType;
import com.zsmartsystems.zigbee.zcl.ZclHeader;
import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.general.ConfigureReportingResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReadAttributesCommand;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReadAttributesResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReportAttributesCommand;
import com.zsmartsystems.zigbee.zcl.clusters.general.WriteAttributesCommand;
import com.zsmartsystems.zigbee.zcl.clusters.general.WriteAttributesResponse;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneEnrollResponse;
import com.zsmartsystems.zigbee.zcl.field.AttributeReport;
import com.zsmartsystems.zigbee.zcl.field.ReadAttributeStatusRecord;
import com.zsmartsystems.zigbee.zcl.field.WriteAttributeRecord;
import com.zsmartsystems.zigbee.zcl.field.WriteAttributeStatusRecord;
import com.zsmartsystems.zigbee.zcl.protocol.ZclDataType;
import com.zsmartsystems.zigbee.zdo.ZdoStatus;
import com.zsmartsystems.zigbee.zdo.command.ActiveEndpointsResponse;
import com.zsmartsystems.zigbee.zdo.command.BindResponse;
import com.zsmartsystems.zigbee.zdo.command.DeviceAnnounce;
import com.zsmartsystems.zigbee.zdo.command.IeeeAddressResponse;
import com.zsmartsystems.zigbee.zdo.command.ManagementLeaveResponse;
import com.zsmartsystems.zigbee.zdo.command.NetworkAddressResponse;

/**
 * A Zigbee end device on the far side of {@link FakeTransport}: it answers what the coordinator
 * asks (ZDO discovery, attribute reads and writes, reporting, binding) from its own attribute
 * table, as a real sensor's firmware does, with frames the library serializes.
 */
final class FakeDevice {

    record Attribute(ZclDataType type, Object value) {
    }

    final IeeeAddress ieee;
    final int nwk;
    final int endpoint = 1;
    final int deviceType;
    final List<Integer> inputClusters;
    /** Client clusters: what a remote or key fob sends commands from. */
    volatile List<Integer> outputClusters = List.of();
    /** cluster -> attribute id -> value */
    final Map<Integer, Map<Integer, Attribute>> attributes = new ConcurrentHashMap<>();
    volatile Integer enrolledZoneId;
    volatile int enrolResponses;
    volatile boolean left;
    /** While set, a read of the IAS zone type goes unanswered, as when the answer is lost on the air. */
    volatile boolean zoneTypeUnanswered;

    FakeDevice(String ieee, int nwk, int deviceType, List<Integer> inputClusters) {
        this.ieee = new IeeeAddress(ieee);
        this.nwk = nwk;
        this.deviceType = deviceType;
        this.inputClusters = List.copyOf(inputClusters);
    }

    FakeDevice attribute(int cluster, int id, ZclDataType type, Object value) {
        attributes.computeIfAbsent(cluster, c -> new ConcurrentHashMap<>()).put(id, new Attribute(type, value));
        return this;
    }

    Object value(int cluster, int id) {
        Attribute a = attributes.getOrDefault(cluster, Map.of()).get(id);
        return a == null ? null : a.value();
    }

    FakeDevice outputs(Integer... clusters) {
        outputClusters = List.of(clusters);
        return this;
    }

    /** A command a button press sends from one of its client clusters to the coordinator, bound to it. */
    ZigBeeApsFrame press(int cluster, ZclCommand command) {
        return Frames.command(nwk, endpoint, cluster, command);
    }

    ZigBeeApsFrame announce() {
        return Frames.zdo(nwk, new DeviceAnnounce(nwk, ieee, 0x80), 1);
    }

    ZigBeeApsFrame report(int cluster, int id, ZclDataType type, Object value) {
        attribute(cluster, id, type, value);
        AttributeReport report = new AttributeReport();
        report.setAttributeIdentifier(id);
        report.setAttributeDataType(type);
        report.setAttributeValue(value);
        return Frames.zcl(nwk, endpoint, cluster, new ReportAttributesCommand(List.of(report)));
    }

    /** The frames this device answers {@code request} with (none for what needs no answer). */
    List<ZigBeeApsFrame> answer(ZigBeeApsFrame request) {
        List<ZigBeeApsFrame> answers = new ArrayList<>();
        if (request.getProfile() == Frames.PROFILE_ZDO) {
            int tid = request.getPayload()[0];
            switch (request.getCluster()) {
                case 0x0000 -> answers.add(Frames.zdo(nwk, new NetworkAddressResponse(ZdoStatus.SUCCESS, ieee, nwk, 0, List.of()), tid));
                case 0x0001 -> answers.add(Frames.zdo(nwk, new IeeeAddressResponse(ZdoStatus.SUCCESS, ieee, nwk, 0, List.of()), tid));
                // the library reads descriptors but cannot write them: these three are laid out by hand, per the ZDO spec
                case 0x0002 -> answers.add(Frames.frame(nwk, 0, 0, Frames.PROFILE_ZDO, 0x8002, new int[] {tid, 0x00, nwk & 0xFF, nwk >> 8,
                    0x02, // logical type: end device
                    0x40, // 2.4 GHz
                    0x80, // MAC capabilities: allocate address; not a router, not mains powered, receiver off when idle
                    0x34, 0x12, 80, 80, 0x00, 0x00, 0x00, 80, 0x00, 0x00}));
                case 0x0003 -> answers.add(Frames.frame(nwk, 0, 0, Frames.PROFILE_ZDO, 0x8003, new int[] {tid, 0x00, nwk & 0xFF, nwk >> 8,
                    0x40, // receiver on when stimulated; disposable battery available
                    0xC4})); // on the disposable battery, 100 %
                case 0x0004 -> {
                    List<Integer> payload = new ArrayList<>(List.of(tid, 0x00, nwk & 0xFF, nwk >> 8, 0, endpoint, Frames.PROFILE_HA & 0xFF,
                            Frames.PROFILE_HA >> 8, deviceType & 0xFF, deviceType >> 8, 1, inputClusters.size()));
                    for (int cluster : inputClusters) {
                        payload.add(cluster & 0xFF);
                        payload.add(cluster >> 8);
                    }
                    payload.add(outputClusters.size());
                    for (int cluster : outputClusters) {
                        payload.add(cluster & 0xFF);
                        payload.add(cluster >> 8);
                    }
                    payload.set(4, payload.size() - 5);
                    answers.add(Frames.frame(nwk, 0, 0, Frames.PROFILE_ZDO, 0x8004, payload.stream().mapToInt(Integer::intValue).toArray()));
                }
                case 0x0005 -> answers.add(Frames.zdo(nwk, new ActiveEndpointsResponse(ZdoStatus.SUCCESS, nwk, List.of(endpoint)), tid));
                case 0x0021 -> answers.add(Frames.zdo(nwk, new BindResponse(ZdoStatus.SUCCESS), tid));
                case 0x0034 -> {
                    left = true;
                    answers.add(Frames.zdo(nwk, new ManagementLeaveResponse(ZdoStatus.SUCCESS), tid));
                }
                default -> {
                }
            }
            return answers;
        }
        ZclFieldDeserializer in = new ZclFieldDeserializer(new DefaultDeserializer(request.getPayload()));
        ZclHeader header = new ZclHeader(in);
        int cluster = request.getCluster();
        if (header.getFrameType() == ZclFrameType.ENTIRE_PROFILE_COMMAND) {
            switch (header.getCommandId()) {
                case 0x00 -> {
                    ReadAttributesCommand read = new ReadAttributesCommand();
                    read.deserialize(in);
                    if (zoneTypeUnanswered && cluster == 0x0500 && read.getIdentifiers().contains(0x0001)) {
                        return answers;
                    }
                    List<ReadAttributeStatusRecord> records = new ArrayList<>();
                    for (int id : read.getIdentifiers()) {
                        ReadAttributeStatusRecord record = new ReadAttributeStatusRecord();
                        record.setAttributeIdentifier(id);
                        Attribute a = attributes.getOrDefault(cluster, Map.of()).get(id);
                        if (a == null) {
                            record.setStatus(ZclStatus.UNSUPPORTED_ATTRIBUTE);
                        } else {
                            record.setStatus(ZclStatus.SUCCESS);
                            record.setAttributeDataType(a.type());
                            record.setAttributeValue(a.value());
                        }
                        records.add(record);
                    }
                    answers.add(reply(cluster, new ReadAttributesResponse(records), header));
                }
                case 0x02 -> {
                    WriteAttributesCommand write = new WriteAttributesCommand();
                    write.deserialize(in);
                    List<WriteAttributeStatusRecord> records = new ArrayList<>();
                    for (WriteAttributeRecord r : write.getRecords()) {
                        attribute(cluster, r.getAttributeIdentifier(), r.getAttributeDataType(), r.getAttributeValue());
                        WriteAttributeStatusRecord status = new WriteAttributeStatusRecord();
                        status.setAttributeIdentifier(r.getAttributeIdentifier());
                        status.setStatus(ZclStatus.SUCCESS);
                        records.add(status);
                    }
                    answers.add(reply(cluster, new WriteAttributesResponse(records), header));
                }
                case 0x06 -> answers.add(reply(cluster, new ConfigureReportingResponse(ZclStatus.SUCCESS, List.of()), header));
                default -> {
                }
            }
        } else if (cluster == 0x0500 && header.getCommandId() == 0x00) {
            ZoneEnrollResponse enrol = new ZoneEnrollResponse();
            enrol.deserialize(in);
            enrolledZoneId = enrol.getZoneId();
            enrolResponses++;
            if (Integer.valueOf(0).equals(enrol.getEnrollResponseCode())) {
                attribute(cluster, 0x0000, ZclDataType.ENUMERATION_8_BIT, 1); // zone state: enrolled, as the IAS spec has it
            }
        }
        return answers;
    }

    private ZigBeeApsFrame reply(int cluster, ZclCommand command, ZclHeader request) {
        return Frames.zcl(nwk, endpoint, cluster, command, request.getSequenceNumber());
    }

    static Map<Integer, Attribute> basic(String manufacturer, String model) {
        Map<Integer, Attribute> map = new LinkedHashMap<>();
        map.put(0x0004, new Attribute(ZclDataType.CHARACTER_STRING, manufacturer));
        map.put(0x0005, new Attribute(ZclDataType.CHARACTER_STRING, model));
        return map;
    }
}
