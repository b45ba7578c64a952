package io.pulsarwasm.bench;

import io.pulsarwasm.engine.ExecutionMode;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.function.WasmRecordFunction;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.Field;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.client.api.schema.GenericRecordBuilder;
import org.apache.pulsar.client.api.schema.GenericSchema;
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
 * One Avro record transformed (name upper-cased, age plus one) from its stored bytes to the bytes
 * sent: each row starts where Pulsar hands a function its message ({@code AUTO_CONSUME} has decoded
 * it into a {@link GenericRecord}, for every function class) and ends with the output encoded.
 * {@code java} is {@code JavaRecordTransform}'s work: Pulsar's generic builder and writer. {@code
 * json} is {@link WasmRecordFunction} with {@code c/record.c}: the host maps the bytes to JSON, the
 * guest transforms the JSON, the host encodes its JSON; {@code jsonAssemblyScript} the same with the
 * AssemblyScript twin ({@code assemblyscript/user-record.ts}, the SDK's {@code json.ts}). {@code raw} is the same class in raw format
 * with {@code c/record_raw.c}, which transforms the Avro binary itself: no mapping either way.
 * {@code jsonMappingOnly} maps both ways around a guest that passes its input on ({@code
 * wat/relay.wat}): the mapping's own cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBenchmark {

    private static final Schema<User> SCHEMA = Schema.AVRO(User.class);

    private byte[] stored;
    private GenericSchema<GenericRecord> generic;
    private Schema<?> consumed;
    private WasmRecordFunction json;
    private WasmRecordFunction assemblyScript;
    private WasmRecordFunction raw;
    private WasmRecordFunction mapping;

    @Setup(Level.Trial)
    public void setUp() {
        stored = SCHEMA.encode(new User("ada lovelace", 36, "ada@example.org"));
        generic = Schema.generic(SCHEMA.getSchemaInfo());
        consumed = generic;
        json = function("record.wasm", Map.of());
        assemblyScript = function("user-record.wasm", Map.of());
        raw = function("record_raw.wasm", Map.of("wasm.record.format", "raw"));
        mapping = function("relay.wasm", Map.of());
        byte[] expected = SCHEMA.encode(new User("ADA LOVELACE", 37, "ada@example.org"));
        for (byte[] output : new byte[][] {
            java(), (byte[]) json().getValue(), (byte[]) jsonAssemblyScript().getValue(), (byte[]) raw().getValue()
        }) {
            if (!Arrays.equals(expected, output)) {
                throw new IllegalStateException("a benchmark's output differs: " + Arrays.toString(output));
            }
        }
    }

    private static WasmRecordFunction function(String module, Map<String, Object> config) {
        WasmRecordFunction function = new WasmRecordFunction();
        Map<String, Object> all = new java.util.HashMap<>(config);
        all.put(
                WasmConfig.MODULE,
                Guests.samples().resolve(module).toAbsolutePath().toString());
        all.put(ExecutionMode.KEY, Guests.Runtime.COMPILER.name());
        function.initialize(BenchContext.with(all));
        return function;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        json.close();
        assemblyScript.close();
        raw.close();
        mapping.close();
    }

    @Benchmark
    public byte[] java() {
        GenericRecord record = generic.decode(stored);
        GenericRecordBuilder builder = generic.newRecordBuilder();
        for (Field field : record.getFields()) {
            Object value = record.getField(field);
            if (field.getName().equals("name") && value instanceof String name) {
                value = name.toUpperCase(Locale.ROOT);
            } else if (field.getName().equals("age") && value instanceof Integer age) {
                value = age + 1;
            }
            builder.set(field.getName(), value);
        }
        return generic.encode(builder.build());
    }

    @Benchmark
    public RecordOutput json() {
        generic.decode(stored); // what AUTO_CONSUME does before any function runs
        return json.process(new RecordInput(consumed, stored, null, null), null).join();
    }

    @Benchmark
    public RecordOutput jsonAssemblyScript() {
        generic.decode(stored);
        return assemblyScript
                .process(new RecordInput(consumed, stored, null, null), null)
                .join();
    }

    /** The JSON mapping with a guest that passes its input on: what the mapping costs by itself. */
    @Benchmark
    public RecordOutput jsonMappingOnly() {
        generic.decode(stored);
        return mapping.process(new RecordInput(consumed, stored, null, null), null)
                .join();
    }

    @Benchmark
    public RecordOutput raw() {
        generic.decode(stored);
        return raw.process(new RecordInput(consumed, stored, null, null), null).join();
    }
}
