package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.EventTimeWindows;
import io.pulsarwasm.engine.Invocation;
import io.pulsarwasm.engine.JsInput;
import io.pulsarwasm.engine.Limits;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmSession;
import io.pulsarwasm.engine.WindowInput;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.functions.api.WindowContext;
import org.apache.pulsar.functions.api.WindowFunction;

/**
 * A window function: a module exporting the bytes entry point (or a JavaScript function) called
 * once per window of messages that Pulsar's own windowing collects — deployed with {@code
 * --window-length-count}/{@code --sliding-interval-count} or {@code
 * --window-length-duration-ms}/{@code --sliding-interval-duration-ms}. The guest receives every
 * record of the window, oldest first, as the ABI's window input ({@link WindowInput}: each
 * record's value, key, properties, event time, message id and topic; the SDKs decode it, and a
 * JavaScript function's {@code process} receives an array of records), and returns one output or
 * none. The whole context is there (config, secrets, state, counters, publish, metrics, logs);
 * the calls about one message ({@code get_key}, {@code get_properties}, ...) answer as for a
 * message without them, since a window has no one current message.
 *
 * <p>Pulsar publishes the output to the output topic and then acknowledges the window's records
 * (at-least-once), having waited for everything the guest published or wrote to state. When the
 * call fails (the guest's error, a trap, its deadline, a window over {@code
 * wasm.max-window-records} or {@code wasm.max-window-bytes}), every record of the window is
 * negatively acknowledged: Pulsar delivers each again into a later window, and dead-letters it
 * after {@code --max-message-retries}. A record may so be part of more than one window. The
 * failure is logged (and reported to {@code wasm.failure-topic}) rather than thrown into Pulsar's
 * windowing, which a throwing window leaves broken ({@link #window}); the window has no output.
 *
 * <p>Deployed without window flags, each message is a window of one.
 */
public class WasmWindowFunction extends AbstractWasmFunction<byte[], byte[]> implements WindowFunction<byte[], byte[]> {

    private Limits limits = Limits.DEFAULTS;
    /** Event-time windows this function cuts itself ({@value EventTimeConfig#LENGTH}); null for none. */
    private EventTimeConfig eventTime;

    private EventTimeWindows<Record<?>> eventWindows;
    /** The sends of the outputs of the windows each waiting record was in, which its acknowledgement waits for. */
    private final Map<Record<?>, CompletableFuture<?>> sends = new IdentityHashMap<>();
    /**
     * The waiting messages by topic and message id: one delivered again while it waits (its
     * acknowledgement timed out) is the same message, and is not taken twice.
     */
    private final Set<String> waitingIds = new java.util.HashSet<>();
    /** The waiting records that were in a window whose call failed: failed, not acknowledged, when done. */
    private final Set<Record<?>> failedRecords = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Creates the function; Pulsar calls this reflectively. */
    public WasmWindowFunction() {
        super(EntryPoint.BYTES);
    }

    /** A JavaScript function's process receives an array of records. */
    @Override
    protected JsInput jsInput() {
        return JsInput.WINDOW;
    }

    /** The instance's host without a current message ({@link WindowHost}), in both ways of running. */
    @Override
    protected Host newHost(Context context) {
        return new WindowHost(super.newHost(context));
    }

    @Override
    WasmConfig configure(Map<String, ?> userConfig) {
        WasmConfig config = super.configure(userConfig);
        limits = config.sandbox().limits();
        eventTime = EventTimeConfig.parse(userConfig);
        return config;
    }

    /** The event-time keys ({@link EventTimeConfig#KEYS}). */
    @Override
    protected Set<String> configKeys() {
        return EventTimeConfig.KEYS;
    }

    /**
     * Starts the guest; with event-time windows, first checks that Pulsar leaves acknowledging to
     * this function (a message is acknowledged once the last window holding it is out).
     */
    @Override
    public void initialize(Context context) {
        super.initialize(context);
        if (eventTime != null) {
            String guarantees = ackMode(context);
            if (guarantees == null) {
                runtime()
                        .host()
                        .log(
                                LogLevel.WARN,
                                "pulsar-wasm: could not read this function's processing guarantees; event-time "
                                        + "windows need --processing-guarantees MANUAL");
            } else if (!guarantees.equals("MANUAL")) {
                throw new IllegalArgumentException("event-time windows (user config " + EventTimeConfig.LENGTH
                        + ") acknowledge each message once the last window holding it is out: deploy with "
                        + "--processing-guarantees MANUAL (this function runs " + guarantees
                        + ", under which Pulsar acknowledges a message as soon as it is taken in)");
            }
        }
    }

    /**
     * The function's processing guarantees, as Pulsar 4.0's {@code ContextImpl} holds them; null when
     * this worker's context does not say. Only {@code MANUAL} leaves acknowledging to the function:
     * under the others Pulsar acknowledges a message whose {@code process} returns no output,
     * whatever {@code --auto-ack} says.
     */
    static String ackMode(Object context) {
        try {
            Field field = context.getClass().getDeclaredField("config");
            field.setAccessible(true);
            Object config = field.get(context);
            Object details = config.getClass().getMethod("getFunctionDetails").invoke(config);
            return String.valueOf(
                    details.getClass().getMethod("getProcessingGuarantees").invoke(details));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Calls the guest once for a window Pulsar collected. The first window starts the guest (Pulsar
     * does not initialize a window function).
     *
     * @param records the window's records, oldest first
     * @param context the window's context
     * @return the output, or null for none
     */
    @Override
    public byte[] process(Collection<Record<byte[]>> records, WindowContext context) {
        if (runtime() == null) {
            Context instance = instanceContext(context);
            start(instance, instance.getUserConfigMap(), newHost(instance));
        }
        if (eventTime != null) {
            // a configuration error, reported per window without breaking Pulsar's windowing (see window)
            return failWindow(
                    records,
                    new IllegalArgumentException(
                            "user config " + EventTimeConfig.LENGTH
                                    + " cuts windows by event time in the function itself: deploy without Pulsar's window flags"));
        }
        return window(records);
    }

    /**
     * Calls the guest for a window of a started function. When the call fails, every record of the
     * window is negatively acknowledged, the failure logged (and reported, with {@code
     * wasm.failure-topic}), and the window ends without an output.
     */
    byte[] window(Collection<? extends Record<?>> records) {
        try {
            return processWindow(records);
        } catch (RuntimeException failure) {
            return failWindow(records, failure);
        }
    }

    /**
     * Ends a window of Pulsar's that failed: each record negatively acknowledged, the failure
     * logged, no output. A window must not throw back into Pulsar 4.0's windowing: its count trigger
     * then never resets (every later message triggers a window of stale records) and its time
     * trigger stops for good (the scheduled task rethrows). Returning acknowledges the records of
     * the list Pulsar handed over, so the records, each negatively acknowledged, are taken out of
     * that list first.
     */
    private byte[] failWindow(Collection<? extends Record<?>> records, RuntimeException failure) {
        int size = records.size();
        records.forEach(Record::fail);
        try {
            records.clear();
        } catch (UnsupportedOperationException immutable) {
            throw failure;
        }
        runtime()
                .host()
                .log(
                        LogLevel.ERROR,
                        "pulsar-wasm: a window of " + size + " records failed, and each is delivered again: "
                                + failure);
        return null;
    }

    /**
     * Calls the guest with a window of one message: how the function runs when deployed without
     * window flags. A failure fails the message, as Pulsar does for any function.
     */
    @Override
    byte[] processInput(byte[] input, Context context) {
        Record<?> record = context.getCurrentRecord();
        if (eventTime != null) {
            if (record == null) {
                throw new IllegalStateException("pulsar-wasm: event-time windows need the current record");
            }
            eventTimeStep(record, context);
            return null;
        }
        return processWindow(List.of(record == null ? new ValueOnly(input) : record));
    }

    /**
     * Takes one message into the event-time windows: calls the guest for each window its time
     * closes (publishing the outputs to the output topic), acknowledges the messages no window
     * holds any more once those outputs are sent (or fails those that were in a failed window), and
     * sends a late message to {@value EventTimeConfig#LATE_TOPIC}.
     *
     * @throws IllegalArgumentException for a message without a time, or late without a late topic
     * @throws IllegalStateException for a message over the waiting records' bound
     */
    private void eventTimeStep(Record<?> record, Context context) {
        if (eventWindows == null) {
            eventWindows = eventTime.windows(limits);
        }
        String id = waitingId(record);
        if (id != null && waitingIds.contains(id)) {
            return; // delivered again while it waits: the waiting one's acknowledgement covers both
        }
        Object value = record.getValue();
        long time = eventTime.timeOf(
                value instanceof byte[] bytes ? bytes : null,
                record.getEventTime().map(OptionalLong::of).orElse(OptionalLong.empty()),
                System.currentTimeMillis());
        EventTimeWindows.Status status =
                eventWindows.add(record, time, WindowInput.sizeOf(entry(record)), new Closing(context));
        switch (status) {
            case ADDED -> {
                if (id != null) {
                    waitingIds.add(id);
                }
            }
            case LATE -> late(record, time, context);
            case REFUSED -> throw EventTimeConfig.overBound(eventWindows.waiting(), limits);
        }
    }

    /**
     * What the event-time windows hand out, one at a time: a closed window is given to the guest
     * and its output sent; a message no window holds any more is acknowledged once the outputs of
     * its windows are sent, or failed if one of them failed. Neither throws.
     */
    private final class Closing implements EventTimeWindows.Closing<Record<?>> {
        private final Context context;

        Closing(Context context) {
            this.context = context;
        }

        @Override
        public void window(EventTimeWindows.Window<Record<?>> window) {
            byte[] output;
            try {
                output = processWindow(window.records());
            } catch (RuntimeException failure) {
                failedRecords.addAll(window.records());
                runtime().host().log(LogLevel.ERROR, EventTimeConfig.windowFailed(window, failure));
                return;
            }
            String topic = context.getOutputTopic();
            if (output != null && topic != null) {
                CompletableFuture<?> send = send(context, topic, output, message -> {});
                for (Record<?> held : window.records()) {
                    sends.merge(held, send, CompletableFuture::allOf);
                }
            }
        }

        @Override
        public void done(Record<?> done) {
            String doneId = waitingId(done);
            if (doneId != null) {
                waitingIds.remove(doneId);
            }
            CompletableFuture<?> sent = sends.remove(done);
            if (failedRecords.remove(done)) {
                done.fail();
            } else if (sent == null) {
                done.ack();
            } else {
                sent.whenComplete((ok, error) -> {
                    if (error == null) {
                        done.ack();
                    } else {
                        done.fail();
                    }
                });
            }
        }
    }

    /** A record's topic and message id, or null without an id. */
    private static String waitingId(Record<?> record) {
        return record.getMessage()
                .map(Message::getMessageId)
                .map(id -> record.getTopicName().orElse("") + " "
                        + java.util.HexFormat.of().formatHex(id.toByteArray()))
                .orElse(null);
    }

    /** Sends a message of bytes; a producer that cannot be made fails the send. */
    private static CompletableFuture<?> send(
            Context context, String topic, byte[] value, Consumer<TypedMessageBuilder<byte[]>> more) {
        try {
            TypedMessageBuilder<byte[]> message =
                    context.newOutputMessage(topic, Schema.BYTES).value(value);
            more.accept(message);
            return message.sendAsync();
        } catch (PulsarClientException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A message behind the watermark: to the late topic as it was, then acknowledged; else it fails. */
    private void late(Record<?> record, long time, Context context) {
        String topic = eventTime.lateTopic();
        if (topic == null) {
            throw EventTimeConfig.late(time, eventWindows.watermark());
        }
        Object value = record.getValue();
        send(context, topic, value instanceof byte[] bytes ? bytes : null, message -> {
                    record.getKey().ifPresent(message::key);
                    Map<String, String> properties = record.getProperties();
                    if (properties != null && !properties.isEmpty()) {
                        message.properties(properties);
                    }
                    record.getEventTime().ifPresent(message::eventTime);
                })
                .whenComplete((id, error) -> {
                    if (error == null) {
                        record.ack();
                    } else {
                        record.fail();
                    }
                });
    }

    private byte[] processWindow(Collection<? extends Record<?>> records) {
        if (runtime().host() instanceof WindowHost host) {
            host.window(records.stream()
                    .mapToInt(record ->
                            record.getMessage().map(Message::getRedeliveryCount).orElse(0))
                    .max()
                    .orElse(0));
        }
        byte[] window;
        try {
            window = WindowInput.encode(
                    records.stream().map(WasmWindowFunction::entry).toList(), limits);
        } catch (IllegalArgumentException overLimit) {
            runtime().failed(overLimit, new byte[0]);
            throw overLimit;
        }
        return runtime().process(window);
    }

    @Override
    protected byte[] call(WasmSession session, byte[] window) {
        Invocation invocation = session.process(window);
        try {
            invocation.stored().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return invocation.output();
    }

    /**
     * One record as the guest receives it.
     *
     * @param record a Pulsar record of the window
     * @return its entry; a record without a value has an empty one
     */
    static WindowInput.Entry entry(Record<?> record) {
        Object value = record.getValue();
        Map<String, String> properties = record.getProperties();
        return new WindowInput.Entry(
                value instanceof byte[] bytes ? bytes : new byte[0],
                record.getKey(),
                record.getEventTime().map(OptionalLong::of).orElse(OptionalLong.empty()),
                record.getMessage().map(Message::getMessageId).map(id -> id.toByteArray()),
                record.getTopicName(),
                properties == null ? Map.of() : properties);
    }

    /**
     * The instance's full context behind Pulsar's window context, which offers no secrets, no state
     * deletes and no publish with a key or properties: Pulsar 4.0's {@code WindowContextImpl} keeps
     * it in its field {@code context}.
     */
    private static Context instanceContext(WindowContext window) {
        if (window instanceof Context context) {
            return context;
        }
        try {
            Field field = window.getClass().getDeclaredField("context");
            field.setAccessible(true);
            if (field.get(window) instanceof Context context) {
                return context;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(notSupported(window), e);
        }
        throw new IllegalStateException(notSupported(window));
    }

    private static String notSupported(WindowContext window) {
        return "pulsar-wasm: " + WasmWindowFunction.class.getSimpleName()
                + " reads the function instance's context from Pulsar's WindowContextImpl (Pulsar 4.0), "
                + "and this worker gave a " + window.getClass().getName() + " without one";
    }

    /** A message's value alone, when Pulsar gives no current record. */
    private record ValueOnly(byte[] value) implements Record<byte[]> {
        @Override
        public byte[] getValue() {
            return value;
        }

        @Override
        public Optional<String> getKey() {
            return Optional.empty();
        }
    }
}
