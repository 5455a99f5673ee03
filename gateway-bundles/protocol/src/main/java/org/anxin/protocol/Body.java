package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What an {@link Envelope} carries. The JSON property {@code message} names the kind of body. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "message")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Reading.class, name = "reading"),
    @JsonSubTypes.Type(value = Alert.class, name = "alert"),
    @JsonSubTypes.Type(value = GatewayState.class, name = "state"),
    @JsonSubTypes.Type(value = Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = ConfigDocument.class, name = "config"),
    @JsonSubTypes.Type(value = ConfigReport.class, name = "config-report"),
    @JsonSubTypes.Type(value = CommandRequest.class, name = "command"),
    @JsonSubTypes.Type(value = CommandResult.class, name = "command-result"),
    @JsonSubTypes.Type(value = StoredReceipt.class, name = "stored")
})
public sealed interface Body permits Reading, Alert, GatewayState, Heartbeat, ConfigDocument, ConfigReport,
        CommandRequest, CommandResult, StoredReceipt {

    /** The topic channel this body travels on. */
    Channel channel();
}
