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

    private static final CompletableFuture<Void> NOTHING_PENDING = CompletableFuture.completedFuture(null);

    private final String moduleName;
    private final Limits limits;
    private final Host host;
    private GuestMemory memory;
    private EntryPoint entry;
    private byte[] output;
    private String error;
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private final List<CompletableFuture<Void>> stateWrites = new ArrayList<>();

    HostFunctions(String moduleName, Limits limits, Host host) {
        this.moduleName = moduleName;
        this.limits = limits;
        this.host = host;
    }

    /** What one invocation produced: its output (null when none), its error text, and when its writes are stored. */
    record Outcome(byte[] output, String error, CompletableFuture<Void> stored) {}

    Host host() {
        return host;
    }

    /**
     * Logs a line: the {@code log} import, and what the guest writes to WASI stdout and stderr.
     */
    void logLine(LogLevel level, String line) {
        host.log(level, line);
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
        return new Outcome(output, error, finishWrites());
    }

    /** Ends the invocation, for an entry point with no output to collect: only its writes. */
    CompletableFuture<Void> finishWrites() {
        entry = null;
        if (pending.isEmpty()) {
            return NOTHING_PENDING;
        }
        CompletableFuture<Void> stored = pending.size() == 1
                ? pending.get(0)
                : CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
        pending.clear();
        return stored;
    }

    /** The host functions to link into a guest instance, one per {@link HostImport}. */
    HostFunction[] functions() {
        return Arrays.stream(HostImport.values())
                .map(call -> new HostFunction(Abi.IMPORT_MODULE, call.importName(), call.type(),
                        (instance, args) -> dispatch(call, instance, args)))
                .toArray(HostFunction[]::new);
    }

    private long[] dispatch(HostImport call, Instance instance, long[] args) {
        try {
            return handle(call, memory(instance), args);
        } catch (HostCallException | WasmEngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new HostCallException(call.qualifiedName() + ": " + e, e);
        }
    }

    private long[] handle(HostImport call, GuestMemory guest, long[] args) {
        String name = call.qualifiedName();
        return switch (call) {
            case LOG -> none(() -> log(name, (int) args[0], guest.readUtf8(name, (int) args[1], (int) args[2])));
            case GET_CONFIG -> text(guest, name, host.config(key(guest, name, args)));
            case GET_SECRET -> text(guest, name, host.secret(key(guest, name, args)));
            case SET_OUTPUT -> none(() -> setOutput(name, guest.read(name, (int) args[0], (int) args[1])));
            case SET_ERROR -> none(() -> setError(name, guest.readUtf8(name, (int) args[0], (int) args[1])));
            case GET_KEY -> text(guest, name, host.key());
            case GET_TOPIC -> text(guest, name, host.topic());
            case GET_PROPERTY -> text(guest, name, Optional.ofNullable(host.properties().get(key(guest, name, args))));
            case GET_PROPERTIES -> bytes(guest, name, Optional.of(StringMapCodec.encode(host.properties())));
            case GET_EVENT_TIME -> new long[] {host.eventTime().orElse(Abi.ABSENT)};
            case GET_MESSAGE_ID -> bytes(guest, name, host.messageId());
            case GET_TENANT -> text(guest, name, Optional.of(host.tenant()));
            case GET_NAMESPACE -> text(guest, name, Optional.of(host.namespace()));
            case GET_FUNCTION_NAME -> text(guest, name, Optional.of(host.functionName()));
            case GET_INSTANCE_ID -> new long[] {host.instanceId()};
            case GET_NUM_INSTANCES -> new long[] {host.numInstances()};
            case STATE_GET -> {
                String key = key(guest, name, args);
                awaitStateWrites(name);
                yield bytes(guest, name, await(name, host.stateGet(key)));
            }
            case STATE_PUT -> none(() -> stateWrite(name, host.statePut(key(guest, name, args),
                    guest.read(name, (int) args[2], (int) args[3]))));
            case STATE_DELETE -> none(() -> stateWrite(name, host.stateDelete(key(guest, name, args))));
            case COUNTER_INCR -> none(() -> stateWrite(name, host.counterIncr(key(guest, name, args), args[2])));
            case COUNTER_GET -> {
                String key = key(guest, name, args);
                awaitStateWrites(name);
                yield new long[] {await(name, host.counterGet(key))};
            }
            case PUBLISH -> none(() -> publish(name, guest, args));
            case RECORD_METRIC -> none(() -> host.recordMetric(key(guest, name, args), Double.longBitsToDouble(args[2])));
        };
    }

    private void log(String name, int code, String line) {
        LogLevel level = LogLevel.ofCode(code);
        if (level == null) {
            throw new AbiViolationException(name + ": level " + code
                    + " is not one of 0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)");
        }
        host.log(level, line);
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
        String key = (int) args[5] != -1 ? guest.readUtf8(name, (int) args[4], (int) args[5]) : null;
        Map<String, String> properties = StringMapCodec.decode(guest.read(name, (int) args[6], (int) args[7]), name);
        track(name + " to '" + topic + "'", host.publish(topic, value, key, properties));
    }

    private void stateWrite(String name, CompletableFuture<Void> write) {
        CompletableFuture<Void> tracked = track(name, write);
        stateWrites.removeIf(CompletableFuture::isDone);
        if (!tracked.isDone()) {
            stateWrites.add(tracked);
        }
    }

    /** Adds a write to the invocation's pending set, its failure renamed after the host call that made it. */
    private CompletableFuture<Void> track(String what, CompletableFuture<Void> write) {
        CompletableFuture<Void> named = write.isDone() && !write.isCompletedExceptionally()
                ? write
                : write.handle((done, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw new CompletionException(new WasmExecutionException("wasm module '" + moduleName + "': "
                                + what + " failed: " + cause, cause));
                    }
                    return done;
                });
        if (!named.isDone() || named.isCompletedExceptionally()) {
            pending.add(named);
        }
        return named;
    }

    private void awaitStateWrites(String name) {
        for (CompletableFuture<Void> write : stateWrites) {
            await(name + " (waiting for an earlier state write)", write);
        }
        stateWrites.clear();
    }

    /** Waits for a host operation; the guest's deadline interrupts the wait. */
    private static <T> T await(String name, Future<T> future) {
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
            throw new HostCallException(name + ": " + (cause instanceof WasmExecutionException ? cause.getMessage() : cause),
                    cause);
        }
    }

    private static String key(GuestMemory guest, String name, long[] args) {
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

    private GuestMemory memory(Instance instance) {
        if (memory == null) {
            memory = new GuestMemory(instance);
        }
        return memory;
    }
}
