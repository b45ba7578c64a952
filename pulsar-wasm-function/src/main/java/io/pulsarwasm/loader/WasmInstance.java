package io.pulsarwasm.loader;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import io.pulsarwasm.abi.Abi;
import io.pulsarwasm.abi.EntryPoint;
import io.pulsarwasm.abi.HostCallException;
import io.pulsarwasm.abi.HostCalls;
import io.pulsarwasm.sandbox.Limits;
import io.pulsarwasm.sandbox.Watchdog;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pulsar.functions.api.Context;

/**
 * One live guest: a Chicory instance linked to its {@link HostCalls}.
 *
 * <p>Not thread-safe, because Chicory instances are not: use one per thread (Pulsar gives each
 * function instance its own thread, and each Wasm function class its own {@code WasmInstance}).
 */
public final class WasmInstance implements AutoCloseable {

    private final String moduleName;
    private final Instance instance;
    private final HostCalls host;
    private final Context defaultContext;
    private final EntryPoint entryPoint;
    private final Consumer<WasmInstance> onClose;
    private final ExportFunction process;
    private final ExportFunction init;
    private final ExportFunction close;
    private final ExportFunction abiVersion;
    private final Limits limits;
    private final long timeoutNanos;
    private final WasiLink wasi;
    private final Watchdog.Deadline deadline = Watchdog.newDeadline();
    // argument arrays reused on every call: the per-message path allocates nothing of its own here
    private final long[] longArgument = new long[1];
    private final long[] bytesArguments = new long[2];
    private boolean closed;

    WasmInstance(String moduleName, Instance instance, HostCalls host, Context defaultContext, ModuleShape shape,
            Limits limits, WasiLink wasi, Consumer<WasmInstance> onClose) {
        this.moduleName = moduleName;
        this.instance = instance;
        this.host = host;
        this.defaultContext = defaultContext;
        this.limits = limits;
        this.timeoutNanos = limits.timeout().toNanos();
        this.wasi = wasi;
        this.entryPoint = shape.entryPoint();
        this.onClose = onClose;
        this.process = instance.export(Abi.PROCESS);
        this.init = exportIf(shape, Abi.INIT);
        this.close = exportIf(shape, Abi.CLOSE);
        this.abiVersion = exportIf(shape, Abi.ABI_VERSION);
    }

    private ExportFunction exportIf(ModuleShape shape, String name) {
        return shape.exportsFunction(name) ? instance.export(name) : null;
    }

    /** @return which {@code process} the module exports */
    public EntryPoint entryPoint() {
        return entryPoint;
    }

    /**
     * Calls the Long entry point {@code process(i64) -> i64} with the context given at creation.
     *
     * @param input the value passed to the guest
     * @return the guest's result
     * @throws WasmExecutionException if the guest traps or a host call fails
     */
    public long process(long input) {
        return process(input, defaultContext);
    }

    /**
     * Calls the Long entry point {@code process(i64) -> i64} with host calls acting on {@code context}.
     *
     * @param input the value passed to the guest
     * @param context the Pulsar context of this invocation
     * @return the guest's result
     * @throws WasmExecutionException if the guest traps or a host call fails
     */
    public long process(long input, Context context) {
        requireEntryPoint(EntryPoint.LONG, "process(long)");
        host.begin(context, EntryPoint.LONG);
        longArgument[0] = input;
        long result = call(Abi.PROCESS, () -> process.apply(longArgument)[0]);
        finish();
        return result;
    }

    /**
     * Calls the bytes entry point with the context given at creation.
     *
     * @param input the bytes passed to the guest
     * @return the output the guest set, or null if it set none
     * @throws WasmExecutionException if the guest traps, returns a non-zero status
     *     ({@link GuestErrorException}) or a host call fails
     */
    public byte[] process(byte[] input) {
        return process(input, defaultContext);
    }

    /**
     * Calls the bytes entry point {@code process(ptr i32, len i32) -> i32}: places the input in guest
     * memory from the guest's {@code alloc}, calls it, waits for its publishes, and returns its output.
     *
     * @param input the bytes passed to the guest
     * @param context the Pulsar context of this invocation
     * @return the output the guest set, or null if it set none
     * @throws WasmExecutionException if the guest traps, returns a non-zero status
     *     ({@link GuestErrorException}) or a host call fails
     */
    public byte[] process(byte[] input, Context context) {
        requireEntryPoint(EntryPoint.BYTES, "process(byte[])");
        host.begin(context, EntryPoint.BYTES);
        bytesArguments[0] = call(Abi.PROCESS, () -> host.placeInput(instance, input));
        bytesArguments[1] = input.length;
        int status = (int) call(Abi.PROCESS, () -> process.apply(bytesArguments)[0]);
        HostCalls.Outcome outcome = finish();
        if (status != 0) {
            throw new GuestErrorException(moduleName, status, outcome.error());
        }
        return outcome.output();
    }

    void init() {
        host.bind(defaultContext);
        if (abiVersion != null) {
            int version = (int) call(Abi.ABI_VERSION, () -> abiVersion.apply()[0]);
            if (version != Abi.VERSION) {
                throw new WasmLoadException("wasm module '" + moduleName + "' was built for ABI version " + version
                        + "; this host implements version " + Abi.VERSION);
            }
        }
        if (init != null) {
            call(Abi.INIT, () -> init.apply());
        }
    }

    /** Calls the guest's {@code close} export if it has one, then releases the instance. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (close != null) {
                call(Abi.CLOSE, () -> close.apply());
            }
        } finally {
            discard();
        }
    }

    /**
     * Releases the instance without calling into the guest again: after a trap or a timeout its
     * memory may be inconsistent, so it is dropped rather than closed.
     */
    public void discard() {
        if (closed) {
            return;
        }
        closed = true;
        deadline.close();
        if (wasi != null) {
            wasi.close();
        }
        onClose.accept(this);
    }

    private HostCalls.Outcome finish() {
        try {
            return host.finish();
        } catch (HostCallException e) {
            throw failure(Abi.PROCESS, "failed in host call " + e.getMessage(), e);
        }
    }

    private void requireEntryPoint(EntryPoint expected, String method) {
        if (entryPoint != expected) {
            throw new IllegalStateException("wasm module '" + moduleName + "' exports " + entryPoint.describe()
                    + ", not " + expected.describe() + "; " + method + " cannot call it");
        }
    }

    private long call(String export, LongSupplier function) {
        if (closed) {
            throw new IllegalStateException("wasm module '" + moduleName + "': instance is closed");
        }
        deadline.arm(timeoutNanos);
        long result;
        try {
            result = function.getAsLong();
        } catch (HostCallException e) {
            throw deadline.disarm() ? timeout(export, e) : failure(export, "failed in host call " + e.getMessage(), e);
        } catch (ChicoryException e) {
            throw deadline.disarm() ? timeout(export, e) : failure(export, "trapped: " + e.getMessage() + atMemoryLimit(), e);
        } catch (StackOverflowError e) {
            deadline.disarm();
            throw failure(export, "trapped: call stack exhausted", e);
        }
        deadline.disarm();
        return result;
    }

    private WasmTimeoutException timeout(String export, Exception cause) {
        return new WasmTimeoutException("wasm module '" + moduleName + "': export '" + export + "' timed out after "
                + limits.timeout().toMillis() + " ms (user config " + Limits.TIMEOUT_MS + ")", cause);
    }

    /** Most guests trap when memory.grow is refused, so say when memory was already at the limit. */
    private String atMemoryLimit() {
        try {
            Memory memory = instance.memory();
            if (memory != null && memory.pages() >= limits.maxMemoryPages()) {
                return " (guest memory is at its limit of " + limits.describeMemory() + ", user config "
                        + Limits.MAX_MEMORY_PAGES + "; a refused memory.grow is the likely cause)";
            }
        } catch (RuntimeException e) {
            // a module without memory
        }
        return "";
    }

    private void call(String export, Runnable function) {
        call(export, () -> {
            function.run();
            return 0L;
        });
    }

    private WasmExecutionException failure(String export, String reason, Throwable cause) {
        return new WasmExecutionException("wasm module '" + moduleName + "': export '" + export + "' " + reason, cause);
    }
}
