package io.pulsarwasm.function;

import io.pulsarwasm.engine.EventTimeWindows;
import io.pulsarwasm.engine.Limit;
import io.pulsarwasm.engine.Limits;
import io.pulsarwasm.engine.WindowInput;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A window function's event-time windows, as its user config asks for them: {@link
 * WasmWindowFunction} deployed without Pulsar's window flags and with {@value #LENGTH} cuts its
 * windows itself, by each message's event time ({@link EventTimeWindows}), and the tester does the
 * same without a broker.
 *
 * <p>Pulsar's own event-time windows cannot be used by any function package: Pulsar 4.0.8's worker
 * loads a window function's timestamp extractor through the function's class loader, which cannot
 * see the worker's {@code TimestampExtractor} (apache/pulsar#18719); and an extractor is handed the
 * value only, never the message's own event time.
 */
public final class EventTimeConfig {

    /** User config key: a window's length in ms; set, the function cuts windows by event time. */
    public static final String LENGTH = "wasm.window.length-ms";
    /** User config key: how far apart windows start, in ms (default: the length, tumbling windows). */
    public static final String SLIDE = "wasm.window.slide-ms";
    /** User config key: how far behind the latest event time a message may be and still be on time, ms (default 0). */
    public static final String MAX_LAG = "wasm.window.max-lag-ms";
    /** User config key: where a message's time is: {@code message} (default) or {@code json}. */
    public static final String TIME = "wasm.window.time";
    /** User config key: the topic a late message goes to, as it was; unset, a late message fails. */
    public static final String LATE_TOPIC = "wasm.window.late-topic";
    /**
     * User config key: how far ahead of the instance's clock a message's time may be, ms; a message
     * further ahead fails (unset: no check), so that one wrong time cannot close every window and
     * make every later message late.
     */
    public static final String MAX_FUTURE = "wasm.window.max-future-ms";

    /** The keys this class reads. */
    public static final Set<String> KEYS = Set.of(LENGTH, SLIDE, MAX_LAG, TIME, LATE_TOPIC, MAX_FUTURE);

    private final long length;
    private final long slide;
    private final long maxLag;
    private final boolean json;
    private final String lateTopic;
    private final long maxFuture;

    private EventTimeConfig(long length, long slide, long maxLag, boolean json, String lateTopic, long maxFuture) {
        this.length = length;
        this.slide = slide;
        this.maxLag = maxLag;
        this.json = json;
        this.lateTopic = lateTopic;
        this.maxFuture = maxFuture;
    }

    /**
     * Reads the event-time keys of a user config.
     *
     * @param userConfig the function's user config, as Pulsar parsed it from JSON
     * @return the windows it asks for, or null without {@value #LENGTH}
     * @throws IllegalArgumentException naming a key whose value is wrong, or a key given without
     *     {@value #LENGTH}
     */
    public static EventTimeConfig parse(Map<String, ?> userConfig) {
        if (userConfig.get(LENGTH) == null) {
            for (String key : KEYS) {
                if (userConfig.get(key) != null) {
                    throw new IllegalArgumentException(
                            "user config " + key + " needs " + LENGTH + " (the window's length in event time)");
                }
            }
            return null;
        }
        long length = whole(userConfig, LENGTH, 1, EventTimeWindows.MAX_SETTING, 0);
        long slide = whole(userConfig, SLIDE, 1, length, length);
        long maxLag = whole(userConfig, MAX_LAG, 0, EventTimeWindows.MAX_SETTING, 0);
        long maxFuture = whole(userConfig, MAX_FUTURE, 0, EventTimeWindows.MAX_SETTING, -1);
        if (length > EventTimeWindows.MAX_WINDOWS_PER_RECORD * slide) {
            throw new IllegalArgumentException("user config " + LENGTH + " " + length + " is more than "
                    + EventTimeWindows.MAX_WINDOWS_PER_RECORD + " times " + SLIDE + " " + slide
                    + ": a message would be in too many windows");
        }
        Object time = userConfig.get(TIME);
        if (time != null && !"message".equals(time) && !"json".equals(time)) {
            throw new IllegalArgumentException("user config " + TIME + " must be message or json, got '" + time + "'");
        }
        Object late = userConfig.get(LATE_TOPIC);
        if (late != null && !(late instanceof String)) {
            throw new IllegalArgumentException("user config " + LATE_TOPIC + " must be a topic name, not " + late);
        }
        String lateTopic = late == null || ((String) late).isBlank() ? null : (String) late;
        return new EventTimeConfig(length, slide, maxLag, "json".equals(time), lateTopic, maxFuture);
    }

    private static long whole(Map<String, ?> userConfig, String key, long least, long most, long absent) {
        Object value = userConfig.get(key);
        if (value == null) {
            return absent;
        }
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else {
            try {
                number = Double.parseDouble(String.valueOf(value));
            } catch (NumberFormatException e) {
                number = Double.NaN;
            }
        }
        if (number != Math.rint(number) || number < least || number > most) {
            throw new IllegalArgumentException("user config " + key + " must be a whole number of ms from " + least
                    + " to " + most + ", got " + value);
        }
        return (long) number;
    }

    /**
     * New, empty windows of this config, bounded as a window is: the records waiting for their
     * windows are at most {@code wasm.max-window-records}, and their window input at most {@code
     * wasm.max-window-bytes}, so that no window can exceed either.
     *
     * @param limits the function's limits
     * @param <R> the record
     * @return the windows
     */
    public <R> EventTimeWindows<R> windows(Limits limits) {
        long records = limits.get(Limit.MAX_WINDOW_RECORDS);
        return new EventTimeWindows<>(
                length,
                slide,
                maxLag,
                (int) Math.min(Integer.MAX_VALUE, records),
                limits.get(Limit.MAX_WINDOW_BYTES) - WindowInput.HEADER_BYTES);
    }

    /**
     * A message's event time, where this config says it is.
     *
     * @param value the message's value (null for none)
     * @param messageTime the message's own event time, if its producer set one (Pulsar's 0 is none)
     * @param now the instance's clock, epoch ms, for {@value #MAX_FUTURE}
     * @return the time, epoch ms
     * @throws IllegalArgumentException naming why the message has none, or why it is refused
     */
    public long timeOf(byte[] value, OptionalLong messageTime, long now) {
        long time;
        if (json) {
            time = JsonEventTime.read(value);
        } else if (messageTime.isEmpty() || messageTime.getAsLong() <= 0) {
            throw new IllegalArgumentException("no event time: the message has none (its producer sets one with "
                    + "newMessage().eventTime(ms)); or read it from a JSON value with " + TIME + " json");
        } else {
            time = messageTime.getAsLong();
        }
        if (maxFuture >= 0 && time > now + maxFuture) {
            throw new IllegalArgumentException("event time " + time + " is more than " + maxFuture
                    + " ms ahead of this instance's clock (" + now + "; user config " + MAX_FUTURE + ")");
        }
        return time;
    }

    /**
     * The failure of a message over the waiting bound, as the function and the tester throw it.
     *
     * @param waiting the messages waiting
     * @param limits the function's limits
     * @return the exception
     */
    public static IllegalStateException overBound(int waiting, Limits limits) {
        return new IllegalStateException("the event-time windows hold " + waiting
                + " messages waiting for the watermark, at their bound (" + limits.limitOf(Limit.MAX_WINDOW_RECORDS)
                + ", " + limits.limitOf(Limit.MAX_WINDOW_BYTES)
                + "): this message is delivered again (its time has moved the watermark)");
    }

    /**
     * The failure of a late message without {@value #LATE_TOPIC}, as the function and the tester throw it.
     *
     * @param time the message's time
     * @param watermark the watermark
     * @return the exception
     */
    public static IllegalArgumentException late(long time, long watermark) {
        return new IllegalArgumentException("late: event time " + time + " is not after the watermark " + watermark
                + ", and every window holding it has closed (user config " + LATE_TOPIC
                + " keeps late messages aside)");
    }

    /**
     * The error line of a window whose call failed, as the function and the tester log it.
     *
     * @param window the window
     * @param failure why
     * @return the line
     */
    public static String windowFailed(EventTimeWindows.Window<?> window, RuntimeException failure) {
        return "pulsar-wasm: the event-time window [" + window.start() + ", " + window.end() + ") of "
                + window.records().size() + " records failed, and each is delivered again once no window holds it: "
                + failure;
    }

    /**
     * Where a late message goes.
     *
     * @return the topic, or null: a late message then fails, so that Pulsar dead-letters it
     */
    public String lateTopic() {
        return lateTopic;
    }
}
