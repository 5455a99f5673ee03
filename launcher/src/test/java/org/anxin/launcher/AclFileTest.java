package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moquette.broker.subscriptions.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.anxin.broker.BrokerAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclFileTest {

    @TempDir
    Path dir;

    @Test
    void theProvisionedAclGivesEachGatewayItsOwnTopicsAndTheBridgeAll() throws Exception {
        AclFile acl = AclFile.read(Files.writeString(dir.resolve("anxin.acl"), BrokerAccounts.acl("anxin-bridge")));
        for (String channel : new String[] {"reading", "alert", "state", "heartbeat", "config/reported", "command/result"}) {
            assertThat(acl.canWrite(topic("anxin/v1/gw/gw-a/" + channel), "gw-a", "c1")).as(channel).isTrue();
            assertThat(acl.canWrite(topic("anxin/v1/gw/gw-b/" + channel), "gw-a", "c1")).as(channel).isFalse();
            assertThat(acl.canRead(topic("anxin/v1/gw/gw-a/" + channel), "gw-a", "c1")).as(channel).isFalse();
        }
        for (String channel : new String[] {"config/desired", "command", "stored"}) {
            assertThat(acl.canRead(topic("anxin/v1/gw/gw-a/" + channel), "gw-a", "c1")).isTrue();
            assertThat(acl.canRead(topic("anxin/v1/gw/gw-b/" + channel), "gw-a", "c1")).isFalse();
            assertThat(acl.canWrite(topic("anxin/v1/gw/gw-a/" + channel), "gw-a", "c1")).as("a gateway sending itself a downlink").isFalse();
            assertThat(acl.canWrite(topic("anxin/v1/gw/gw-b/" + channel), "anxin-bridge", "b1")).isTrue();
        }
        assertThat(acl.canRead(topic("anxin/v1/gw/+/#"), "anxin-bridge", "b1")).isTrue();
        assertThat(acl.canWrite(topic("anxin/v1/gw/gw-b/alert"), "anxin-bridge", "b1")).as("the bridge forging an alert").isFalse();
        // wildcards a gateway might try
        assertThat(acl.canRead(topic("anxin/v1/gw/+/alert"), "gw-a", "c1")).isFalse();
        assertThat(acl.canRead(topic("anxin/v1/gw/gw-a/+"), "gw-a", "c1")).isFalse();
        assertThat(acl.canRead(topic("#"), "gw-a", "c1")).isFalse();
        // no account, no rights
        assertThat(acl.canWrite(topic("anxin/v1/gw/gw-a/alert"), null, "c1")).isFalse();
    }

    @Test
    void aUserNameWithWildcardsIsNeverSubstitutedIntoAPattern() throws Exception {
        AclFile acl = AclFile.read(Files.writeString(dir.resolve("acl"), "pattern readwrite anxin/v1/gw/%u/#\n"));
        assertThat(acl.canRead(topic("anxin/v1/gw/x/alert"), "+", "c")).isFalse();
        assertThat(acl.canWrite(topic("anxin/v1/gw/x/alert"), "x", "c")).isTrue();
    }

    @Test
    void topicsBeforeAnyUserAreForAnonymousClientsOnlyAsInMosquitto() throws Exception {
        AclFile acl = AclFile.read(Files.writeString(dir.resolve("acl"), "topic read public/#\nuser u\ntopic write u/x\n"));
        assertThat(acl.canRead(topic("public/a"), null, "c")).isTrue();
        assertThat(acl.canRead(topic("public/a"), "u", "c")).isFalse();
        assertThat(acl.canWrite(topic("u/x"), "u", "c")).isTrue();
    }

    @Test
    void aLineItDoesNotUnderstandStopsTheBrokerFromStarting() throws IOException {
        Path deny = Files.writeString(dir.resolve("deny"), "user u\ntopic deny secret/#\n");
        assertThatThrownBy(() -> AclFile.read(deny)).isInstanceOf(IOException.class).hasMessageContaining("line 2");
        Path junk = Files.writeString(dir.resolve("junk"), "# fine\nallow everything\n");
        assertThatThrownBy(() -> AclFile.read(junk)).isInstanceOf(IOException.class).hasMessageContaining("line 2");
    }

    @Test
    void coverageIsOfEveryTopicASubscriptionCouldMatch() {
        assertThat(AclFile.covers("a/+/c", "a/b/c")).isTrue();
        assertThat(AclFile.covers("a/+/c", "a/+/c")).isTrue();
        assertThat(AclFile.covers("a/#", "a/+/c/#")).isTrue();
        assertThat(AclFile.covers("a/#", "a")).isTrue();
        assertThat(AclFile.covers("a/b/c", "a/+/c")).isFalse();
        assertThat(AclFile.covers("a/b/+", "a/b/#")).isFalse();
        assertThat(AclFile.covers("a/b", "a/b/c")).isFalse();
    }

    private static Topic topic(String s) {
        return new Topic(s);
    }
}
