package io.pulsarwasm.engine;

/**
 * How a JavaScript function's {@code process(input, ctx)} receives the message: the function
 * class that runs it chooses ({@link WasmLoader#withJsInput}).
 */
public enum JsInput {
    /** A string: the input decoded from UTF-8. */
    TEXT,
    /** A {@code Uint8Array}: the input's bytes. */
    BYTES,
    /**
     * A plain object: the input parsed as JSON (a record's JSON form); the function may return an
     * object, which the host writes as JSON. Input that is not UTF-8 arrives as a {@code Uint8Array}.
     */
    RECORD
}
