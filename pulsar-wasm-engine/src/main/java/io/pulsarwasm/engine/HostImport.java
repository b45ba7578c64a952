package io.pulsarwasm.engine;

import static io.pulsarwasm.engine.HostImport.Param.bytes;
import static io.pulsarwasm.engine.HostImport.Param.f64;
import static io.pulsarwasm.engine.HostImport.Param.i32;
import static io.pulsarwasm.engine.HostImport.Param.i64;
import static io.pulsarwasm.engine.HostImport.Param.line;
import static io.pulsarwasm.engine.HostImport.Param.map;
import static io.pulsarwasm.engine.HostImport.Param.optionalText;
import static io.pulsarwasm.engine.HostImport.Param.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ValType;

/**
 * The host calls, declared once: every function the host offers under import module
 * {@value Abi#IMPORT_MODULE}, with its parameters and result as the host reads and returns them.
 * Everything else is derived from or checked against this table: the wasm signature ({@link
 * #type()}), which calls write into guest memory, which calls recover ({@code try_}), the name the
 * JavaScript {@code ctx} bridge uses, and — by {@code AbiCopiesTest} — the C header, the Rust and
 * AssemblyScript SDKs, their native test hosts, the JavaScript prelude and {@code docs/abi.md}.
 * {@code HostCalls} implements each call once, for every kind of guest.
 */
enum HostImport {
    LOG("log", "log", Result.NONE, i32("level"), line("line")),
    GET_CONFIG("get_config", "config", Result.TEXT, text("key")),
    GET_SECRET("get_secret", "secret", Result.TEXT, text("key")),
    SET_OUTPUT("set_output", null, Result.NONE, bytes("output")),
    SET_ERROR("set_error", null, Result.NONE, line("error")),
    GET_KEY("get_key", "key", Result.TEXT),
    GET_TOPIC("get_topic", "topic", Result.TEXT),
    GET_PROPERTY("get_property", "property", Result.TEXT, text("key")),
    GET_PROPERTIES("get_properties", "properties", Result.MAP),
    GET_EVENT_TIME("get_event_time", "eventTime", Result.OPTIONAL_I64),
    GET_MESSAGE_ID("get_message_id", "messageId", Result.BYTES),
    GET_SCHEMA("get_schema", "schema", Result.TEXT),
    GET_TENANT("get_tenant", "tenant", Result.TEXT),
    GET_NAMESPACE("get_namespace", "namespace", Result.TEXT),
    GET_FUNCTION_NAME("get_function_name", "functionName", Result.TEXT),
    GET_INSTANCE_ID("get_instance_id", "instanceId", Result.I32),
    GET_NUM_INSTANCES("get_num_instances", "numInstances", Result.I32),
    GET_REDELIVERY_COUNT("get_redelivery_count", "redeliveryCount", Result.I32),
    STATE_GET("state_get", "stateGet", Result.BYTES, text("key")),
    STATE_PUT("state_put", "statePut", Result.NONE, text("key"), bytes("value")),
    STATE_DELETE("state_delete", "stateDelete", Result.NONE, text("key")),
    COUNTER_INCR("counter_incr", "counterIncr", Result.NONE, text("key"), i64("amount")),
    COUNTER_GET("counter_get", "counterGet", Result.I64, text("key")),
    PUBLISH(
            "publish",
            "publish",
            Result.NONE,
            text("topic"),
            bytes("value"),
            optionalText("message key"),
            map("properties")),
    RECORD_METRIC("record_metric", "recordMetric", Result.NONE, text("key"), f64("value")),
    TRY_STATE_GET("try_state_get", STATE_GET),
    TRY_STATE_PUT("try_state_put", STATE_PUT),
    TRY_STATE_DELETE("try_state_delete", STATE_DELETE),
    TRY_COUNTER_INCR("try_counter_incr", COUNTER_INCR),
    TRY_COUNTER_GET("try_counter_get", COUNTER_GET),
    TRY_PUBLISH("try_publish", PUBLISH),
    LAST_ERROR("last_error", null, Result.TEXT),
    /**
     * The command entry ({@link CommandEntry}): hands back the status of the message the guest's
     * {@code main} just answered and waits for the next one, whose bytes it holds for {@link
     * #TAKE_RESULT}; absent when the instance closes. Served by the entry, not by {@link HostCalls}.
     */
    NEXT_INPUT("next_input", null, Result.BYTES, i32("status")),
    /**
     * Copies the value the latest data-returning call held, for a module that imports it instead
     * of exporting {@code alloc} (a WASI command has no exports to call): those calls return {@code
     * (0 << 32) | len}, and the guest takes the bytes into memory it allocated itself.
     */
    TAKE_RESULT("take_result", null, Result.NONE, i32("destination"));

    private static final Map<String, HostImport> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(HostImport::importName, Function.identity()));
    private static final Map<String, HostImport> BY_BRIDGE_NAME = Arrays.stream(values())
            .filter(call -> call.bridgeName != null)
            .collect(Collectors.toUnmodifiableMap(HostImport::bridgeName, Function.identity()));

    private final String importName;
    private final String qualifiedName;
    private final String bridgeName;
    private final HostImport recovers;
    private final Result result;
    private final List<Param> params;
    private final int[] slots;
    private final FunctionType type;

    HostImport(String importName, String bridgeName, Result result, Param... params) {
        this(importName, bridgeName, null, result, List.of(params));
    }

    /** A {@code try_} call: the call it recovers, with its parameters and result. */
    HostImport(String importName, HostImport recovers) {
        this(importName, null, recovers, recovers.result, recovers.params);
    }

    HostImport(String importName, String bridgeName, HostImport recovers, Result result, List<Param> params) {
        this.importName = importName;
        this.qualifiedName = Abi.IMPORT_MODULE + "." + importName;
        this.bridgeName = bridgeName;
        this.recovers = recovers;
        this.result = result;
        this.params = params;
        this.slots = new int[params.size()];
        List<ValType> wasmParams = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            slots[i] = wasmParams.size();
            wasmParams.addAll(params.get(i).kind().wasm);
        }
        this.type = FunctionType.of(wasmParams, result.wasm == null ? List.of() : List.of(result.wasm));
    }

    /**
     * Looks an import up by the name a module uses under module {@value Abi#IMPORT_MODULE}.
     *
     * @param name e.g. {@code log}
     * @return the import, or null if the host has none of that name
     */
    public static HostImport byName(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Looks a call up by the name the JavaScript {@code ctx} bridge uses.
     *
     * @param name e.g. {@code stateGet}
     * @return the call, or null if the bridge serves none of that name
     */
    public static HostImport byBridgeName(String name) {
        return BY_BRIDGE_NAME.get(name);
    }

    /** @return the import's name under module {@value Abi#IMPORT_MODULE} */
    public String importName() {
        return importName;
    }

    /** @return the name the JavaScript {@code ctx} bridge uses for this call, or null if it does not serve it */
    public String bridgeName() {
        return bridgeName;
    }

    /** @return for a {@code try_} call, the call it runs and recovers from a host failure of; else null */
    public HostImport recovers() {
        return recovers;
    }

    /** @return the call's parameters, as the host reads them */
    public List<Param> params() {
        return params;
    }

    /** @return what the call returns */
    public Result result() {
        return result;
    }

    /**
     * @param param a parameter's index in {@link #params()}
     * @return the index of its first wasm argument
     */
    public int slot(int param) {
        return slots[param];
    }

    /** @return the import's wasm signature, derived from its parameters and result */
    public FunctionType type() {
        return type;
    }

    /** @return true if it writes into guest memory through the guest's {@code alloc} */
    public boolean returnsGuestData() {
        return result.guestData;
    }

    /**
     * @return true for the command entry's own imports ({@code next_input}, {@code take_result}),
     *     which only a WASI command's SDK (Go's) declares
     */
    public boolean commandEntry() {
        return this == NEXT_INPUT || this == TAKE_RESULT;
    }

    /** @return {@code pulsar.<name>}, as error messages show it */
    public String qualifiedName() {
        return qualifiedName;
    }

    /** How a parameter crosses: its wasm arguments. Text, bytes and maps are a pointer and a length. */
    public enum Kind {
        /** An i32. */
        I32(ValType.I32),
        /** An i64. */
        I64(ValType.I64),
        /** An f64. */
        F64(ValType.F64),
        /** Strict UTF-8 text of at most {@code wasm.max-key-bytes}: a key, a name, a topic. */
        TEXT(ValType.I32, ValType.I32),
        /** As {@link #TEXT}, or absent (length -1). */
        OPTIONAL_TEXT(ValType.I32, ValType.I32),
        /** Text for the log: cut to {@code wasm.max-log-line-bytes}, never refused for its length. */
        LINE(ValType.I32, ValType.I32),
        /** Bytes. */
        BYTES(ValType.I32, ValType.I32),
        /** A string map in the ABI's map encoding. */
        MAP(ValType.I32, ValType.I32);

        private final List<ValType> wasm;

        Kind(ValType... wasm) {
            this.wasm = List.of(wasm);
        }

        /** @return the wasm arguments it takes */
        public List<ValType> wasm() {
            return wasm;
        }
    }

    /**
     * A parameter of a host call.
     *
     * @param kind how it crosses
     * @param what what it is, as errors name it (e.g. {@code a key of 2000 bytes})
     */
    public record Param(Kind kind, String what) {
        static Param i32(String what) {
            return new Param(Kind.I32, what);
        }

        static Param i64(String what) {
            return new Param(Kind.I64, what);
        }

        static Param f64(String what) {
            return new Param(Kind.F64, what);
        }

        static Param text(String what) {
            return new Param(Kind.TEXT, what);
        }

        static Param optionalText(String what) {
            return new Param(Kind.OPTIONAL_TEXT, what);
        }

        static Param line(String what) {
            return new Param(Kind.LINE, what);
        }

        static Param bytes(String what) {
            return new Param(Kind.BYTES, what);
        }

        static Param map(String what) {
            return new Param(Kind.MAP, what);
        }
    }

    /** What a host call returns. Text, bytes and maps come in guest memory, as a packed pointer and length. */
    public enum Result {
        /** Nothing. */
        NONE(null, false),
        /** Text, or absent. */
        TEXT(ValType.I64, true),
        /** Bytes, or absent. */
        BYTES(ValType.I64, true),
        /** A string map (never absent). */
        MAP(ValType.I64, true),
        /** An i32. */
        I32(ValType.I32, false),
        /** An i64. */
        I64(ValType.I64, false),
        /** An i64, or absent (-1). */
        OPTIONAL_I64(ValType.I64, false);

        private final ValType wasm;
        private final boolean guestData;

        Result(ValType wasm, boolean guestData) {
            this.wasm = wasm;
            this.guestData = guestData;
        }
    }
}
