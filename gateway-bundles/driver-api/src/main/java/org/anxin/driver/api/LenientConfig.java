package org.anxin.driver.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's configuration read so that a bad value costs that setting, not the component. The
 * typed definition of every setting is the component's configuration annotation, the one its
 * MetaType is generated from: a method per property, its return type the property's type, its
 * default the default, no default meaning required.
 *
 * <p>Reading has two steps. Each property is converted to its method's type; one that cannot be
 * (a {@code debounceMillis=fast}) takes its default. Then the component's own checks run on the
 * result (ranges, choices, settings that contradict each other), which throw
 * {@link IllegalArgumentException} naming the property in quotes ({@code 'pull' must be up, down or
 * off}); each property so named that has a default goes back to it and the checks run again. The
 * detection component reads its file this way too ({@code DetectionOptions.fromPropertiesLeniently}),
 * and every driver does. A problem that names
 * only required properties (a gpio input's {@code pin}, a scenario file that cannot be read) cannot
 * be repaired and is thrown: that one configuration, one sensor or one server, stays down, with the
 * message. Every fallback is logged with the file and the property and counted.
 */
public final class LenientConfig {

    private static final Logger LOG = LoggerFactory.getLogger(LenientConfig.class);
    private static final String FILE = "felix.fileinstall.filename";
    private static final AtomicLong FALLBACKS = new AtomicLong();

    private LenientConfig() {
    }

    /**
     * The options built from the properties, and what fell back.
     *
     * @param fallbacks one sentence per property that was unusable, naming it and what it fell back to
     */
    public record Read<O>(O options, List<String> fallbacks) {
    }

    /**
     * Reads {@code properties} by the annotation {@code type} and builds the options with {@code build},
     * falling back as the class comment says; each fallback is logged naming {@code properties}' file.
     *
     * @param strict properties that never fall back, though they have a default: those whose default
     *     would widen what the component exposes (a bind address whose default is every interface)
     * @throws IllegalArgumentException when a problem names no property that has a default
     */
    public static <A extends Annotation, O> Read<O> read(Class<A> type, Map<String, ?> properties, Function<A, O> build,
                                                         String... strict) {
        Object source = properties.get(FILE);
        if (source == null) {
            source = properties.get("service.pid");
        }
        if (source == null) {
            source = type.getSimpleName();
        }
        String file = String.valueOf(source).replaceFirst("^file:", "");
        List<String> fallbacks = new ArrayList<>();
        try {
            Map<String, Object> values = convert(type, properties, List.of(strict), fallbacks);
            List<String> checksFailed = new ArrayList<>();
            for (int attempt = 0; ; attempt++) {
                try {
                    O options = build.apply(proxy(type, values));
                    return new Read<>(options, List.copyOf(fallbacks));
                } catch (IllegalArgumentException problem) {
                    List<Method> repaired = new ArrayList<>();
                    for (Method m : type.getDeclaredMethods()) {
                        Object def = m.getDefaultValue();
                        if (def != null && !List.of(strict).contains(m.getName()) && named(problem, m.getName())
                                && !sameValue(values.get(m.getName()), def)) {
                            values.put(m.getName(), def);
                            repaired.add(m);
                        }
                    }
                    if (repaired.isEmpty() || attempt > values.size()) {
                        // a default that led to this problem is no excuse for hiding the first one
                        throw checksFailed.isEmpty() ? problem : new IllegalArgumentException(problem.getMessage()
                                + "; after falling back from: " + String.join("; ", checksFailed), problem);
                    }
                    checksFailed.add(problem.getMessage());
                    fallbacks.add(problem.getMessage() + (repaired.size() == 1 ? "; fell back to default " + show(repaired.get(0).getDefaultValue())
                            : "; fell back to the defaults " + repaired.stream().map(m -> "'" + m.getName() + "' = " + show(m.getDefaultValue())).toList()));
                }
            }
        } finally {
            for (String fallback : fallbacks) {
                LOG.error("configuration {}: {}", file, fallback);
            }
            FALLBACKS.addAndGet(fallbacks.size());
        }
    }

    /** Fallbacks taken since the gateway started, by every component read this way. */
    public static long fallbacksCounted() {
        return FALLBACKS.get();
    }

    /** The properties as the methods' types; one that does not convert takes its default, or fails when called if it has none. */
    private static Map<String, Object> convert(Class<?> type, Map<String, ?> properties, List<String> strict, List<String> fallbacks) {
        Map<String, Object> values = new LinkedHashMap<>();
        TreeSet<String> known = new TreeSet<>();
        for (Method m : type.getDeclaredMethods()) {
            known.add(m.getName());
            Object raw = properties.get(m.getName());
            Object def = m.getDefaultValue();
            if (raw == null) {
                values.put(m.getName(), def != null ? def : new Unusable("'" + m.getName() + "' is required and not set"));
                continue;
            }
            try {
                values.put(m.getName(), convert(raw, m.getReturnType()));
            } catch (IllegalArgumentException bad) {
                String problem = "'" + m.getName() + "': '" + show(raw) + "' " + bad.getMessage();
                if (def == null || strict.contains(m.getName())) {
                    values.put(m.getName(), new Unusable(problem + (def == null ? "; it is required and has no default"
                            : "; its default is not taken in its place")));
                } else {
                    values.put(m.getName(), def);
                    fallbacks.add(problem + "; fell back to default " + show(def));
                }
            }
        }
        TreeSet<String> unknown = new TreeSet<>();
        for (String name : properties.keySet()) {
            if (!name.contains(".") && !known.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            fallbacks.add("unknown properties " + unknown + " ignored; known: " + known);
        }
        return values;
    }

    /** A required property that is missing or could not be converted: calling its method throws. */
    private record Unusable(String problem) {
    }

    private static Object convert(Object raw, Class<?> to) {
        if (to.isArray()) {
            Object[] items = raw instanceof Collection<?> c ? c.toArray() : raw.getClass().isArray() ? boxed(raw) : new Object[] {raw};
            Object array = Array.newInstance(to.getComponentType(), items.length);
            for (int i = 0; i < items.length; i++) {
                Array.set(array, i, convert(items[i], to.getComponentType()));
            }
            return array;
        }
        Object value = raw instanceof Collection<?> c ? first(c.toArray()) : raw.getClass().isArray() ? first(boxed(raw)) : raw;
        if (to == String.class) {
            return String.valueOf(value);
        }
        String text = String.valueOf(value).trim();
        if (to == boolean.class) {
            if (value instanceof Boolean b) {
                return b;
            }
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new IllegalArgumentException("is not true or false");
        }
        if (to == int.class || to == long.class || to == short.class || to == byte.class) {
            long n;
            try {
                n = value instanceof Number number && !(value instanceof Double || value instanceof Float) ? number.longValue()
                        : Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a whole number");
            }
            long min = to == int.class ? Integer.MIN_VALUE : to == short.class ? Short.MIN_VALUE : to == byte.class ? Byte.MIN_VALUE : Long.MIN_VALUE;
            long max = to == int.class ? Integer.MAX_VALUE : to == short.class ? Short.MAX_VALUE : to == byte.class ? Byte.MAX_VALUE : Long.MAX_VALUE;
            if (n < min || n > max) {
                throw new IllegalArgumentException("is out of range");
            }
            return to == int.class ? (Object) (int) n : to == short.class ? (Object) (short) n : to == byte.class ? (Object) (byte) n : (Object) n;
        }
        if (to == double.class || to == float.class) {
            double d;
            try {
                d = value instanceof Number number ? number.doubleValue() : Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a number");
            }
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("is not a finite number");
            }
            return to == float.class ? (Object) (float) d : (Object) d;
        }
        throw new IllegalStateException("a configuration property of type " + to + " is not supported");
    }

    private static Object[] boxed(Object array) {
        Object[] out = new Object[Array.getLength(array)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Array.get(array, i);
        }
        return out;
    }

    private static Object first(Object[] items) {
        if (items.length == 0) {
            throw new IllegalArgumentException("is an empty list");
        }
        return items[0];
    }

    @SuppressWarnings("unchecked")
    private static <A extends Annotation> A proxy(Class<A> type, Map<String, Object> values) {
        Map<String, Object> snapshot = new LinkedHashMap<>(values);
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
                case "annotationType" -> {
                    return type;
                }
                case "toString" -> {
                    return type.getSimpleName() + snapshot.keySet();
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                case "equals" -> {
                    return self == args[0];
                }
                default -> {
                    Object v = snapshot.get(method.getName());
                    if (v instanceof Unusable u) {
                        throw new IllegalArgumentException(u.problem());
                    }
                    return v != null && v.getClass().isArray() ? cloneArray(v) : v;
                }
            }
        });
    }

    private static Object cloneArray(Object array) {
        int n = Array.getLength(array);
        Object copy = Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, copy, 0, n);
        return copy;
    }

    /** Whether the problem names the property the way every options check does: in single quotes. */
    private static boolean named(IllegalArgumentException problem, String property) {
        String message = problem.getMessage();
        return message != null && Pattern.compile("'" + Pattern.quote(property) + "'").matcher(message).find();
    }

    private static boolean sameValue(Object a, Object b) {
        return a != null && a.getClass().isArray() && b.getClass().isArray() ? Arrays.deepEquals(boxed(a), boxed(b)) : Objects.equals(a, b);
    }

    private static String show(Object value) {
        return value != null && value.getClass().isArray() ? Arrays.toString(boxed(value)) : String.valueOf(value);
    }
}
