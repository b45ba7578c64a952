package io.pulsarwasm.engine.internal;

import static run.endive.wasm.types.ValType.F64;
import static run.endive.wasm.types.ValType.I32;
import static run.endive.wasm.types.ValType.I64;

import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ValType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every function the host offers under import module {@value Abi#IMPORT_MODULE}: its name, its
 * wasm signature, and whether it returns data in guest memory (and so needs the guest's
 * {@code alloc}). {@code docs/abi.md} documents each; {@code HostFunctions} implements each.
 */
public enum HostImport {
    LOG("log", params(I32, I32, I32), false),
    GET_CONFIG("get_config", params(I32, I32).returning(I64), true),
    GET_SECRET("get_secret", params(I32, I32).returning(I64), true),
    SET_OUTPUT("set_output", params(I32, I32), false),
    SET_ERROR("set_error", params(I32, I32), false),
    GET_KEY("get_key", params().returning(I64), true),
    GET_TOPIC("get_topic", params().returning(I64), true),
    GET_PROPERTY("get_property", params(I32, I32).returning(I64), true),
    GET_PROPERTIES("get_properties", params().returning(I64), true),
    GET_EVENT_TIME("get_event_time", params().returning(I64), false),
    GET_MESSAGE_ID("get_message_id", params().returning(I64), true),
    GET_SCHEMA("get_schema", params().returning(I64), true),
    GET_TENANT("get_tenant", params().returning(I64), true),
    GET_NAMESPACE("get_namespace", params().returning(I64), true),
    GET_FUNCTION_NAME("get_function_name", params().returning(I64), true),
    GET_INSTANCE_ID("get_instance_id", params().returning(I32), false),
    GET_NUM_INSTANCES("get_num_instances", params().returning(I32), false),
    STATE_GET("state_get", params(I32, I32).returning(I64), true),
    STATE_PUT("state_put", params(I32, I32, I32, I32), false),
    STATE_DELETE("state_delete", params(I32, I32), false),
    COUNTER_INCR("counter_incr", params(I32, I32, I64), false),
    COUNTER_GET("counter_get", params(I32, I32).returning(I64), false),
    PUBLISH("publish", params(I32, I32, I32, I32, I32, I32, I32, I32), false),
    RECORD_METRIC("record_metric", params(I32, I32, F64), false),
    TRY_STATE_GET("try_state_get", params(I32, I32).returning(I64), true),
    TRY_STATE_PUT("try_state_put", params(I32, I32, I32, I32), false),
    TRY_STATE_DELETE("try_state_delete", params(I32, I32), false),
    TRY_COUNTER_INCR("try_counter_incr", params(I32, I32, I64), false),
    TRY_COUNTER_GET("try_counter_get", params(I32, I32).returning(I64), false),
    TRY_PUBLISH("try_publish", params(I32, I32, I32, I32, I32, I32, I32, I32), false),
    LAST_ERROR("last_error", params().returning(I64), true);

    private static final Map<String, HostImport> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(HostImport::importName, Function.identity()));

    private final String importName;
    private final String qualifiedName;
    private final FunctionType type;
    private final boolean returnsGuestData;

    HostImport(String importName, Signature signature, boolean returnsGuestData) {
        this.importName = importName;
        this.qualifiedName = Abi.IMPORT_MODULE + "." + importName;
        this.type = signature.type();
        this.returnsGuestData = returnsGuestData;
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

    /** @return the import's name under module {@value Abi#IMPORT_MODULE} */
    public String importName() {
        return importName;
    }

    /** @return the import's wasm signature */
    public FunctionType type() {
        return type;
    }

    /** @return true if it writes into guest memory through the guest's {@code alloc} */
    public boolean returnsGuestData() {
        return returnsGuestData;
    }

    /** @return {@code pulsar.<name>}, as error messages show it */
    public String qualifiedName() {
        return qualifiedName;
    }

    private static Signature params(ValType... params) {
        return new Signature(List.of(params), List.of());
    }

    private record Signature(List<ValType> params, List<ValType> results) {
        Signature returning(ValType result) {
            return new Signature(params, List.of(result));
        }

        FunctionType type() {
            return FunctionType.of(params, results);
        }
    }
}
