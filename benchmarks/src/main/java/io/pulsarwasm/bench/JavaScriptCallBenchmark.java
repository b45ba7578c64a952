package io.pulsarwasm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pulsarwasm.engine.Sandbox;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmInstance;
import io.pulsarwasm.engine.WasmLoader;
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
 * The Java baseline returns its input after ten {@code getUserConfigValue} calls. Beside them, a
 * small JSON transform ({@code javascript/transform.js}) against its Java twin with Jackson
 * ({@code JavaJsonTransform}).
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
    /** The loop of {@link #TEN_CALLS} alone: what the ten calls cost is the difference. */
    private static final String TEN_EMPTY = "export function process(input, ctx) {\n"
            + "  let k;\n"
            + "  for (let i = 0; i < 10; i++) k = 'k';\n"
            + "  return input;\n"
            + "}\n";
    /** The loop calling a JavaScript function of the same shape as ctx.config: the engine's own call cost. */
    private static final String TEN_JS_CALLS = "function same(k) {\n"
            + "  if (typeof k !== 'string') throw new TypeError('k');\n"
            + "  return k;\n"
            + "}\n"
            + "export function process(input, ctx) {\n"
            + "  for (let i = 0; i < 10; i++) same('k');\n"
            + "  return input;\n"
            + "}\n";

    private static final String TEN_LOGS = "export function process(input, ctx) {\n"
            + "  for (let i = 0; i < 10; i++) ctx.log.debug('line');\n"
            + "  return input;\n"
            + "}\n";

    private static final String TRANSFORM = "export function process(input) {\n"
            + "  const o = JSON.parse(input);\n"
            + "  o.name = o.name.toUpperCase();\n"
            + "  o.count = o.count + 1;\n"
            + "  o.total = o.items.reduce((sum, item) => sum + item.length, 0);\n"
            + "  return JSON.stringify(o);\n"
            + "}\n";
    private static final String JSON_INPUT = EndToEnd.json(41);

    private final String input = "hello";
    private Function<String, CompletableFuture<String>> transform;
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private WasmLoader relayLoader;
    private Context context;
    private Function<String, CompletableFuture<String>> relay;
    private Function<String, CompletableFuture<String>> tenCalls;
    private Function<String, CompletableFuture<String>> tenLogs;
    private Function<String, CompletableFuture<String>> tenEmpty;
    private Function<String, CompletableFuture<String>> tenJsCalls;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("js-bench-");
        relay = function(RELAY, "relay.js");
        tenCalls = function(TEN_CALLS, "ten.js");
        tenLogs = function(TEN_LOGS, "logs.js");
        tenEmpty = function(TEN_EMPTY, "empty.js");
        tenJsCalls = function(TEN_JS_CALLS, "js-calls.js");
        transform = function(TRANSFORM, "transform.js");
        relayLoader = WasmLoader.fromJavaScript(
                "relay.js", RELAY.getBytes(java.nio.charset.StandardCharsets.UTF_8), Sandbox.DEFAULT);
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
        ((WasmStringFunction) tenEmpty).close();
        ((WasmStringFunction) tenJsCalls).close();
        ((WasmStringFunction) transform).close();
        relayLoader.close();
    }

    @Benchmark
    public String java() {
        String value = null;
        for (int i = 0; i < 10; i++) {
            value = (String) context.getUserConfigValue("k").orElse(null);
        }
        return value == null ? null : input;
    }

    /** The transform in Java with Jackson, as wasm-samples' {@code JavaJsonTransform} (a NAR, not on this class path) does it. */
    @Benchmark
    public String javaJsonTransform() throws Exception {
        ObjectNode o = (ObjectNode) JACKSON.readTree(JSON_INPUT);
        o.put("name", o.get("name").asText().toUpperCase(java.util.Locale.ROOT));
        o.put("count", o.get("count").asLong() + 1);
        long total = 0;
        for (JsonNode item : o.get("items")) {
            total += item.asText().length();
        }
        o.put("total", total);
        return JACKSON.writeValueAsString(o);
    }

    @Benchmark
    public String javascriptJsonTransform() throws Exception {
        return transform.process(JSON_INPUT, context).join();
    }

    /** A later engine instance of a loaded function (as an instance replaced after a trap, or another in the same JVM): start to first output. */
    @Benchmark
    public int javascriptLaterInstance() {
        try (WasmInstance guest = relayLoader.newInstance()) {
            return guest.process(new byte[] {'h', 'i'}).output().length;
        }
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
    public String javascriptTenLoopIterations() throws Exception {
        return tenEmpty.process(input, context).join();
    }

    @Benchmark
    public String javascriptTenJavaScriptCalls() throws Exception {
        return tenJsCalls.process(input, context).join();
    }

    @Benchmark
    public String javascriptTenLogLines() throws Exception {
        return tenLogs.process(input, context).join();
    }
}
