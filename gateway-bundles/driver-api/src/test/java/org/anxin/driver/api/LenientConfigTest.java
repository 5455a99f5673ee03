package org.anxin.driver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LenientConfigTest {

    /** A configuration type as a driver declares one for its MetaType. */
    @interface SensorConfig {
        String device();

        int pin();

        String pull() default "up";

        int debounceMillis() default 50;

        double speed() default 1.0;

        boolean enabled() default true;

        String[] roles() default {};

        String bindAddress() default "0.0.0.0";
    }

    /** The options, checked as drivers check theirs: each problem names its property in quotes. */
    record Sensor(String device, int pin, String pull, int debounceMillis, double speed, boolean enabled, List<String> roles,
                  String bindAddress) {

        static Sensor from(SensorConfig c) {
            if (c.pin() < 0 || c.pin() > 27) {
                throw new IllegalArgumentException("'pin' must be 0..27, got " + c.pin());
            }
            if (!List.of("up", "down", "off").contains(c.pull())) {
                throw new IllegalArgumentException("'pull' must be up, down or off, got '" + c.pull() + "'");
            }
            if (c.debounceMillis() < 0) {
                throw new IllegalArgumentException("'debounceMillis' must be >= 0");
            }
            for (String role : c.roles()) {
                if (!role.contains(":")) {
                    throw new IllegalArgumentException("'roles' entry '" + role + "' must be IEEE:kind");
                }
            }
            if (!c.bindAddress().matches("[0-9.]+")) {
                throw new IllegalArgumentException("'bindAddress' " + c.bindAddress() + " is not an address");
            }
            return new Sensor(c.device(), c.pin(), c.pull(), c.debounceMillis(), c.speed(), c.enabled(), List.of(c.roles()),
                    c.bindAddress());
        }
    }

    @interface Keys {
        String pskFile() default "";
    }

    record KeysOptions(String file) {
        static KeysOptions from(Keys k) {
            if (k.pskFile().isEmpty()) {
                throw new IllegalArgumentException("'pskFile' is required with dtls-psk");
            }
            throw new IllegalArgumentException("'pskFile' " + k.pskFile() + " cannot be read");
        }
    }

    private static LenientConfig.Read<Sensor> read(Map<String, ?> properties, String... strict) {
        return LenientConfig.read(SensorConfig.class, properties, Sensor::from, strict);
    }

    private static Map<String, Object> good() {
        Map<String, Object> p = new HashMap<>();
        p.put("device", "front");
        p.put("pin", "17");
        p.put("felix.fileinstall.filename", "file:/etc/anxin/org.anxin.driver.gpio.input-front.cfg");
        return p;
    }

    @Test
    void aValueOfTheWrongTypeFallsBackToItsDefaultAndTheFallbackNamesTheProperty() {
        Map<String, Object> p = good();
        p.put("debounceMillis", "fast");
        p.put("speed", "quick");
        p.put("enabled", "yes");
        LenientConfig.Read<Sensor> read = read(p);
        assertThat(read.options().debounceMillis()).isEqualTo(50);
        assertThat(read.options().speed()).isEqualTo(1.0);
        assertThat(read.options().enabled()).isTrue();
        assertThat(read.options().pin()).isEqualTo(17);
        assertThat(read.fallbacks()).containsExactlyInAnyOrder(
                "'debounceMillis': 'fast' is not a whole number; fell back to default 50",
                "'speed': 'quick' is not a number; fell back to default 1.0",
                "'enabled': 'yes' is not true or false; fell back to default true");
    }

    @Test
    void aValueTheComponentsChecksRefuseFallsBackToItsDefaultAndTheOthersAreKept() {
        Map<String, Object> p = good();
        p.put("pull", "sideways");
        p.put("debounceMillis", "-5");
        p.put("roles", new String[] {"00124B0012345678:smoke", "kitchen"});
        LenientConfig.Read<Sensor> read = read(p);
        assertThat(read.options()).isEqualTo(new Sensor("front", 17, "up", 50, 1.0, true, List.of(), "0.0.0.0"));
        assertThat(read.fallbacks()).hasSize(3).anySatisfy(f -> assertThat(f).contains("'pull' must be up, down or off, got 'sideways'",
                "fell back to default up"));
    }

    @Test
    void aRequiredPropertyThatCannotBeReadIsThrownNamingItAndItsValue() {
        Map<String, Object> p = good();
        p.put("pin", "seventeen");
        p.put("debounceMillis", "fast");
        assertThatThrownBy(() -> read(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'pin': 'seventeen' is not a whole number; it is required and has no default");
        p.put("pin", "40");
        assertThatThrownBy(() -> read(p)).hasMessageContaining("'pin' must be 0..27, got 40");
        p.remove("pin");
        assertThatThrownBy(() -> read(p)).hasMessageContaining("'pin' is required and not set");
    }

    @Test
    void aStrictPropertyNeverTakesItsDefaultInPlaceOfABadValue() {
        Map<String, Object> p = good();
        p.put("bindAddress", "127.0.0.l");
        assertThat(read(p).options().bindAddress()).isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> read(p, "bindAddress")).hasMessageContaining("'bindAddress' 127.0.0.l is not an address");
    }

    @Test
    void valuesComeAsConfigAdminGivesThemAndUnknownPropertiesAreIgnoredAndNamed() {
        Map<String, Object> p = good();
        p.put("pin", 22);
        p.put("speed", 3600);
        p.put("enabled", Boolean.FALSE);
        p.put("roles", "00124B0012345678:smoke");
        p.put("debounceMilis", "100");
        p.put("service.pid", "org.anxin.driver.gpio.input.1234");
        LenientConfig.Read<Sensor> read = read(p);
        assertThat(read.options()).isEqualTo(new Sensor("front", 22, "up", 50, 3600.0, false, List.of("00124B0012345678:smoke"), "0.0.0.0"));
        assertThat(read.fallbacks()).singleElement().asString().contains("unknown properties [debounceMilis] ignored");
    }

    @Test
    void everyFallbackIsCounted() {
        long before = LenientConfig.fallbacksCounted();
        Map<String, Object> p = good();
        p.put("debounceMillis", "fast");
        p.put("pull", "sideways");
        read(p);
        assertThat(LenientConfig.fallbacksCounted() - before).isEqualTo(2);
    }

    @Test
    void aProblemThatADefaultLedToIsThrownWithTheFirstProblemToo() {
        // the shape of CoAP's key file: an unreadable file falls back to none, and none is then required
        assertThatThrownBy(() -> LenientConfig.read(Keys.class, Map.of("pskFile", "/nowhere"), KeysOptions::from))
                .hasMessageContaining("'pskFile' is required with dtls-psk; after falling back from: 'pskFile' /nowhere cannot be read");
    }
}
