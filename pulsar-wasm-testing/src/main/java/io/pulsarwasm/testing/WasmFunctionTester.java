package io.pulsarwasm.testing;

import io.pulsarwasm.engine.EventTimeWindows;
import io.pulsarwasm.engine.Limits;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WindowInput;
import io.pulsarwasm.function.AbstractWasmFunction;
import io.pulsarwasm.function.EventTimeConfig;
import io.pulsarwasm.function.FunctionRuntime;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.function.WasmFunction;
import io.pulsarwasm.function.WasmRecordFunction;
import io.pulsarwasm.function.WasmStringFunction;
import io.pulsarwasm.function.WasmWindowFunction;
import io.pulsarwasm.host.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericObject;

/**
 * Runs a wasm function class with its module the way a function instance would, without a broker:
 * the user config parsed and the module loaded exactly as {@code initialize} does, then one call
 * per message with the record on an {@link InMemoryHost}, then the guest's {@code close}. Outputs
 * come back from {@link #process}; effects are on {@link #host()}.
 *
 * <pre>{@code
 * try (var tester = WasmFunctionTester.strings("classpath:enricher.wasm").config("prefix", ">> ")) {
 *     assertEquals(">> hello", tester.process("hello"));
 *     assertEquals(List.of("INFO ..."), tester.host().logLines());
 * }
 * }</pre>
 *
 * <p>Over 300 lines because it is a user's whole in-process fixture: one small method per kind of
 * input (text, bytes, records, windows) and per thing a test asserts on, over one runtime.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class WasmFunctionTester<I, O> implements AutoCloseable {

    /** The input topic records come from unless they say otherwise. */
    public static final String INPUT_TOPIC = "persistent://public/default/input";

    private final AbstractWasmFunction<I, ?> function;
    private final InMemoryHost host = new InMemoryHost();
    private FunctionRuntime<I, ?> runtime;
    private RuntimeException startFailure;
    /** The limits of the user config, parsed once at start: what a window function's windows are held to. */
    private Limits limits;
    /** A window function's event-time windows ({@link #processEventTime}); null without them. */
    private EventTimeConfig eventTime;

    private EventTimeWindows<TestRecord<?>> eventWindows;

    private boolean started;

    private WasmFunctionTester(AbstractWasmFunction<I, ?> function) {
        this.function = function;
    }

    /**
     * A tester for a Long function, e.g. a PIP-331 style {@code new Doubler()} whose module is its
     * {@code <class name>.wasm} resource.
     *
     * @param function the function
     * @return the tester
     */
    public static WasmFunctionTester<Long, Long> of(WasmFunction function) {
        return new WasmFunctionTester<>(function);
    }

    /**
     * A tester for a bytes function.
     *
     * @param function the function
     * @return the tester
     */
    public static WasmFunctionTester<byte[], byte[]> of(WasmBytesFunction function) {
        return new WasmFunctionTester<>(function);
    }

    /**
     * A tester for a String function.
     *
     * @param function the function
     * @return the tester
     */
    public static WasmFunctionTester<String, String> of(WasmStringFunction function) {
        return new WasmFunctionTester<>(function);
    }

    /**
     * A tester for a record function. Give it records with {@link RecordInput#of(Schema, Object)}
     * or {@link RecordInput#ofJson}; read outputs with {@link RecordOutput#value(Schema)} or
     * {@link RecordOutput#json()}.
     *
     * @param function the function
     * @return the tester
     */
    public static WasmFunctionTester<GenericObject, RecordOutput> of(WasmRecordFunction function) {
        return new WasmFunctionTester<>(function);
    }

    /**
     * A tester for a window function: give it windows with {@link #processWindow}; {@link
     * #process} gives a window of one, as the function does when deployed without window flags.
     *
     * @param function the function
     * @return the tester
     */
    public static WasmFunctionTester<byte[], byte[]> of(WasmWindowFunction function) {
        return new WasmFunctionTester<>(function);
    }

    /**
     * A tester running a module (or a JavaScript function) with {@link WasmWindowFunction}.
     *
     * <pre>{@code
     * try (var tester = WasmFunctionTester.windows("classpath:window_sum.wasm")) {
     *     byte[] sum = tester.processWindow(List.of(TestRecord.of(one), TestRecord.of(two)));
     * }
     * }</pre>
     *
     * @param moduleLocation as the {@code wasm.module} key takes it
     * @return the tester
     */
    public static WasmFunctionTester<byte[], byte[]> windows(String moduleLocation) {
        return of(new WasmWindowFunction()).config(WasmConfig.MODULE, moduleLocation);
    }

    /**
     * A tester running a module with {@link WasmRecordFunction}.
     *
     * <pre>{@code
     * try (var tester = WasmFunctionTester.records("classpath:record.wasm")) {
     *     RecordOutput out = tester.process(RecordInput.of(Schema.AVRO(User.class), new User("ada", 36)));
     *     assertEquals(new User("ADA", 37), out.value(Schema.AVRO(User.class)));
     * }
     * }</pre>
     *
     * @param moduleLocation as the {@code wasm.module} key takes it
     * @return the tester
     */
    public static WasmFunctionTester<GenericObject, RecordOutput> records(String moduleLocation) {
        return of(new WasmRecordFunction()).config(WasmConfig.MODULE, moduleLocation);
    }

    /**
     * A tester running a module with {@link WasmBytesFunction}.
     *
     * @param moduleLocation as the {@code wasm.module} key takes it, e.g. {@code classpath:filter.wasm}
     * @return the tester
     */
    public static WasmFunctionTester<byte[], byte[]> bytes(String moduleLocation) {
        return of(new WasmBytesFunction()).config(WasmConfig.MODULE, moduleLocation);
    }

    /**
     * A tester running a module with {@link WasmStringFunction}.
     *
     * @param moduleLocation as the {@code wasm.module} key takes it
     * @return the tester
     */
    public static WasmFunctionTester<String, String> strings(String moduleLocation) {
        return of(new WasmStringFunction()).config(WasmConfig.MODULE, moduleLocation);
    }

    /**
     * A tester running a module with {@link WasmFunction} (Long to Long).
     *
     * @param moduleLocation as the {@code wasm.module} key takes it
     * @return the tester
     */
    public static WasmFunctionTester<Long, Long> longs(String moduleLocation) {
        return of(new WasmFunction()).config(WasmConfig.MODULE, moduleLocation);
    }

    /**
     * Sets a user config value; only before the first message.
     *
     * @param key the key
     * @param value the value (JSON numbers as {@code Double}, as Pulsar parses them)
     * @return this tester
     */
    public WasmFunctionTester<I, O> config(String key, Object value) {
        requireNotStarted();
        host.userConfig(key, value);
        return this;
    }

    /**
     * Sets a secret; only before the first message.
     *
     * @param name the secret's name
     * @param value its value
     * @return this tester
     */
    public WasmFunctionTester<I, O> secret(String name, String value) {
        requireNotStarted();
        host.secret(name, value);
        return this;
    }

    /** @return the host: set identity before the first message, read effects after */
    public InMemoryHost host() {
        return host;
    }

    /**
     * Processes one message with this value and no metadata.
     *
     * @param input the value
     * @return the function's output, or null for none
     */
    public O process(I input) {
        return process(TestRecord.of(input));
    }

    /**
     * Processes one message; the first one loads the module and starts the guest, and a failure to
     * do so is thrown again by every later call.
     *
     * @param record the value with its key, topic, properties and event time
     * @return the function's output, or null for none
     */
    public O process(TestRecord<I> record) {
        if (function instanceof WasmWindowFunction) {
            return processWindow(List.of(record));
        }
        start();
        if (record.value() == null) {
            return null;
        }
        host.setRecord(record);
        try {
            Object output = runtime.process(record.value());
            @SuppressWarnings("unchecked")
            O value = (O) (output instanceof CompletableFuture<?> result ? settle(result) : output);
            return value;
        } finally {
            host.setRecord(null);
        }
    }

    /**
     * Processes one window of a window function's tester ({@link #windows}): the records go to the
     * guest as Pulsar's windowing would give them, oldest first, bounded by {@code
     * wasm.max-window-records} and {@code wasm.max-window-bytes}; no record is the current one while
     * the guest runs. A record without a value has an empty one.
     *
     * @param records the window's records
     * @return the function's output, or null for none
     * @throws IllegalStateException if this is not a window function's tester
     */
    public O processWindow(List<TestRecord<I>> records) {
        if (!(function instanceof WasmWindowFunction)) {
            throw new IllegalStateException(
                    "processWindow needs a window function's tester (WasmFunctionTester.windows), not "
                            + function.getClass().getSimpleName() + "'s");
        }
        start();
        byte[] window = WindowInput.encode(
                records.stream().map(WasmFunctionTester::entry).toList(), limits);
        @SuppressWarnings("unchecked")
        O output = ((FunctionRuntime<byte[], O>) runtime).process(window);
        return output;
    }

    /**
     * Takes one message into a window function's event-time windows (user config {@code
     * wasm.window.length-ms}, {@link EventTimeConfig}), as a function instance does, without a
     * broker: the guest is called for each window the message's time closes, in order, and their
     * outputs are returned (a window without an output adds none). A late message goes to {@code
     * wasm.window.late-topic} when set ({@link InMemoryHost#published()}); a late message without
     * it, a message without a time, or one over the waiting bound is refused with the exception the
     * function instance throws (so Pulsar would deliver it again). A window whose call fails is
     * logged at error level ({@link InMemoryHost#logLines()}) with the instance's text, and the
     * other windows run, as in an instance; a late message's copy on the late topic has no event
     * time (the in-memory host keeps none).
     *
     * @param record the message, with its event time ({@link TestRecord#withEventTime}) or a JSON
     *     value with its {@code "eventTime"} ({@code wasm.window.time} {@code json})
     * @return the outputs of the windows it closed
     * @throws IllegalStateException if this is not a window function's tester with {@code
     *     wasm.window.length-ms}
     */
    public List<O> processEventTime(TestRecord<I> record) {
        if (!(function instanceof WasmWindowFunction)) {
            throw new IllegalStateException(
                    "processEventTime needs a window function's tester (WasmFunctionTester.windows)");
        }
        start();
        if (eventTime == null) {
            throw new IllegalStateException("processEventTime needs user config " + EventTimeConfig.LENGTH);
        }
        if (eventWindows == null) {
            eventWindows = eventTime.windows(limits);
        }
        byte[] value = record.value() instanceof byte[] bytes ? bytes : null;
        long time = eventTime.timeOf(value, record.eventTime(), System.currentTimeMillis());
        List<O> outputs = new ArrayList<>();
        EventTimeWindows.Status status =
                eventWindows.add(record, time, WindowInput.sizeOf(entry(record)), new EventTimeWindows.Closing<>() {
                    @Override
                    public void window(EventTimeWindows.Window<TestRecord<?>> window) {
                        byte[] input = WindowInput.encode(
                                window.records().stream()
                                        .map(WasmFunctionTester::entry)
                                        .toList(),
                                limits);
                        try {
                            @SuppressWarnings("unchecked")
                            O output = ((FunctionRuntime<byte[], O>) runtime).process(input);
                            if (output != null) {
                                outputs.add(output);
                            }
                        } catch (RuntimeException failure) { // as the instance does: logged, and the next window runs
                            host.log(LogLevel.ERROR, EventTimeConfig.windowFailed(window, failure));
                        }
                    }

                    @Override
                    public void done(TestRecord<?> done) {}
                });
        switch (status) {
            case LATE -> {
                if (eventTime.lateTopic() == null) {
                    throw EventTimeConfig.late(time, eventWindows.watermark());
                }
                host.publish(
                        eventTime.lateTopic(),
                        value == null ? new byte[0] : value,
                        record.key().orElse(null),
                        record.properties());
            }
            case REFUSED -> throw EventTimeConfig.overBound(eventWindows.waiting(), limits);
            case ADDED -> {}
        }
        return outputs;
    }

    private static WindowInput.Entry entry(TestRecord<?> record) {
        return new WindowInput.Entry(
                record.value() instanceof byte[] bytes ? bytes : new byte[0],
                record.key(),
                record.eventTime(),
                record.messageId(),
                record.topic(),
                record.properties());
    }

    private void start() {
        if (!started) {
            started = true;
            try {
                runtime = FunctionRuntime.open(function, host.userConfig(), host);
                limits = FunctionRuntime.configure(function, host.userConfig())
                        .sandbox()
                        .limits();
                eventTime = function instanceof WasmWindowFunction ? EventTimeConfig.parse(host.userConfig()) : null;
            } catch (RuntimeException e) {
                startFailure = e;
            }
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    /** Runs the guest's {@code close}, if the guest was started. */
    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }

    /** What an asynchronous function's result completes with, its failure thrown as the function's exception. */
    private static Object settle(CompletableFuture<?> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("configure the tester before the first message");
        }
    }
}
