package io.pulsarwasm.engine;

import run.endive.runtime.HostFunction;
import run.endive.runtime.Instance;
import run.endive.wasm.WasmEngineException;
import io.pulsarwasm.engine.internal.Abi;
import io.pulsarwasm.engine.internal.AbiViolationException;
import io.pulsarwasm.engine.internal.GuestMemory;
import io.pulsarwasm.engine.internal.HostCallException;
import io.pulsarwasm.engine.internal.HostImport;
import io.pulsarwasm.engine.internal.StringMapCodec;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The host side of the ABI: each {@link HostImport} mapped onto the {@link Host}. The only place
 * that turns guest calls into host calls.
 *
 * <p>Serves one guest instance and, like it, is not thread-safe. An invocation of {@code process}
 * runs between {@link #begin} and {@link #finish}; its output, error and pending writes are kept
 * here. Writes (publishes, state) are not waited for during the guest's run: {@link #finish} hands
 * back one future for all of them. A read of state waits for this instance's earlier state writes
 * first, so a guest reads its own writes.
 */
final class HostFunctions {

    /** What a log line costs beyond its text (its framing in the log), so that empty lines are not free. */
    static final int LOG_LINE_OVERHEAD = 64;

    private final String moduleName;
    private final Limits limits;
    private final Host host;
    // limits read on every host call, kept as fields
    private final long maxLogBytesPerCall;
    private final int maxLogLineBytes;
    private final int maxWritesPerCall;
    private final long maxWriteBytesPerCall;
    private final int maxKeyBytes;
    private final int maxStateValueBytes;
    private final int maxMetricNames;
    private final DistinctNames metricNames;
    private final DistinctNames topics;
    private String lastTopic;
    private byte[] lastTopicBytes;
    // what the current call into the guest has used
    private long logBytes;
    private boolean logLimitSaid;
    private int writes;
    private long writeBytes;
    private GuestMemory memory;
    private EntryPoint entry;
    private byte[] output;
    private String error;
    private String lastError;
    private boolean refuseAtOnce;
    private int nesting;
    private final List<Write> pending = new ArrayList<>();
    private final List<CompletableFuture<?>> stateWrites = new ArrayList<>();

    HostFunctions(String moduleName, Limits limits, Host host, DistinctNames metricNames, DistinctNames topics) {
        this.moduleName = moduleName;
        this.limits = limits;
        this.host = host;
        this.maxLogBytesPerCall = limits.get(Limit.MAX_LOG_BYTES_PER_CALL);
        this.maxLogLineBytes = limits.intValue(Limit.MAX_LOG_LINE_BYTES);
        this.maxWritesPerCall = limits.intValue(Limit.MAX_WRITES_PER_CALL);
        this.maxWriteBytesPerCall = limits.get(Limit.MAX_WRITE_BYTES_PER_CALL);
        this.maxKeyBytes = limits.intValue(Limit.MAX_KEY_BYTES);
        this.maxStateValueBytes = limits.intValue(Limit.MAX_STATE_VALUE_BYTES);
        this.maxMetricNames = limits.intValue(Limit.MAX_METRIC_NAMES);
        this.metricNames = metricNames;
        this.topics = topics;
    }

    /**
     * What one invocation produced: its output (null when none), its error text, and a future that
     * completes with the output once its writes are stored.
     */
    record Outcome(byte[] output, String error, CompletableFuture<byte[]> stored) {}

    Host host() {
        return host;
    }

    /** Starts a call into the guest: its log and write budgets start again. */
    void beginCall() {
        logBytes = 0;
        logLimitSaid = false;
        writes = 0;
        writeBytes = 0;
    }

    /** @return the longest line the host logs for the guest */
    int maxLogLineBytes() {
        return maxLogLineBytes;
    }

    /**
     * Logs a line for the guest (the {@code log} import, WASI stdout and stderr) within the call's log
     * budget: a line longer than the line limit comes cut, and says so; once the budget is spent,
     * one line says so and the call's further lines are dropped.
     *
     * @param line the line, already cut to {@link #maxLogLineBytes()} if it was longer
     * @param fullBytes the line's length in UTF-8 bytes before any cut
     */
    void logLine(LogLevel level, String line, long fullBytes) {
        if (logLimitSaid) {
            return;
        }
        long bytes = Math.min(fullBytes, maxLogLineBytes) + LOG_LINE_OVERHEAD;
        if (logBytes + bytes > maxLogBytesPerCall) {
            logLimitSaid = true;
            host.log(LogLevel.WARN, "pulsar-wasm: wasm module '" + moduleName + "' logged more than "
                    + limits.limitOf(Limit.MAX_LOG_BYTES_PER_CALL) + " in one call; its further lines in this call are dropped");
            return;
        }
        logBytes += bytes;
        host.log(level, fullBytes <= maxLogLineBytes ? line : line + " [pulsar-wasm: a line of " + fullBytes
                + " bytes, cut to " + limits.limitOf(Limit.MAX_LOG_LINE_BYTES) + "]");
    }

    void begin(EntryPoint entry) {
        this.entry = entry;
        this.output = null;
        this.error = null;
        this.pending.clear();
    }

    /** Copies an input into guest memory obtained from the guest's {@code alloc}; returns its address. */
    int placeInput(Instance instance, byte[] input) {
        return memory(instance).writeAllocated(Abi.PROCESS + " input", input);
    }

    /** Ends the invocation. */
    Outcome finish() {
        entry = null;
        return new Outcome(output, error, pending.isEmpty() ? CompletableFuture.completedFuture(output) : writesStored(output));
    }

    /**
     * Ends an invocation with no output to collect (the Long entry point, {@code init}, {@code
     * close}) by waiting, inside the call and so under its deadline, until its writes are stored.
     */
    void awaitWrites() {
        entry = null;
        if (pending.isEmpty()) {
            return;
        }
        CompletableFuture<?> stored = writesStored(null);
        try {
            stored.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException("interrupted while waiting for the guest's writes to be stored", e);
        } catch (ExecutionException e) {
            throw new HostCallException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * The pending writes' future, the invocation's own (completing it does not touch the writes): it
     * completes with {@code result} once they are stored, and fails with the first of them, in the
     * order they were made, that failed, named after the host call.
     */
    private <T> CompletableFuture<T> writesStored(T result) {
        if (pending.size() == 1) {
            // the usual case, a publish per message: no array
            Write write = pending.remove(0);
            return write.future().handle((stored, failure) -> {
                if (failure != null) {
                    throw write.failure(moduleName);
                }
                return result;
            });
        }
        Write[] writes = pending.toArray(Write[]::new);
        pending.clear();
        return CompletableFuture.allOf(Arrays.stream(writes).map(Write::future).toArray(CompletableFuture[]::new))
                .handle((stored, failure) -> {
                    if (failure != null) {
                        throw Write.firstFailed(writes).failure(moduleName);
                    }
                    return result;
                });
    }

    /** A write the current invocation made: which host call, to which topic (null for state), and its future. */
    private record Write(String call, String topic, CompletableFuture<?> future) {

        /** The first of the writes, in the order they were made, that failed; called once one has. */
        static Write firstFailed(Write[] writes) {
            return Arrays.stream(writes).filter(write -> write.future().isCompletedExceptionally()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("none of the writes failed"));
        }

        static String what(String call, String topic) {
            return topic == null ? call : call + " to '" + topic + "'";
        }

        CompletionException failure(String moduleName) {
            Throwable cause = future.handle((stored, failure) -> failure).join();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return new CompletionException(new WasmExecutionException("wasm module '" + moduleName + "': "
                    + what(call, topic) + " failed: " + cause, cause));
        }
    }

    /** The host functions to link into a guest instance, one per {@link HostImport}. */
    HostFunction[] functions() {
        return Arrays.stream(HostImport.values())
                .map(call -> new HostFunction(Abi.IMPORT_MODULE, call.importName(), call.type(),
                        (instance, args) -> dispatch(call, instance, args)))
                .toArray(HostFunction[]::new);
    }

    private long[] dispatch(HostImport call, Instance instance, long[] args) {
        nesting++;
        try {
            return handle(call, memory(instance), args);
        } catch (HostCallException | WasmEngineException e) {
            throw e;
        } catch (Exception e) {
            // Exception, not RuntimeException: libraries may throw checked exceptions undeclared (sneaky throws)
            throw new HostCallException(call.qualifiedName() + ": " + e, e);
        } finally {
            nesting--;
        }
    }

    private long[] handle(HostImport call, GuestMemory guest, long[] args) {
        String name = call.qualifiedName();
        return switch (call) {
            case LOG -> none(() -> log(name, guest, args));
            case GET_CONFIG -> text(guest, name, host.config(key(guest, name, args)));
            case GET_SECRET -> text(guest, name, host.secret(key(guest, name, args)));
            case SET_OUTPUT -> none(() -> setOutput(name, guest, (int) args[0], (int) args[1]));
            case SET_ERROR -> none(() -> setError(name, boundedText(guest, name, (int) args[0], (int) args[1])));
            case GET_KEY -> text(guest, name, host.key());
            case GET_TOPIC -> text(guest, name, host.topic());
            case GET_PROPERTY -> text(guest, name, Optional.ofNullable(host.properties().get(key(guest, name, args))));
            case GET_PROPERTIES -> bytes(guest, name, Optional.of(StringMapCodec.encode(host.properties())));
            case GET_EVENT_TIME -> new long[] {host.eventTime().orElse(Abi.ABSENT)};
            case GET_MESSAGE_ID -> bytes(guest, name, host.messageId());
            case GET_SCHEMA -> text(guest, name, host.schema());
            case GET_TENANT -> text(guest, name, Optional.of(host.tenant()));
            case GET_NAMESPACE -> text(guest, name, Optional.of(host.namespace()));
            case GET_FUNCTION_NAME -> text(guest, name, Optional.of(host.functionName()));
            case GET_INSTANCE_ID -> new long[] {host.instanceId()};
            case GET_NUM_INSTANCES -> new long[] {host.numInstances()};
            case STATE_GET -> bytes(guest, name, stateGet(name, key(guest, name, args)));
            case STATE_PUT -> none(() -> statePut(name, guest, args));
            case STATE_DELETE -> none(() -> stateDelete(name, key(guest, name, args)));
            case COUNTER_INCR -> none(() -> counterIncr(name, key(guest, name, args), args[2]));
            case COUNTER_GET -> new long[] {counterGet(name, key(guest, name, args))};
            case PUBLISH -> none(() -> publish(name, guest, args));
            case RECORD_METRIC -> none(() -> recordMetric(name, key(guest, name, args), Double.longBitsToDouble(args[2])));
            case TRY_STATE_GET -> recoverable(HostImport.STATE_GET, new long[] {Abi.ABSENT}, guest, args);
            case TRY_STATE_PUT -> recoverableWrite(HostImport.STATE_PUT, guest, args);
            case TRY_STATE_DELETE -> recoverableWrite(HostImport.STATE_DELETE, guest, args);
            case TRY_COUNTER_INCR -> recoverableWrite(HostImport.COUNTER_INCR, guest, args);
            case TRY_COUNTER_GET -> recoverable(HostImport.COUNTER_GET, new long[] {0}, guest, args);
            case TRY_PUBLISH -> recoverableWrite(HostImport.PUBLISH, guest, args);
            case LAST_ERROR -> text(guest, name, Optional.ofNullable(lastError));
        };
    }

    /**
     * A {@code try_} call: the call it names, except that a failure of the host or of Pulsar (state
     * storage not enabled, a store that fails, a publish refused at once) is kept for {@code
     * last_error} and the call returns {@code fallback} instead of failing the guest's call. What is
     * the guest's own doing (bad pointers, text that is not UTF-8, a limit passed) still fails it,
     * and so does the deadline; a write refused only later, once the guest has returned, fails the
     * message as for the plain call.
     */
    private long[] recoverable(HostImport call, long[] fallback, GuestMemory guest, long[] args) {
        lastError = null;
        try {
            return handle(call, guest, args);
        } catch (HostFailure e) {
            if (e.depth != nesting) {
                throw e; // a host call the guest's alloc made, nested in this one: not this call's to recover
            }
            lastError = e.getMessage();
            return fallback;
        }
    }

    /** A recoverable write: one the host refuses at once fails the call for last_error, not the message. */
    private long[] recoverableWrite(HostImport call, GuestMemory guest, long[] args) {
        // a write's handler runs no guest code, so nothing nests while this is set
        refuseAtOnce = true;
        try {
            return recoverable(call, null, guest, args);
        } finally {
            refuseAtOnce = false;
        }
    }

    /**
     * Runs a host call of a guest that reaches the host through a bridge (the JavaScript engine's):
     * as a {@code try_} call, a write the host refuses at once fails the call, and a failure of the
     * host comes out as a {@link HostCallException} for which {@link #isHostFailure} is true, which
     * the bridge hands to the guest as an error it may catch.
     *
     * @param name the call, as errors name it
     * @param operation the call in Java terms
     * @return what it returns
     */
    <T> T bridged(String name, Supplier<T> operation) {
        nesting++;
        refuseAtOnce = true;
        try {
            return operation.get();
        } catch (HostCallException | WasmEngineException e) {
            throw e;
        } catch (Exception e) {
            throw new HostCallException(name + ": " + e, e);
        } finally {
            refuseAtOnce = false;
            nesting--;
        }
    }

    /**
     * Runs an operation of the {@link Host}: what it throws is a failure of the host, which a {@code
     * try_} call recovers from (Exception: a host may throw checked exceptions undeclared).
     */
    private <T> T fromHost(String name, Supplier<T> operation) {
        return fromHost(name, null, operation);
    }

    /** As {@link #fromHost(String, Supplier)} for a call on a topic (null for none), named only if it fails. */
    private <T> T fromHost(String call, String topic, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (Exception e) {
            throw new HostFailure(Write.what(call, topic) + ": " + e, e, nesting);
        }
    }

    /** A failure of the host or of Pulsar behind a host call (not the guest's doing, not the deadline). */
    private static final class HostFailure extends HostCallException {
        private static final long serialVersionUID = 1L;
        private final transient int depth;

        HostFailure(String message, Throwable cause, int depth) {
            super(message, cause);
            this.depth = depth;
        }
    }

    private void log(String name, GuestMemory guest, long[] args) {
        int code = (int) args[0];
        LogLevel level = LogLevel.ofCode(code);
        if (level == null) {
            throw new AbiViolationException(name + ": level " + code
                    + " is not one of 0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)");
        }
        if (logLimitSaid) {
            return; // the call's log budget is spent: not even read
        }
        logLine(level, boundedText(guest, name, (int) args[1], (int) args[2]), Integer.toUnsignedLong((int) args[2]));
    }

    /** Text for a log line or an error: strict UTF-8 when it fits a line, else cut to the line limit. */
    private String boundedText(GuestMemory guest, String name, int ptr, int length) {
        return Integer.toUnsignedLong(length) <= maxLogLineBytes
                ? guest.readUtf8(name, ptr, length)
                : guest.readUtf8Prefix(name, ptr, length, maxLogLineBytes);
    }

    private void setOutput(String name, GuestMemory guest, int ptr, int length) {
        checkOutput(name, Integer.toUnsignedLong(length));
        setOutput(name, guest.read(name, ptr, length));
    }

    /** Refuses an output over {@link Limit#MAX_OUTPUT_BYTES}, or a second output of one invocation. */
    void checkOutput(String name, long length) {
        requireBytesInvocation(name);
        if (length > limits.get(Limit.MAX_OUTPUT_BYTES)) {
            throw new AbiViolationException(name + ": an output of " + length
                    + " bytes is more than " + limits.limitOf(Limit.MAX_OUTPUT_BYTES));
        }
        if (output != null) {
            throw new AbiViolationException(name + ": called twice in one invocation; a function has one output");
        }
    }

    /** Sets the invocation's output, once checked with {@link #checkOutput}. */
    void setOutput(String name, byte[] value) {
        checkOutput(name, value.length);
        output = value;
    }

    /** The guest's error text, cut like a log line: it ends up in Pulsar's log and exception stats. */
    void setError(String name, String message) {
        requireBytesInvocation(name);
        error = message;
    }

    private void requireBytesInvocation(String name) {
        if (entry != EntryPoint.BYTES) {
            throw new AbiViolationException(name + ": only valid inside " + EntryPoint.BYTES.describe()
                    + (entry == EntryPoint.LONG ? "; the Long entry point returns its output" : ""));
        }
    }

    void recordMetric(String name, String metric, double value) {
        if (!metricNames.admit(metric)) {
            throw new AbiViolationException(name + ": metric '" + metric + "' would be distinct metric name "
                    + (maxMetricNames + 1) + " of this function instance, more than " + limits.limitOf(Limit.MAX_METRIC_NAMES));
        }
        host.recordMetric(metric, value);
    }

    private void publish(String name, GuestMemory guest, long[] args) {
        String topic = topic(name, guest, (int) args[0], (int) args[1]);
        countWrite(name, Integer.toUnsignedLong((int) args[3]) + Integer.toUnsignedLong((int) args[7]));
        byte[] value = guest.read(name, (int) args[2], (int) args[3]);
        String key = (int) args[5] != -1 ? text(guest, name, "message key", (int) args[4], (int) args[5]) : null;
        Map<String, String> properties = StringMapCodec.decode(guest.read(name, (int) args[6], (int) args[7]), name);
        sendPublish(name, topic, value, key, properties);
    }

    /**
     * Publishes for a guest that reaches the host through a bridge: the checks of {@code
     * pulsar.publish} (topic count, key length, the call's write budget, properties counted in
     * their wire form), then the publish.
     */
    void publish(String name, String topic, byte[] value, String key, Map<String, String> properties) {
        checkText(name, "topic", topic);
        String admitted = admitTopic(name, topic);
        if (key != null) {
            checkText(name, "message key", key);
        }
        countWrite(name, value.length + (long) StringMapCodec.encode(properties).length);
        sendPublish(name, admitted, value, key, properties);
    }

    /**
     * The topic a guest passes to {@code pulsar.publish}: bytes equal to the last publish's give
     * that publish's String again, neither decoded nor hashed anew (the host's producer lookup needs
     * its hash).
     */
    private String topic(String name, GuestMemory guest, int ptr, int length) {
        checkKeyLength(name, "topic", length);
        byte[] bytes = guest.read(name, ptr, length);
        if (Arrays.equals(bytes, lastTopicBytes)) {
            return lastTopic;
        }
        String topic = admitTopic(name, GuestMemory.utf8(name, ptr, bytes));
        lastTopicBytes = bytes;
        return topic;
    }

    /** @return the topic; the same String as the last publish's when it is the same topic */
    private String admitTopic(String name, String topic) {
        if (topic.equals(lastTopic)) {
            return lastTopic;
        }
        if (!topics.admit(topic)) {
            throw new AbiViolationException(name + ": topic '" + topic + "' would be distinct topic "
                    + (limits.get(Limit.MAX_PUBLISH_TOPICS) + 1) + " of this function instance, more than "
                    + limits.limitOf(Limit.MAX_PUBLISH_TOPICS));
        }
        lastTopic = topic;
        lastTopicBytes = null;
        return topic;
    }

    private void sendPublish(String name, String topic, byte[] value, String key, Map<String, String> properties) {
        write(name, topic, () -> host.publish(topic, value, key, properties));
    }

    private void statePut(String name, GuestMemory guest, long[] args) {
        String key = key(guest, name, args);
        int length = (int) args[3];
        checkStateValue(name, Integer.toUnsignedLong(length));
        stateWrite(name, Integer.toUnsignedLong(length), () -> host.statePut(key, guest.read(name, (int) args[2], length)));
    }

    /** {@code pulsar.state_put} in Java terms, for a guest that reaches the host through a bridge. */
    void statePut(String name, String key, byte[] value) {
        checkText(name, "key", key);
        checkStateValue(name, value.length);
        stateWrite(name, value.length, () -> host.statePut(key, value));
    }

    private void checkStateValue(String name, long length) {
        if (length > maxStateValueBytes) {
            throw new AbiViolationException(name + ": a value of " + length
                    + " bytes is more than " + limits.limitOf(Limit.MAX_STATE_VALUE_BYTES));
        }
    }

    /** {@code pulsar.state_delete} in Java terms. */
    void stateDelete(String name, String key) {
        checkText(name, "key", key);
        stateWrite(name, 0, () -> host.stateDelete(key));
    }

    /** {@code pulsar.counter_incr} in Java terms. */
    void counterIncr(String name, String key, long amount) {
        checkText(name, "key", key);
        stateWrite(name, 0, () -> host.counterIncr(key, amount));
    }

    /** {@code pulsar.state_get} in Java terms: waits (under the deadline) for this instance's earlier writes, then reads. */
    Optional<byte[]> stateGet(String name, String key) {
        checkText(name, "key", key);
        awaitStateWrites(name);
        Optional<byte[]> value = await(name, fromHost(name, () -> host.stateGet(key)));
        value.ifPresent(bytes -> checkHostData(name, bytes.length));
        return value;
    }

    /** {@code pulsar.counter_get} in Java terms. */
    long counterGet(String name, String key) {
        checkText(name, "key", key);
        awaitStateWrites(name);
        return await(name, fromHost(name, () -> host.counterGet(key)));
    }

    /** A key, name or topic given as a Java string: at most {@link Limit#MAX_KEY_BYTES} in UTF-8. */
    void checkText(String name, String what, String text) {
        // a UTF-16 unit is at most 3 UTF-8 bytes: only long texts need encoding to be measured
        if (text.length() * 3L > maxKeyBytes) {
            long bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxKeyBytes) {
                throw new AbiViolationException(name + ": a " + what + " of " + bytes + " bytes is more than "
                        + limits.limitOf(Limit.MAX_KEY_BYTES));
            }
        }
    }

    /** Refuses a value larger than a host call may return ({@link Limit#MAX_HOST_DATA_BYTES}). */
    void checkHostData(String name, long length) {
        if (length > limits.get(Limit.MAX_HOST_DATA_BYTES)) {
            throw new HostCallException(name + ": the value is " + length + " bytes, more than the limit of "
                    + limits.describe(Limit.MAX_HOST_DATA_BYTES) + " a host call returns (user config "
                    + Limit.MAX_HOST_DATA_BYTES.key() + ")");
        }
    }

    /** Whether a failure of a host call is the host's or Pulsar's (which a guest may recover from), not the guest's. */
    static boolean isHostFailure(RuntimeException e) {
        return e instanceof HostFailure;
    }

    /** Counts a write against the call's budget, or fails naming the limit it would pass. */
    private void countWrite(String name, long bytes) {
        if (writes >= maxWritesPerCall) {
            throw new AbiViolationException(name + ": more than " + limits.limitOf(Limit.MAX_WRITES_PER_CALL)
                    + " in one call");
        }
        if (writeBytes + bytes > maxWriteBytesPerCall) {
            throw new AbiViolationException(name + ": " + (writeBytes + bytes) + " bytes written in one call, more than "
                    + limits.limitOf(Limit.MAX_WRITE_BYTES_PER_CALL));
        }
        writes++;
        writeBytes += bytes;
    }

    private void stateWrite(String name, long bytes, Supplier<CompletableFuture<Void>> write) {
        countWrite(name, bytes);
        // the instance's unstored state writes outlive the call that made them: they must not pile up across
        // calls. A store slower than the guest makes the guest wait for the oldest (under the deadline, so a store
        // that never answers times the call out) rather than fail a message that would be retried and count twice.
        stateWrites.removeIf(CompletableFuture::isDone);
        while (stateWrites.size() >= maxWritesPerCall) {
            try {
                await(name + " (waiting for an earlier state write)", stateWrites.remove(0));
            } catch (HostFailure failedItsOwnMessage) {
                // reported through that message's writes
            }
        }
        CompletableFuture<?> stored = write(name, null, write);
        if (!stored.isDone()) {
            stateWrites.add(stored);
        }
    }

    /**
     * Makes a write through the host and adds it to the invocation's pending set. Under a try_ call,
     * a write the host refused at once fails the call (for last_error), not the message.
     *
     * @param topic the topic of a publish, null for a state write
     */
    private CompletableFuture<?> write(String call, String topic, Supplier<? extends CompletableFuture<?>> operation) {
        CompletableFuture<?> future = fromHost(call, topic, operation);
        if (refuseAtOnce && future.isCompletedExceptionally()) {
            await(Write.what(call, topic), future);
        }
        if (!future.isDone() || future.isCompletedExceptionally()) {
            pending.add(new Write(call, topic, future));
        }
        return future;
    }

    /**
     * Waits for the instance's earlier state writes, so that a read sees them. A write that failed
     * fails its own message (it is in that message's writes); it does not fail this read.
     */
    private void awaitStateWrites(String name) {
        try {
            for (CompletableFuture<?> write : stateWrites) {
                try {
                    await(name + " (waiting for an earlier state write)", write);
                } catch (HostFailure failedItsOwnMessage) {
                    // reported through that message's writes
                }
            }
        } finally {
            stateWrites.clear();
        }
    }

    /** Waits for a host operation; the guest's deadline interrupts the wait. */
    private <T> T await(String name, Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException(name + ": interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new HostFailure(name + ": " + (cause instanceof WasmExecutionException ? cause.getMessage() : cause),
                    cause, nesting);
        }
    }

    /** The key or name a host call's first two arguments point at: at most {@link Limit#MAX_KEY_BYTES}. */
    private String key(GuestMemory guest, String name, long[] args) {
        return text(guest, name, "key", (int) args[0], (int) args[1]);
    }

    private String text(GuestMemory guest, String name, String what, int ptr, int length) {
        checkKeyLength(name, what, length);
        return guest.readUtf8(name, ptr, length);
    }

    private void checkKeyLength(String name, String what, int length) {
        if (Integer.toUnsignedLong(length) > maxKeyBytes) {
            throw new AbiViolationException(name + ": a " + what + " of " + Integer.toUnsignedLong(length)
                    + " bytes is more than " + limits.limitOf(Limit.MAX_KEY_BYTES));
        }
    }

    private long[] text(GuestMemory guest, String name, Optional<String> value) {
        return bytes(guest, name, value.map(text -> text.getBytes(StandardCharsets.UTF_8)));
    }

    private long[] bytes(GuestMemory guest, String name, Optional<byte[]> value) {
        if (value.isEmpty()) {
            return new long[] {Abi.ABSENT};
        }
        byte[] data = value.get();
        checkHostData(name, data.length);
        return new long[] {Abi.pack(guest.writeAllocated(name, data), data.length)};
    }

    private static long[] none(Runnable action) {
        action.run();
        return null;
    }

    private GuestMemory memory(Instance instance) {
        if (memory == null) {
            memory = new GuestMemory(instance);
        }
        return memory;
    }
}
