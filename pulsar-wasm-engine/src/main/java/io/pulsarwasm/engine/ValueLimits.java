package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;

/**
 * The bounds on single values that cross a host call: keys and names, log lines, state values,
 * outputs, and what the host returns. Each check fails naming the call, the value's size and the
 * limit with its user config key.
 */
final class ValueLimits {

    /**
     * A log line or error text, cut to the line limit if it was longer.
     *
     * @param text the text, at most {@link Limit#MAX_LOG_LINE_BYTES} in UTF-8
     * @param fullBytes its length in UTF-8 bytes before any cut
     */
    record Line(String text, long fullBytes) {}

    private final Limits limits;
    private final int maxKeyBytes;
    private final int maxLogLineBytes;
    private final int maxStateValueBytes;
    private final long maxOutputBytes;
    private final long maxHostDataBytes;

    ValueLimits(Limits limits) {
        this.limits = limits;
        this.maxKeyBytes = limits.intValue(Limit.MAX_KEY_BYTES);
        this.maxLogLineBytes = limits.intValue(Limit.MAX_LOG_LINE_BYTES);
        this.maxStateValueBytes = limits.intValue(Limit.MAX_STATE_VALUE_BYTES);
        this.maxOutputBytes = limits.get(Limit.MAX_OUTPUT_BYTES);
        this.maxHostDataBytes = limits.get(Limit.MAX_HOST_DATA_BYTES);
    }

    /** @return the limits these come from */
    Limits limits() {
        return limits;
    }

    /** @return the longest line the host logs for the guest */
    int maxLogLineBytes() {
        return maxLogLineBytes;
    }

    /** Refuses a key, name or topic longer than {@link Limit#MAX_KEY_BYTES}, by its length in UTF-8 bytes. */
    void checkKeyLength(String call, String what, long length) {
        if (length > maxKeyBytes) {
            throw new AbiViolationException(call + ": a " + what + " of " + length + " bytes is more than "
                    + limits.limitOf(Limit.MAX_KEY_BYTES));
        }
    }

    /** As {@link #checkKeyLength}, for a key given as a Java string. */
    void checkText(String call, String what, String text) {
        // a UTF-16 unit is at most 3 UTF-8 bytes: only long texts need encoding to be measured
        if (text.length() * 3L > maxKeyBytes) {
            checkKeyLength(call, what, text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /** Refuses a state value over {@link Limit#MAX_STATE_VALUE_BYTES}. */
    void checkStateValue(String call, long length) {
        if (length > maxStateValueBytes) {
            throw new AbiViolationException(call + ": a value of " + length + " bytes is more than "
                    + limits.limitOf(Limit.MAX_STATE_VALUE_BYTES));
        }
    }

    /** Refuses an output over {@link Limit#MAX_OUTPUT_BYTES}. */
    void checkOutput(String call, long length) {
        if (length > maxOutputBytes) {
            throw new AbiViolationException(call + ": an output of " + length + " bytes is more than "
                    + limits.limitOf(Limit.MAX_OUTPUT_BYTES));
        }
    }

    /** Refuses a value larger than a host call may return ({@link Limit#MAX_HOST_DATA_BYTES}). */
    void checkHostData(String call, long length) {
        if (length > maxHostDataBytes) {
            throw new HostCallException(call + ": the value is " + length + " bytes, more than the limit of "
                    + limits.describe(Limit.MAX_HOST_DATA_BYTES) + " a host call returns (user config "
                    + Limit.MAX_HOST_DATA_BYTES.key() + ")");
        }
    }

    /** A log line given as a Java string, cut to the line limit at a character boundary. */
    Line line(String text) {
        if (text.length() <= maxLogLineBytes / 3) {
            return new Line(text, utf8Length(text));
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxLogLineBytes) {
            return new Line(text, bytes.length);
        }
        int end = maxLogLineBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new Line(new String(bytes, 0, end, StandardCharsets.UTF_8), bytes.length);
    }

    /** @return the length of a string in UTF-8 bytes (a lone surrogate counted as U+FFFD, 3 bytes) */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
