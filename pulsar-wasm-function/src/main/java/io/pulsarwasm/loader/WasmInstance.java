package io.pulsarwasm.loader;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.ChicoryException;
import io.pulsarwasm.abi.Abi;
import io.pulsarwasm.abi.AbiViolationException;
import io.pulsarwasm.abi.HostCalls;
import java.util.function.Consumer;
import org.apache.pulsar.functions.api.Context;

/**
 * One live guest: a Chicory instance linked to its {@link HostCalls}.
 *
 * <p>Not thread-safe, because Chicory instances are not: use one per thread (Pulsar gives each
 * function instance its own thread, and {@code WasmFunction} its own {@code WasmInstance}).
 */
public final class WasmInstance implements AutoCloseable {

    private final String moduleName;
    private final HostCalls host;
    private final Consumer<WasmInstance> onClose;
    private final ExportFunction process;
    private final ExportFunction init;
    private final ExportFunction close;
    private boolean closed;

    WasmInstance(String moduleName, Instance instance, HostCalls host, ModuleShape shape,
            Consumer<WasmInstance> onClose) {
        this.moduleName = moduleName;
        this.host = host;
        this.onClose = onClose;
        this.process = instance.export(Abi.PROCESS);
        this.init = shape.exportsFunction(Abi.INIT) ? instance.export(Abi.INIT) : null;
        this.close = shape.exportsFunction(Abi.CLOSE) ? instance.export(Abi.CLOSE) : null;
    }

    /**
     * Calls the guest's {@code process(i64) -> i64} with the context bound at creation.
     *
     * @param input the value passed to the guest
     * @return the guest's result
     * @throws WasmExecutionException if the guest traps or breaks the ABI in a host call
     */
    public long process(long input) {
        return call(Abi.PROCESS, process, input)[0];
    }

    /**
     * Calls the guest's {@code process(i64) -> i64} with host calls acting on {@code context}.
     *
     * @param input the value passed to the guest
     * @param context the Pulsar context of this invocation
     * @return the guest's result
     * @throws WasmExecutionException if the guest traps or breaks the ABI in a host call
     */
    public long process(long input, Context context) {
        host.bind(context);
        return process(input);
    }

    void init() {
        if (init != null) {
            call(Abi.INIT, init);
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
                call(Abi.CLOSE, close);
            }
        } finally {
            closed = true;
            onClose.accept(this);
        }
    }

    private long[] call(String export, ExportFunction function, long... args) {
        if (closed) {
            throw new IllegalStateException("wasm module '" + moduleName + "': instance is closed");
        }
        try {
            return function.apply(args);
        } catch (AbiViolationException e) {
            throw failure(export, "failed in host call " + e.getMessage(), e);
        } catch (ChicoryException e) {
            throw failure(export, "trapped: " + e.getMessage(), e);
        }
    }

    private WasmExecutionException failure(String export, String reason, Exception cause) {
        return new WasmExecutionException("wasm module '" + moduleName + "': export '" + export + "' " + reason, cause);
    }
}
