package io.pulsarwasm.bench;

import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.WasmStringFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;
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
 * What a JavaScript function's call and its {@code ctx} calls cost in-process: the relay ({@code
 * return input}), and the same with ten {@code ctx.config} calls, or ten {@code ctx.log.debug} lines, per message, through {@code
 * WasmStringFunction} as a worker runs them; a {@code ctx} call costs a tenth of the difference.
 * The Java baseline returns its input after ten {@code getUserConfigValue} calls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JavaScriptCallBenchmark {

    private static final String RELAY = "export function process(input) { return input; }\n";
    private static final String TEN_CALLS = "export function process(input, ctx) {\n"
            + "  for (let i = 0; i < 10; i++) ctx.config('k');\n"
            + "  return input;\n"
            + "}\n";
    private static final String TEN_LOGS = "export function process(input, ctx) {\n"
            + "  for (let i = 0; i < 10; i++) ctx.log.debug('line');\n"
            + "  return input;\n"
            + "}\n";

    private final String input = "hello";
    private Context context;
    private Function<String, CompletableFuture<String>> relay;
    private Function<String, CompletableFuture<String>> tenCalls;
    private Function<String, CompletableFuture<String>> tenLogs;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("js-bench-");
        relay = function(RELAY, "relay.js");
        tenCalls = function(TEN_CALLS, "ten.js");
        tenLogs = function(TEN_LOGS, "logs.js");
        context = BenchContext.with(Map.of("k", "v"));
    }

    private WasmStringFunction function(String source, String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name), source);
        Map<String, Object> config = new HashMap<>();
        config.put("k", "v");
        config.put(WasmConfig.MODULE, file.toAbsolutePath().toString());
        WasmStringFunction function = new WasmStringFunction();
        function.initialize(BenchContext.with(config));
        return function;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ((WasmStringFunction) relay).close();
        ((WasmStringFunction) tenCalls).close();
        ((WasmStringFunction) tenLogs).close();
    }

    @Benchmark
    public String java() {
        String value = null;
        for (int i = 0; i < 10; i++) {
            value = (String) context.getUserConfigValue("k").orElse(null);
        }
        return value == null ? null : input;
    }

    @Benchmark
    public String javascriptRelay() throws Exception {
        return relay.process(input, context).join();
    }

    @Benchmark
    public String javascriptTenCtxCalls() throws Exception {
        return tenCalls.process(input, context).join();
    }

    @Benchmark
    public String javascriptTenLogLines() throws Exception {
        return tenLogs.process(input, context).join();
    }
}
