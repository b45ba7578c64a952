package io.pulsarwasm.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What one guest may use: a value for every {@link Limit}, from user config (see
 * {@link WasmConfig}). Immutable.
 *
 * <pre>{@code
 * Limits limits = Limits.DEFAULTS.with(Limit.TIMEOUT_MS, 200).with(Limit.MAX_MEMORY_PAGES, 16);
 * }</pre>
 */
public final class Limits {

    /** Every limit at its {@link Limit#defaultValue() default}. */
    public static final Limits DEFAULTS = new Limits(
            Arrays.stream(Limit.values()).mapToLong(Limit::defaultValue).toArray());

    private final long[] values;

    private Limits(long[] values) {
        this.values = values;
    }

    /**
     * The same limits with one changed.
     *
     * @param limit the limit
     * @param value its new value
     * @return new limits
     * @throws IllegalArgumentException if the value is outside the limit's range, naming its key and range
     */
    public Limits with(Limit limit, long value) {
        if (value < limit.min() || value > limit.max()) {
            throw new IllegalArgumentException(outOfRange(limit, Long.toString(value)));
        }
        long[] changed = values.clone();
        changed[limit.ordinal()] = value;
        return new Limits(changed);
    }

    /**
     * @param limit a limit
     * @return its value
     */
    public long get(Limit limit) {
        return values[limit.ordinal()];
    }

    /**
     * @param limit a limit (every limit's range fits an {@code int})
     * @return its value
     */
    public int intValue(Limit limit) {
        return Math.toIntExact(values[limit.ordinal()]);
    }

    /** @return the deadline of one call into the guest ({@link Limit#TIMEOUT_MS}) */
    public Duration timeout() {
        return Duration.ofMillis(get(Limit.TIMEOUT_MS));
    }

    /**
     * @param limit a limit
     * @return its value as messages show it, e.g. {@code 256 pages (16 MiB)}
     */
    public String describe(Limit limit) {
        return limit.describe(get(limit));
    }

    /**
     * @param limit a limit
     * @return the end of an error message, e.g. {@code the limit of 256 pages (16 MiB) (user config wasm.max-memory-pages)}
     */
    public String limitOf(Limit limit) {
        return limit.limitOf(get(limit));
    }

    static String outOfRange(Limit limit, String given) {
        return "user config " + limit.key() + " must be a whole number from " + limit.min() + " to " + limit.max()
                + ", got '" + given + "'";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Limits limits && Arrays.equals(values, limits.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    /** @return every limit as {@code key=value}, e.g. for a log line */
    @Override
    public String toString() {
        return Arrays.stream(Limit.values())
                .map(limit -> limit.key() + "=" + get(limit))
                .collect(Collectors.joining(", "));
    }
}
