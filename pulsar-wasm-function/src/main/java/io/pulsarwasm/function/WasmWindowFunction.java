package io.pulsarwasm.function;

import io.pulsarwasm.engine.EntryPoint;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.api.Message;
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
        return config;
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
            int size = records.size();
            records.forEach(Record::fail);
            // A window must not throw back into Pulsar 4.0's windowing: its count trigger then never
            // resets (every later message triggers a window of stale records) and its time trigger
            // stops for good (the scheduled task rethrows). Returning acknowledges the records of the
            // list Pulsar handed over, so the records, each negatively acknowledged, are taken out of
            // that list first, and the window ends without an output.
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
    }

    /**
     * Calls the guest with a window of one message: how the function runs when deployed without
     * window flags. A failure fails the message, as Pulsar does for any function.
     */
    @Override
    public byte[] process(byte[] input, Context context) {
        Record<?> record = context.getCurrentRecord();
        return processWindow(List.of(record == null ? new ValueOnly(input) : record));
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
