package io.pulsarwasm.abi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Record;
import io.pulsarwasm.sandbox.Limits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of the ABI: each {@link HostImport} mapped onto the Pulsar {@link Context} of the
 * call in progress. This is the only place that turns guest calls into {@code Context} calls.
 *
 * <p>One {@code HostCalls} serves one guest instance and, like it, is not thread-safe. An
 * invocation of the guest's {@code process} runs between {@link #begin} and {@link #finish}; the
 * output, error and publishes of that invocation are kept here. Without a context (a plain unit
 * test), log lines go to the SLF4J logger {@code io.pulsarwasm.guest.<module>}, config, secrets
 * and record fields are absent, and state and publishing fail.
 */
public final class HostCalls {

    private final Logger fallbackLogger;
    private final Limits limits;
    private GuestMemory memory;
    private Context context;
    private EntryPoint entry;
    private byte[] output;
    private String error;
    private final List<CompletableFuture<?>> publishes = new ArrayList<>();

    /**
     * Creates the host calls for one guest instance.
     *
     * @param moduleName the module's name, used for the logger when no context is bound
     * @param limits the output and host data sizes allowed
     */
    public HostCalls(String moduleName, Limits limits) {
        this.fallbackLogger = LoggerFactory.getLogger("io.pulsarwasm.guest." + moduleName);
        this.limits = limits;
    }

    /**
     * Logs a line through the function's logger (or, without a context, the module's SLF4J
     * logger): the {@code log} import, and what the guest writes to WASI stdout and stderr.
     *
     * @param level 0 trace, 1 debug, 2 info, 3 warn, 4 error
     * @param line the text
     */
    public void logLine(int level, String line) {
        Logger logger = context().map(Context::getLogger).orElse(fallbackLogger);
        switch (level) {
            case 0 -> logger.trace(line);
            case 1 -> logger.debug(line);
            case 2 -> logger.info(line);
            case 3 -> logger.warn(line);
            case 4 -> logger.error(line);
            default -> throw new AbiViolationException(HostImport.LOG.qualifiedName() + ": level " + level
                    + " is not one of 0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)");
        }
    }

    /** What one invocation produced: its output (null when the guest set none) and its error message. */
    public record Outcome(byte[] output, String error) {}

    /**
     * Binds the context that host calls act on outside an invocation ({@code init}, {@code close}).
     *
     * @param context the function's context, or null for none
     */
    public void bind(Context context) {
        this.context = context;
    }

    /**
     * Starts an invocation of {@code process}.
     *
     * @param context the context of the message being processed
     * @param entry which entry point is being called
     */
    public void begin(Context context, EntryPoint entry) {
        this.context = context;
        this.entry = entry;
        this.output = null;
        this.error = null;
        this.publishes.clear();
    }

    /**
     * Copies an input into guest memory obtained from the guest's {@code alloc}.
     *
     * @param instance the guest
     * @param input the bytes to pass
     * @return the guest address of the copy; the guest owns it
     */
    public int placeInput(Instance instance, byte[] input) {
        return memory(instance).writeAllocated(Abi.PROCESS + " input", input);
    }

    /**
     * Ends the invocation: waits until the messages it published are stored, so that the input is
     * acknowledged only after them.
     *
     * @return the invocation's output and error
     * @throws HostCallException if a publish failed
     */
    public Outcome finish() {
        if (publishes.isEmpty()) {
            entry = null;
            return new Outcome(output, error);
        }
        try {
            CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw new HostCallException(HostImport.PUBLISH.qualifiedName() + ": " + e.getCause(), e.getCause());
        } finally {
            publishes.clear();
            entry = null;
        }
        return new Outcome(output, error);
    }

    /**
     * The Chicory host functions to link into a guest instance.
     *
     * @return one {@link HostFunction} per {@link HostImport}
     */
    public List<HostFunction> functions() {
        return Arrays.stream(HostImport.values())
                .map(call -> new HostFunction(Abi.IMPORT_MODULE, call.importName(), call.type(),
                        (instance, args) -> dispatch(call, instance, args)))
                .toList();
    }

    private long[] dispatch(HostImport call, Instance instance, long[] args) {
        try {
            return handle(call, memory(instance), args);
        } catch (HostCallException | ChicoryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new HostCallException(call.qualifiedName() + ": " + e, e);
        }
    }

    private long[] handle(HostImport call, GuestMemory guest, long[] args) {
        String name = call.qualifiedName();
        return switch (call) {
            case LOG -> none(() -> logLine((int) args[0], guest.readUtf8(name, (int) args[1], (int) args[2])));
            case GET_CONFIG -> text(guest, name, context().flatMap(c -> c.getUserConfigValue(key(guest, name, args)))
                    .map(HostCalls::configText));
            case GET_SECRET -> text(guest, name, context().map(c -> c.getSecret(key(guest, name, args))));
            case SET_OUTPUT -> none(() -> setOutput(name, guest.read(name, (int) args[0], (int) args[1])));
            case SET_ERROR -> none(() -> setError(name, guest.readUtf8(name, (int) args[0], (int) args[1])));
            case GET_KEY -> text(guest, name, record().flatMap(Record::getKey));
            case GET_TOPIC -> text(guest, name, record().flatMap(Record::getTopicName));
            case GET_PROPERTY -> text(guest, name, record().map(r -> r.getProperties().get(key(guest, name, args))));
            case GET_PROPERTIES -> bytes(guest, name, record().map(r -> StringMapCodec.encode(r.getProperties())));
            case GET_EVENT_TIME -> new long[] {record().flatMap(Record::getEventTime).orElse(Abi.ABSENT)};
            case GET_MESSAGE_ID -> bytes(guest, name, record().flatMap(Record::getMessage)
                    .map(Message::getMessageId).map(MessageId::toByteArray));
            case GET_TENANT -> text(guest, name, context().map(Context::getTenant));
            case GET_NAMESPACE -> text(guest, name, context().map(Context::getNamespace));
            case GET_FUNCTION_NAME -> text(guest, name, context().map(Context::getFunctionName));
            case GET_INSTANCE_ID -> new long[] {context().map(Context::getInstanceId).orElse(0)};
            case GET_NUM_INSTANCES -> new long[] {context().map(Context::getNumInstances).orElse(1)};
            case STATE_GET -> bytes(guest, name, Optional.ofNullable(required(name).getState(key(guest, name, args)))
                    .map(HostCalls::toArray));
            case STATE_PUT -> none(() -> required(name).putState(key(guest, name, args),
                    ByteBuffer.wrap(guest.read(name, (int) args[2], (int) args[3]))));
            case STATE_DELETE -> none(() -> required(name).deleteState(key(guest, name, args)));
            case COUNTER_INCR -> none(() -> required(name).incrCounter(key(guest, name, args), args[2]));
            case COUNTER_GET -> new long[] {required(name).getCounter(key(guest, name, args))};
            case PUBLISH -> none(() -> publish(name, guest, args));
            case RECORD_METRIC -> none(() -> required(name).recordMetric(key(guest, name, args),
                    Double.longBitsToDouble(args[2])));
        };
    }

    private void setOutput(String name, byte[] bytes) {
        requireBytesInvocation(name);
        if (bytes.length > limits.maxOutputBytes()) {
            throw new AbiViolationException(name + ": an output of " + bytes.length + " bytes is more than the limit of "
                    + limits.maxOutputBytes() + " bytes (user config " + Limits.MAX_OUTPUT_BYTES + ")");
        }
        if (output != null) {
            throw new AbiViolationException(name + ": called twice in one invocation; a function has one output");
        }
        output = bytes;
    }

    private void setError(String name, String message) {
        requireBytesInvocation(name);
        error = message;
    }

    private void requireBytesInvocation(String name) {
        if (entry != EntryPoint.BYTES) {
            throw new AbiViolationException(name + ": only valid inside " + EntryPoint.BYTES.describe()
                    + (entry == EntryPoint.LONG ? "; the Long entry point returns its output" : ""));
        }
    }

    private void publish(String name, GuestMemory guest, long[] args) {
        String topic = guest.readUtf8(name, (int) args[0], (int) args[1]);
        byte[] value = guest.read(name, (int) args[2], (int) args[3]);
        boolean keyed = (int) args[5] != -1;
        String key = keyed ? guest.readUtf8(name, (int) args[4], (int) args[5]) : null;
        Map<String, String> properties = StringMapCodec.decode(guest.read(name, (int) args[6], (int) args[7]), name);
        TypedMessageBuilder<byte[]> message;
        try {
            message = required(name).newOutputMessage(topic, Schema.BYTES).value(value);
        } catch (org.apache.pulsar.client.api.PulsarClientException e) {
            throw new HostCallException(name + ": cannot publish to '" + topic + "': " + e.getMessage(), e);
        }
        if (keyed) {
            message.key(key);
        }
        if (!properties.isEmpty()) {
            message.properties(properties);
        }
        publishes.add(message.sendAsync());
    }

    private String key(GuestMemory guest, String name, long[] args) {
        return guest.readUtf8(name, (int) args[0], (int) args[1]);
    }

    private long[] text(GuestMemory guest, String name, Optional<String> value) {
        return bytes(guest, name, value.map(text -> text.getBytes(StandardCharsets.UTF_8)));
    }

    private long[] bytes(GuestMemory guest, String name, Optional<byte[]> value) {
        if (value.isEmpty()) {
            return new long[] {Abi.ABSENT};
        }
        byte[] data = value.get();
        if (data.length > limits.maxHostDataBytes()) {
            throw new HostCallException(name + ": the value is " + data.length + " bytes, more than the limit of "
                    + limits.maxHostDataBytes() + " bytes a host call returns (user config "
                    + Limits.MAX_HOST_DATA_BYTES + ")");
        }
        return new long[] {Abi.pack(guest.writeAllocated(name, data), data.length)};
    }

    private static long[] none(Runnable action) {
        action.run();
        return null;
    }

    private Optional<Context> context() {
        return Optional.ofNullable(context);
    }

    private Optional<Record<?>> record() {
        return context().map(Context::getCurrentRecord);
    }

    private Context required(String name) {
        if (context == null) {
            throw new HostCallException(name + ": needs a Pulsar context, and none is bound "
                    + "(use WasmFunctionTester or pass a Context to newInstance)");
        }
        return context;
    }

    private GuestMemory memory(Instance instance) {
        if (memory == null) {
            memory = new GuestMemory(instance);
        }
        return memory;
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
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
}
