package io.pulsarwasm.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A function's {@code wasm.*} user config, parsed and checked once: where the module is, how it
 * runs, and its sandbox. Every other user config key belongs to the guest and is not looked at.
 *
 * <pre>{@code
 * WasmConfig config = WasmConfig.parse(context.getUserConfigMap());
 * }</pre>
 *
 * @param module the module's location ({@value #MODULE}), if configured
 * @param execution how guest code runs ({@value ExecutionMode#KEY})
 * @param aotClass the build-time compiled class ({@value ExecutionMode#AOT_CLASS_KEY}), if configured
 * @param sandbox the guest's limits and WASI settings
 */
public record WasmConfig(Optional<String> module, ExecutionMode execution, Optional<String> aotClass, Sandbox sandbox) {

    /**
     * User config key naming the module to run: {@code classpath:<resource>}, {@code file:///<absolute path>}
     * or a URL.
     */
    public static final String MODULE = "wasm.module";

    /** Every key the host reads; any other {@code wasm.*} key is a mistake. */
    public static final Set<String> KEYS = Stream.concat(
                    Stream.of(
                            MODULE,
                            ExecutionMode.KEY,
                            ExecutionMode.AOT_CLASS_KEY,
                            WasiConfig.ENABLED,
                            WasiConfig.ENV,
                            WasiConfig.ARGS,
                            WasiConfig.DIRS),
                    Arrays.stream(Limit.values()).map(Limit::key))
            .collect(Collectors.toUnmodifiableSet());

    /** The defaults: no module configured, the runtime compiler, the default sandbox. */
    public static final WasmConfig DEFAULTS =
            new WasmConfig(Optional.empty(), ExecutionMode.COMPILER, Optional.empty(), Sandbox.DEFAULT);

    private static final String PREFIX = "wasm.";

    /**
     * Parses the {@code wasm.*} keys of a user config.
     *
     * @param userConfig the function's user config, as Pulsar parsed it from JSON (numbers as {@code Double})
     * @return the configuration
     * @throws IllegalArgumentException naming the key and what was wrong: an unknown {@code wasm.*} key
     *     (with the nearest known one), or a value of the wrong type or out of range (with the range)
     */
    public static WasmConfig parse(Map<String, ?> userConfig) {
        return parse(userConfig, Set.of());
    }

    /**
     * Parses the {@code wasm.*} keys of a user config for a front-end that reads some
     * {@code wasm.*} keys of its own (a record function's schemas, say): those are known keys too,
     * left for the front-end to read.
     *
     * @param userConfig the function's user config, as Pulsar parsed it from JSON (numbers as {@code Double})
     * @param frontEndKeys the {@code wasm.*} keys the front-end reads itself
     * @return the configuration
     * @throws IllegalArgumentException as {@link #parse(Map)}
     */
    public static WasmConfig parse(Map<String, ?> userConfig, Set<String> frontEndKeys) {
        Set<String> known = frontEndKeys.isEmpty()
                ? KEYS
                : Stream.concat(KEYS.stream(), frontEndKeys.stream()).collect(Collectors.toUnmodifiableSet());
        for (String key : userConfig.keySet()) {
            if (key.startsWith(PREFIX) && !known.contains(key)) {
                throw new IllegalArgumentException("unknown user config key '" + key + "'; did you mean '"
                        + nearest(known, key) + "'? (the wasm.* keys are "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        Limits limits = Limits.DEFAULTS;
        for (Limit limit : Limit.values()) {
            Object value = userConfig.get(limit.key());
            if (value != null) {
                limits = limits.with(limit, whole(limit, value));
            }
        }
        return new WasmConfig(
                text(userConfig, MODULE),
                execution(userConfig),
                text(userConfig, ExecutionMode.AOT_CLASS_KEY),
                new Sandbox(limits, wasi(userConfig)));
    }

    /**
     * A user config value as the guest reads it: Pulsar parses user config from JSON, where every
     * number is a double, so whole numbers are rendered without a fraction ({@code {"factor": 3}}
     * reads as {@code "3"}, not {@code "3.0"}).
     *
     * @param value a user config value
     * @return its text
     */
    public static String configText(Object value) {
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 0x1p53) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(value);
    }

    private static Optional<String> text(Map<String, ?> config, String key) {
        return Optional.ofNullable(config.get(key)).map(String::valueOf);
    }

    private static ExecutionMode execution(Map<String, ?> config) {
        String value = text(config, ExecutionMode.KEY).orElse("compiler");
        try {
            return ExecutionMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "user config " + ExecutionMode.KEY + " must be interpreter, compiler or aot, got '" + value + "'",
                    e);
        }
    }

    private static long whole(Limit limit, Object value) {
        String text = configText(value);
        try {
            double number = Double.parseDouble(text);
            if (number >= limit.min() && number <= limit.max() && number == Math.rint(number)) {
                return (long) number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(Limits.outOfRange(limit, text));
    }

    private static WasiConfig wasi(Map<String, ?> config) {
        Object enabled = config.get(WasiConfig.ENABLED);
        if (enabled != null && !(enabled instanceof Boolean) && !"true".equals(enabled) && !"false".equals(enabled)) {
            throw new IllegalArgumentException(
                    "user config " + WasiConfig.ENABLED + " must be true or false, got '" + enabled + "'");
        }
        if (!Boolean.parseBoolean(String.valueOf(enabled))) {
            for (String key : List.of(
                    WasiConfig.ENV,
                    WasiConfig.ARGS,
                    WasiConfig.DIRS,
                    Limit.WASI_MAX_FS_BYTES.key(),
                    Limit.WASI_MAX_FILES.key(),
                    Limit.WASI_MAX_OPEN_FILES.key())) {
                if (config.containsKey(key)) {
                    throw new IllegalArgumentException(
                            "user config " + key + " is set but WASI is off; set " + WasiConfig.ENABLED + " to true");
                }
            }
            return WasiConfig.OFF;
        }
        Map<String, String> environment = new LinkedHashMap<>();
        object(config, WasiConfig.ENV)
                .forEach((key, value) -> environment.put(String.valueOf(key), String.valueOf(value)));
        List<String> arguments = new ArrayList<>();
        Object args = config.get(WasiConfig.ARGS);
        if (args != null) {
            if (!(args instanceof List<?> list)) {
                throw new IllegalArgumentException(
                        "user config " + WasiConfig.ARGS + " must be a JSON array of strings, got " + args);
            }
            list.forEach(argument -> arguments.add(String.valueOf(argument)));
        }
        Map<String, WasiConfig.Directory> directories = new LinkedHashMap<>();
        object(config, WasiConfig.DIRS).forEach((guest, host) -> {
            String text = String.valueOf(host);
            boolean writable = text.endsWith(":rw");
            directories.put(
                    String.valueOf(guest),
                    new WasiConfig.Directory(
                            Path.of(writable ? text.substring(0, text.length() - 3) : text), writable));
        });
        return new WasiConfig(true, environment, arguments, directories);
    }

    private static Map<?, ?> object(Map<String, ?> config, String key) {
        Object value = config.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("user config " + key + " must be a JSON object, got " + value);
        }
        return map;
    }

    /** The known key closest to a mistyped one, by edit distance. */
    private static String nearest(Set<String> keys, String key) {
        return keys.stream()
                .min(Comparator.comparingInt((String known) -> distance(key, known))
                        .thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
