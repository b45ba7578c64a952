package io.pulsarwasm.engine;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import run.endive.wasm.WasmEngineException;

/**
 * Which failures of a host call a guest may recover from, and how. A failure of the host or of
 * Pulsar behind a call (state storage not enabled, a store that fails, a publish refused at once)
 * is a {@link HostFailure}: a {@code try_} call keeps its text for {@code last_error} and returns a
 * fallback, and the JavaScript bridge throws it as an {@code Error} the function may catch. What is
 * the guest's own doing (bad pointers, text that is not UTF-8, a limit passed) is not recoverable,
 * nor is the deadline.
 *
 * <p>Host calls nest: the guest's {@code alloc}, which a call runs to return data, may itself call
 * the host. A failure belongs to the call at the depth it happened.
 */
final class Recovery {

    private int nesting;
    private boolean refuseAtOnce;
    private String lastError;

    /**
     * Runs a host call of the guest: what it throws that is neither the guest's doing, nor the
     * engine's, nor the host's already named, is named after the call.
     */
    <T> T enter(String call, Supplier<T> operation) {
        enter();
        try {
            return operation.get();
        } catch (Exception e) {
            throw named(call, e);
        } finally {
            exit();
        }
    }

    /** A host call of the guest starts (calls nest: see the class comment); {@link #exit} ends it. */
    void enter() {
        nesting++;
    }

    /** The host call {@link #enter} started ends. */
    void exit() {
        nesting--;
    }

    /**
     * What a host call throws, as the guest's call fails with it: the guest's doing, the engine's
     * and the host's already named are as they are; anything else is named after the call.
     */
    static RuntimeException named(String call, Exception e) {
        if (e instanceof HostCallException || e instanceof WasmEngineException) {
            return (RuntimeException) e;
        }
        // Exception, not RuntimeException: libraries may throw checked exceptions undeclared (sneaky throws)
        return new HostCallException(call + ": " + e, e);
    }

    /**
     * A {@code try_} call: the operation, except that a host failure at this depth is kept for
     * {@link #lastError()} and {@code fallback} returned. For a write, one the host refuses at once
     * fails the call rather than the message; one refused only later, once the guest has returned,
     * fails the message as for the plain call.
     */
    <T> T recoverable(boolean write, Supplier<T> operation, T fallback) {
        lastError = null;
        // a write's handler runs no guest code, so nothing nests while this is set
        refuseAtOnce = write;
        try {
            return operation.get();
        } catch (HostFailure e) {
            if (e.depth != nesting) {
                throw e; // a host call the guest's alloc made, nested in this one: not this call's to recover
            }
            lastError = e.getMessage();
            return fallback;
        } finally {
            refuseAtOnce = false;
        }
    }

    /**
     * A call through the JavaScript bridge: as a {@code try_} call, a write the host refuses at once
     * fails the call; a host failure comes out as a {@link HostCallException} for which {@link
     * #isHostFailure} is true, which the bridge hands to the guest as an error it may catch.
     */
    <T> T bridged(String call, Supplier<T> operation) {
        refuseAtOnce = true;
        try {
            return enter(call, operation);
        } finally {
            refuseAtOnce = false;
        }
    }

    /** @return whether a write the host refuses at once fails the call (under a {@code try_} or bridged call) */
    boolean refuseAtOnce() {
        return refuseAtOnce;
    }

    /** @return the text of the last {@code try_} call's failure, or null if it succeeded */
    String lastError() {
        return lastError;
    }

    /**
     * Runs an operation of the {@link io.pulsarwasm.host.Host}: what it throws is a host failure
     * (Exception: a host may throw checked exceptions undeclared).
     *
     * @param call the call, as the failure names it
     * @param topic the topic of a publish, named too; null for none
     */
    <T> T fromHost(String call, String topic, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (Exception e) {
            throw new HostFailure(what(call, topic) + ": " + e, e, nesting);
        }
    }

    /** @return a call as failures name it: with its topic, if it has one */
    static String what(String call, String topic) {
        return topic == null ? call : call + " to '" + topic + "'";
    }

    /** Waits for a host operation; the guest's deadline interrupts the wait. A failure of it is a host failure. */
    <T> T await(String what, Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException(what + ": interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new HostFailure(
                    what + ": " + (cause instanceof WasmExecutionException ? cause.getMessage() : cause),
                    cause,
                    nesting);
        }
    }

    /** Whether a failure of a host call is the host's or Pulsar's (which a guest may recover from), not the guest's. */
    static boolean isHostFailure(RuntimeException e) {
        return e instanceof HostFailure;
    }

    /** A failure of the host or of Pulsar behind a host call (not the guest's doing, not the deadline). */
    static final class HostFailure extends HostCallException {
        private static final long serialVersionUID = 1L;
        private final transient int depth;

        HostFailure(String message, Throwable cause, int depth) {
            super(message, cause);
            this.depth = depth;
        }
    }
}
