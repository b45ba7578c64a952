package io.pulsarwasm.bench;

import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.function.WasmStringFunction;
import io.pulsarwasm.function.WasmWindowFunction;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.functions.api.WindowContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A window of 100 records against 100 single calls, in-process, each operation 100 records: the
 * C sum ({@code window_sum.c}) over one window of 100, the same module over 100 windows of one (a
 * window function deployed without window flags), and the cheapest function per message, the WAT
 * relay, called 100 times; the JavaScript average per key ({@code window_average.js}) over a window
 * of 100 against a JavaScript relay ({@code WasmStringFunction}, its cheapest path) called 100 times. Pulsar's own windowing (which collects the
 * records) is not in the figures: it is the same for a Java window function. The C sum over
 * event-time windows the function cuts itself ({@code wasm.window.length-ms} 100): 100 messages
 * in, each call taking one in, and one window of 100 out, its output sent (to a send that
 * completes at once) and its messages acknowledged: the function's own windowing is in the figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WindowBenchmark {

    private static final int RECORDS = 100;

    private final List<Record<byte[]>> window = new ArrayList<>();
    private final List<Record<byte[]>> keyed = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private WasmWindowFunction sum;
    private WasmWindowFunction average;
    private WasmWindowFunction sumOfOne;
    private WasmBytesFunction relay;
    private WasmStringFunction jsRelay;
    private final List<String> texts = new ArrayList<>();
    private Context context;
    private WindowContext windowContext;
    private WindowContext averageContext;

    private WasmWindowFunction eventTime;
    private Context eventContext;
    private final Record<?>[] current = new Record<?>[1];
    private long nextTime = 1_000_000;
    private int sent;

    /** A message with its value and event time, as the event-time windows take it. */
    private record Timed(byte[] value, long time) implements Record<byte[]> {
        @Override
        public byte[] getValue() {
            return value;
        }

        @Override
        public java.util.Optional<Long> getEventTime() {
            return java.util.Optional.of(time);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        eventTime = new WasmWindowFunction();
        Context eventBase = BenchContext.with(
                Map.of(
                        WasmConfig.MODULE,
                        module(Guests.samples().resolve("window_sum.wasm")),
                        "wasm.window.length-ms",
                        (double) RECORDS),
                () -> sentMessage());
        eventContext = (Context) Proxy.newProxyInstance(
                WindowBenchmark.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getCurrentRecord")
                        ? current[0]
                        : method.getName().equals("getOutputTopic") ? "out" : method.invoke(eventBase, args));
        eventTime.initialize(eventContext);
        for (int i = 0; i < RECORDS; i++) {
            byte[] value = String.valueOf(i).getBytes(StandardCharsets.UTF_8);
            values.add(value);
            texts.add(String.valueOf(i));
            window.add(() -> value);
            String key = "k" + (i % 4);
            keyed.add(new Record<>() {
                @Override
                public byte[] getValue() {
                    return value;
                }

                @Override
                public java.util.Optional<String> getKey() {
                    return java.util.Optional.of(key);
                }
            });
        }
        Path javascript = Path.of(System.getProperty("bench.javascript", "../wasm-samples/javascript"));
        context = BenchContext.with(Map.of());
        sum = new WasmWindowFunction();
        windowContext =
                windowContext(Map.of(WasmConfig.MODULE, module(Guests.samples().resolve("window_sum.wasm"))));
        average = new WasmWindowFunction();
        sumOfOne = new WasmWindowFunction();
        sumOfOne.initialize(BenchContext.with(
                Map.of(WasmConfig.MODULE, module(Guests.samples().resolve("window_sum.wasm")))));
        relay = new WasmBytesFunction();
        relay.initialize(BenchContext.with(
                Map.of(WasmConfig.MODULE, module(Guests.samples().resolve("relay.wasm")))));
        jsRelay = new WasmStringFunction();
        jsRelay.initialize(BenchContext.with(Map.of(WasmConfig.MODULE, module(javascript.resolve("relay.js")))));
        // the window functions start at their first window, as in Pulsar
        sum.process(window, windowContext);
        averageContext = windowContext(Map.of(WasmConfig.MODULE, module(javascript.resolve("window_average.js"))));
        average.process(keyed, averageContext);
    }

    /** A message builder whose send completes at once, counted. */
    private org.apache.pulsar.client.api.TypedMessageBuilder<?> sentMessage() {
        return (org.apache.pulsar.client.api.TypedMessageBuilder<?>) Proxy.newProxyInstance(
                WindowBenchmark.class.getClassLoader(),
                new Class<?>[] {org.apache.pulsar.client.api.TypedMessageBuilder.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendAsync")) {
                        sent++;
                        return java.util.concurrent.CompletableFuture.completedFuture(null);
                    }
                    return proxy;
                });
    }

    private static String module(Path path) {
        return path.toAbsolutePath().toString();
    }

    /** A window context that is also the instance's context, which the window function reads (Context first: its methods answer both). */
    private static WindowContext windowContext(Map<String, Object> config) {
        Context instance = BenchContext.with(config);
        return (WindowContext) Proxy.newProxyInstance(
                WindowBenchmark.class.getClassLoader(),
                new Class<?>[] {Context.class, WindowContext.class},
                (proxy, method, args) -> method.invoke(instance, args));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sum.close();
        average.close();
        sumOfOne.close();
        eventTime.close();
        relay.close();
        jsRelay.close();
    }

    @Benchmark
    public byte[] cWindowOf100() {
        return sum.process(window, windowContext);
    }

    @Benchmark
    public int cEventTimeWindowOf100() {
        for (byte[] value : values) {
            current[0] = new Timed(value, nextTime++);
            eventTime.process(value, eventContext);
        }
        return sent;
    }

    @Benchmark
    public int cHundredWindowsOfOne() {
        int total = 0;
        for (byte[] value : values) {
            total += sumOfOne.process(value, context).length;
        }
        return total;
    }

    @Benchmark
    public int watRelayHundredCalls() {
        int total = 0;
        for (byte[] value : values) {
            total += relay.process(value, context).join().length;
        }
        return total;
    }

    @Benchmark
    public byte[] javascriptWindowOf100() {
        return average.process(keyed, averageContext);
    }

    @Benchmark
    public int javascriptRelayHundredCalls() {
        int total = 0;
        for (String text : texts) {
            total += jsRelay.process(text, context).join().length();
        }
        return total;
    }
}
