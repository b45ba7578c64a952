package io.pulsarwasm.abi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pulsar.functions.api.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of the ABI: the functions a guest imports from module {@value Abi#IMPORT_MODULE},
 * each mapped onto the Pulsar {@link Context} of the call in progress. This is the only place that
 * turns guest calls into {@code Context} calls.
 *
 * <p>One {@code HostCalls} serves one guest instance and, like it, is not thread-safe. Without a
 * bound context (a plain unit test), log lines go to the SLF4J logger
 * {@code io.pulsarwasm.guest.<module>} and every configuration key is absent.
 */
public final class HostCalls {

    /** {@code log(level i32, ptr i32, len i32) -> ()}: levels 0 trace, 1 debug, 2 info, 3 warn, 4 error. */
    public static final String LOG = "log";

    /** {@code get_config(key_ptr i32, key_len i32) -> i64}: packed ptr/len of the value, or {@link Abi#ABSENT}. */
    public static final String GET_CONFIG = "get_config";

    private static final Map<String, FunctionType> SIGNATURES = signatures();

    /** Host functions that write into guest memory and so need the guest's {@code alloc} export. */
    private static final Set<String> ALLOCATING = Set.of(GET_CONFIG);

    private final Logger fallbackLogger;
    private Context context;

    /**
     * Creates the host calls for one guest instance.
     *
     * @param moduleName the module's name, used for the logger when no context is bound
     */
    public HostCalls(String moduleName) {
        this.fallbackLogger = LoggerFactory.getLogger("io.pulsarwasm.guest." + moduleName);
    }

    /**
     * The host functions, name to signature, in the order the ABI documents them.
     *
     * @return an unmodifiable map from import name to its wasm signature
     */
    public static Map<String, FunctionType> provided() {
        return SIGNATURES;
    }

    /**
     * Whether a host function writes data into guest memory through the guest's {@code alloc}.
     *
     * @param name import name under module {@value Abi#IMPORT_MODULE}
     * @return true if a module importing it must export {@code alloc} and {@code memory}
     */
    public static boolean needsAlloc(String name) {
        return ALLOCATING.contains(name);
    }

    /**
     * Binds the context that host calls act on until the next bind.
     *
     * @param context the Pulsar context of the current invocation, or null for none
     */
    public void bind(Context context) {
        this.context = context;
    }

    /**
     * The Chicory host functions to link into a guest instance.
     *
     * @return one {@link HostFunction} per ABI import
     */
    public List<HostFunction> functions() {
        return List.of(function(LOG, this::log), function(GET_CONFIG, this::getConfig));
    }

    private static HostFunction function(String name, WasmFunctionHandle handle) {
        return new HostFunction(Abi.IMPORT_MODULE, name, SIGNATURES.get(name), handle);
    }

    private long[] log(Instance instance, long... args) {
        int level = (int) args[0];
        String message = memory(instance, LOG).readUtf8((int) args[1], (int) args[2]);
        Logger logger = context == null ? fallbackLogger : context.getLogger();
        switch (level) {
            case 0 -> logger.trace(message);
            case 1 -> logger.debug(message);
            case 2 -> logger.info(message);
            case 3 -> logger.warn(message);
            case 4 -> logger.error(message);
            default -> throw new AbiViolationException(Abi.IMPORT_MODULE + "." + LOG + ": level "
                    + level + " is not one of 0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)");
        }
        return null;
    }

    private long[] getConfig(Instance instance, long... args) {
        GuestMemory memory = memory(instance, GET_CONFIG);
        String key = memory.readUtf8((int) args[0], (int) args[1]);
        Optional<Object> value = context == null ? Optional.empty() : context.getUserConfigValue(key);
        if (value.isEmpty()) {
            return new long[] {Abi.ABSENT};
        }
        return new long[] {memory.writeAllocated(configText(value.get()).getBytes(StandardCharsets.UTF_8))};
    }

    /**
     * User config arrives parsed from JSON, where every number is a double: render whole numbers
     * without a fraction so that {@code {"factor": 3}} reads as {@code "3"}, not {@code "3.0"}.
     */
    static String configText(Object value) {
        if (value instanceof Double number
                && number == Math.rint(number)
                && Math.abs(number) < 0x1p53) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(value);
    }

    private static GuestMemory memory(Instance instance, String name) {
        return new GuestMemory(instance, Abi.IMPORT_MODULE + "." + name);
    }

    private static Map<String, FunctionType> signatures() {
        Map<String, FunctionType> signatures = new LinkedHashMap<>();
        signatures.put(LOG, FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32), List.of()));
        signatures.put(GET_CONFIG, FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64)));
        return java.util.Collections.unmodifiableMap(signatures);
    }
}
