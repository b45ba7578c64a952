package io.pulsarwasm.function;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} (https://www.w3.org/TR/trace-context/): which trace a
 * message belongs to and which span sent it. A function's outputs and publishes carry the same
 * trace id with a span id of the function's own, whose parent is the input's span.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero (the header's {@code parent-id})
 * @param flags 2 lower-case hex digits
 */
record TraceContext(String traceId, String spanId, String flags) {

    /** User config key: whether outputs and publishes carry the input's trace on (default true). */
    static final String KEY = "wasm.trace-context";
    /** The message property W3C names, as OpenTelemetry's Pulsar instrumentation writes it. */
    static final String TRACEPARENT = "traceparent";
    /** The vendor part, passed on unchanged. */
    static final String TRACESTATE = "tracestate";
    /** The user metric recorded (1) for each message whose {@code traceparent} is not one. */
    static final String MALFORMED_METRIC = "wasm_trace_malformed";

    private static final int LENGTH = 55;

    /**
     * @param userConfig a function's user config
     * @return whether {@value #KEY} leaves trace contexts on (true unless it is false)
     * @throws IllegalArgumentException if the value is not a boolean
     */
    static boolean enabled(Map<String, ?> userConfig) {
        Object value = userConfig.get(KEY);
        if (value == null || Boolean.TRUE.equals(value) || "true".equals(value)) {
            return true;
        }
        if (Boolean.FALSE.equals(value) || "false".equals(value)) {
            return false;
        }
        throw new IllegalArgumentException("user config " + KEY + " must be true or false, not " + value);
    }

    /**
     * Reads a {@code traceparent} as W3C's rules for a receiver say: version {@code 00} exactly as
     * specified; a later version (not {@code ff}) by its first four fields, if what follows them
     * starts with {@code -}; lower-case hex only; trace id and parent id not all zero.
     *
     * @param header the property's value
     * @return the context, or empty when the value is not a valid traceparent
     */
    static Optional<TraceContext> parse(String header) {
        if (header == null || header.length() < LENGTH) {
            return Optional.empty();
        }
        String version = header.substring(0, 2);
        if (!hex(version) || version.equals("ff")) {
            return Optional.empty();
        }
        if (version.equals("00")
                ? header.length() != LENGTH
                : header.length() > LENGTH && header.charAt(LENGTH) != '-') {
            return Optional.empty();
        }
        if (header.charAt(2) != '-' || header.charAt(35) != '-' || header.charAt(52) != '-') {
            return Optional.empty();
        }
        String traceId = header.substring(3, 35);
        String spanId = header.substring(36, 52);
        String flags = header.substring(53, 55);
        if (!hex(traceId) || !hex(spanId) || !hex(flags) || zero(traceId) || zero(spanId)) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, spanId, flags));
    }

    /** @return the context of a new span in the same trace, child of this one, with the same flags */
    TraceContext child() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return new TraceContext(traceId, java.util.HexFormat.of().toHexDigits(id), flags);
    }

    /** @return the header, version {@code 00} (the version this implements, whatever the input's was) */
    String header() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    /**
     * @param properties a message's properties
     * @return whether they name a trace context of their own (a publish whose guest set one keeps it)
     */
    static boolean present(Map<String, String> properties) {
        return properties.containsKey(TRACEPARENT);
    }

    private static boolean hex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean zero(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
