package io.pulsarwasm.engine;

import java.util.List;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ValType;

/** The two shapes of the guest's {@code process} export; the host tells them apart by signature. */
public enum EntryPoint {
    /** PIP-331's {@code process(i64) -> i64}: value in, value out. */
    LONG(FunctionType.of(List.of(ValType.I64), List.of(ValType.I64))),
    /**
     * {@code process(ptr i32, len i32) -> status i32}: the input in guest memory from {@code alloc},
     * output through {@code pulsar.set_output}, status 0 for success.
     */
    BYTES(FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)));

    private final FunctionType type;

    EntryPoint(FunctionType type) {
        this.type = type;
    }

    /** @return the signature of {@code process} for this entry point */
    public FunctionType type() {
        return type;
    }

    /**
     * The entry point a {@code process} export of this signature is.
     *
     * @param type the export's signature
     * @return the entry point, or null if the signature is neither
     */
    public static EntryPoint of(FunctionType type) {
        for (EntryPoint entry : values()) {
            if (entry.type.equals(type)) {
                return entry;
            }
        }
        return null;
    }

    /** @return {@code process} with its signature, as messages show it */
    public String describe() {
        return Abi.PROCESS + Abi.describe(type);
    }
}
