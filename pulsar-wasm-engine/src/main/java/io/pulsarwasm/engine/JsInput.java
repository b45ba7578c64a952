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
    RECORD,
    /**
     * An array of records, oldest first: the ABI's window input ({@link WindowInput}) given as JSON
     * and parsed, each record {@code {text, key, eventTime, messageId, topic, properties}} — the
     * value as UTF-8 text, the message id in hex, {@code null} for what is absent — with {@code
     * bytes}, the value's bytes as numbers, only when the value is not UTF-8. The function may
     * return an object, which the host writes as JSON.
     */
    WINDOW
}
