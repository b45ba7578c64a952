package io.pulsarwasm.engine;

import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One function instance's guest: owns a loader and the live instance made from it, calls it, and
 * replaces the instance when its memory may be inconsistent — after a trap, a timeout or a host
 * call that failed during the guest's run — and, for a JavaScript function, when the engine's
 * memory is mostly used. A guest that reports an error with a status keeps its
 * instance, and so does one whose writes fail after it returned.
 *
 * <p>A session is for one thread at a time, as a Pulsar function instance is: a call made while
 * another is in progress fails with {@link IllegalStateException} rather than corrupting the guest.
 */
public final class WasmSession implements AutoCloseable {

    /**
     * The metric recorded (value 1) each time a guest instance is discarded; {@code functions stats}
     * shows it as {@code user_metric_wasm_instance_recycles_count}.
     */
    public static final String RECYCLES_METRIC = "wasm_instance_recycles";

    private final WasmLoader loader;
    private final Host host;
    private final AtomicBoolean busy = new AtomicBoolean();
    private WasmInstance guest;

    /**
     * Makes the first instance at once, so that a module that cannot start fails here.
     *
     * @param loader the module; the session closes it
     * @param host the guest's world
     * @throws WasmLoadException if the first instance cannot be made (the loader is closed then)
     */
    public WasmSession(WasmLoader loader, Host host) {
        this.loader = loader;
        this.host = host;
        try {
            this.guest = loader.newInstance(host);
        } catch (RuntimeException | Error e) {
            loader.close();
            throw e;
        }
    }

    /** @return the module's name, as errors show it */
    public String moduleName() {
        return loader.name();
    }

    /**
     * @return the SHA-256 of the module's bytes or a JavaScript function's source, lower-case hex;
     *     empty for a module compiled at build time
     */
    public java.util.Optional<String> moduleSha256() {
        return loader.sha256();
    }

    /**
     * Calls the Long entry point; see {@link WasmInstance#process(long)}.
     *
     * @param input the value
     * @return the guest's result
     * @throws WasmExecutionException if the call fails; the instance is replaced before the next call
     */
    public long process(long input) {
        WasmInstance instance = enter();
        try {
            return instance.process(input);
        } catch (WasmExecutionException e) {
            recycle(e);
            throw e;
        } finally {
            busy.set(false);
        }
    }

    /**
     * Calls the bytes entry point; see {@link WasmInstance#process(byte[])}.
     *
     * @param input the bytes
     * @return the output and when the call's writes are stored
     * @throws WasmExecutionException if the call fails; the instance is replaced before the next
     *     call unless the guest returned an error status
     */
    public Invocation process(byte[] input) {
        WasmInstance instance = enter();
        try {
            Invocation invocation = instance.process(input);
            retireIfWorn();
            return invocation;
        } catch (WasmExecutionException e) {
            recycle(e);
            retireIfWorn();
            throw e;
        } finally {
            busy.set(false);
        }
    }

    /** A JavaScript engine whose memory is mostly used is closed after its call; the next message gets a fresh one. */
    private void retireIfWorn() {
        if (guest != null && guest.worn()) {
            WasmInstance worn = guest;
            guest = null;
            worn.close();
        }
    }

    private WasmInstance enter() {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("wasm module '" + loader.name() + "' was called from two threads at once: "
                    + "a wasm function object serves one thread, as Pulsar runs each function instance; "
                    + "make one function object per thread");
        }
        try {
            if (guest == null) {
                guest = loader.newInstance(host);
            }
            return guest;
        } catch (RuntimeException | Error e) {
            busy.set(false);
            throw e;
        }
    }

    private void recycle(WasmExecutionException cause) {
        if (cause instanceof GuestErrorException) {
            return;
        }
        guest.discard();
        guest = null;
        host.recordMetric(RECYCLES_METRIC, 1);
        host.log(
                LogLevel.WARN,
                "pulsar-wasm: discarded the guest instance after: " + cause.getMessage()
                        + "; the next message gets a fresh one");
    }

    /** Calls the guest's {@code close} export, then releases the instance and the loader. */
    @Override
    public void close() {
        try {
            if (guest != null) {
                guest.close();
            }
        } finally {
            guest = null;
            loader.close();
        }
    }
}
