package io.pulsarwasm.testing;

import io.pulsarwasm.function.AbstractWasmFunction;
import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.function.WasmFunction;
import io.pulsarwasm.function.WasmStringFunction;
import org.apache.pulsar.functions.api.Function;

/**
 * Runs a Pulsar Function — a wasm function class with its module, or any {@link Function} — the
 * way a function instance would, without a broker: {@code initialize} on first use, then
 * {@code process} per message with the record set on an {@link InMemoryContext}, {@code close} at
 * the end. Outputs come back from {@link #process}; effects are on {@link #context()}.
 *
 * <pre>{@code
 * try (var tester = WasmFunctionTester.strings("classpath:enricher.wasm").config("prefix", ">> ")) {
 *     assertEquals(">> hello", tester.process("hello"));
 *     assertEquals(List.of("INFO ..."), tester.context().logLines());
 * }
 * }</pre>
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class WasmFunctionTester<I, O> implements AutoCloseable {

    /** The input topic records come from unless they say otherwise. */
    public static final String INPUT_TOPIC = "persistent://public/default/input";

    /** The function's output topic. */
    public static final String OUTPUT_TOPIC = "persistent://public/default/output";

    private final Function<I, O> function;
    private final InMemoryContext context = new InMemoryContext();
    private boolean initialized;

    private WasmFunctionTester(Function<I, O> function) {
        this.function = function;
    }

    /**
     * A tester for any function, e.g. a PIP-331 style {@code new Doubler()}.
     *
     * @param function the function
     * @param <I> input type
     * @param <O> output type
     * @return the tester
     */
    public static <I, O> WasmFunctionTester<I, O> of(Function<I, O> function) {
        return new WasmFunctionTester<>(function);
    }

    /**
     * A tester running a module with {@link WasmBytesFunction}.
     *
     * @param moduleLocation as the {@code wasm.module} key takes it, e.g. {@code classpath:filter.wasm}
     * @return the tester
     */
    public static WasmFunctionTester<byte[], byte[]> bytes(String moduleLocation) {
        return of(new WasmBytesFunction()).config(AbstractWasmFunction.MODULE_KEY, moduleLocation);
    }

    /**
     * A tester running a module with {@link WasmStringFunction}.
     *
     * @param moduleLocation as the {@code wasm.module} key takes it
     * @return the tester
     */
    public static WasmFunctionTester<String, String> strings(String moduleLocation) {
        return of(new WasmStringFunction()).config(AbstractWasmFunction.MODULE_KEY, moduleLocation);
    }

    /**
     * A tester running a module with {@link WasmFunction} (Long to Long).
     *
     * @param moduleLocation as the {@code wasm.module} key takes it
     * @return the tester
     */
    public static WasmFunctionTester<Long, Long> longs(String moduleLocation) {
        return of(new WasmFunction()).config(AbstractWasmFunction.MODULE_KEY, moduleLocation);
    }

    /**
     * Sets a user config value; only before the first message.
     *
     * @param key the key
     * @param value the value
     * @return this tester
     */
    public WasmFunctionTester<I, O> config(String key, Object value) {
        requireNotStarted();
        context.userConfig(key, value);
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
        context.secret(name, value);
        return this;
    }

    /** @return the context: set identity before the first message, read effects after */
    public InMemoryContext context() {
        return context;
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
     * Processes one message.
     *
     * @param record the value with its key, topic, properties and event time
     * @return the function's output, or null for none
     */
    public O process(TestRecord<I> record) {
        try {
            if (!initialized) {
                initialized = true;
                function.initialize(context);
            }
            context.setCurrentRecord(record);
            return function.process(record.getValue(), context);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the function if it was initialized. */
    @Override
    public void close() {
        if (!initialized) {
            return;
        }
        try {
            function.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void requireNotStarted() {
        if (initialized) {
            throw new IllegalStateException("configure the tester before the first message");
        }
    }
}
