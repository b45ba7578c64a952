package io.pulsarwasm.engine;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Everything that bounds a guest: its {@link Limits} and its {@link WasiConfig}.
 *
 * @param limits memory, time and size limits
 * @param wasi whether and how WASI is linked
 */
public record Sandbox(Limits limits, WasiConfig wasi) {

    /** Default limits, WASI off. */
    public static final Sandbox DEFAULT = new Sandbox(Limits.DEFAULTS, WasiConfig.OFF);

    /**
     * @return the sandbox as log lines show it: {@code WASI on|off} and the limits that differ from the
     *     defaults, e.g. {@code WASI off, limits wasm.timeout-ms=200 (the rest default)}
     */
    public String describe() {
        String changed = Arrays.stream(Limit.values())
                .filter(l -> limits.get(l) != Limits.DEFAULTS.get(l))
                .map(l -> l.key() + "=" + limits.get(l))
                .collect(Collectors.joining(", "));
        return "WASI " + (wasi.enabled() ? "on" : "off") + ", "
                + (changed.isEmpty() ? "default limits" : "limits " + changed + " (the rest default)");
    }
}
