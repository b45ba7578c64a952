package io.pulsarwasm.engine;

/**
 * Everything that bounds a guest: its {@link Limits} and its {@link WasiConfig}.
 *
 * @param limits memory, time and size limits
 * @param wasi whether and how WASI is linked
 */
public record Sandbox(Limits limits, WasiConfig wasi) {

    /** Default limits, WASI off. */
    public static final Sandbox DEFAULT = new Sandbox(Limits.DEFAULTS, WasiConfig.OFF);

    /** @return the sandbox as log lines show it, e.g. {@code memory 256 pages (16 MiB), timeout 5000 ms, ...} */
    public String describe() {
        return "memory " + limits.describeMemory() + ", timeout " + limits.timeout().toMillis() + " ms, output "
                + limits.maxOutputBytes() + " bytes, host data " + limits.maxHostDataBytes() + " bytes, WASI "
                + (wasi.enabled() ? "on" : "off");
    }
}
