package io.pulsarwasm.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The writes in flight (publishes, state writes): those of the current invocation, which decide
 * when its message is done, and the instance's unstored state writes, which a later read waits for
 * so that a guest reads its own writes, and which may not pile up across calls.
 */
final class PendingWrites {

    private final String moduleName;
    private final Recovery recovery;
    private final int maxStateWrites;
    private final List<Write> pending = new ArrayList<>();
    private final List<CompletableFuture<?>> stateWrites = new ArrayList<>();

    /**
     * @param maxStateWrites how many unstored state writes the instance may have before the guest
     *     waits for the oldest
     */
    PendingWrites(String moduleName, Recovery recovery, int maxStateWrites) {
        this.moduleName = moduleName;
        this.recovery = recovery;
        this.maxStateWrites = maxStateWrites;
    }

    /** Starts an invocation: no writes of its own yet. */
    void begin() {
        pending.clear();
    }

    /**
     * Makes a write through the host and adds it to the invocation's. Under a {@code try_} or
     * bridged call, a write the host refused at once fails the call (for {@code last_error}), not the message.
     *
     * @param call the host call, as a failure names it
     * @param topic the topic of a publish, null for a state write
     */
    CompletableFuture<?> write(String call, String topic, Supplier<? extends CompletableFuture<?>> operation) {
        CompletableFuture<?> future = recovery.fromHost(call, topic, operation);
        if (recovery.refuseAtOnce() && future.isCompletedExceptionally()) {
            recovery.await(Recovery.what(call, topic), future);
        }
        if (!future.isDone() || future.isCompletedExceptionally()) {
            pending.add(new Write(call, topic, future));
        }
        return future;
    }

    /**
     * A state write. The instance's unstored state writes outlive the call that made them: a store
     * slower than the guest makes the guest wait for the oldest (under the deadline, so a store that
     * never answers times the call out) rather than fail a message that would be retried and count twice.
     */
    void stateWrite(String call, Supplier<CompletableFuture<Void>> operation) {
        stateWrites.removeIf(CompletableFuture::isDone);
        while (stateWrites.size() >= maxStateWrites) {
            awaitOwnMessages(call, stateWrites.remove(0));
        }
        CompletableFuture<?> stored = write(call, null, operation);
        if (!stored.isDone()) {
            stateWrites.add(stored);
        }
    }

    /** Waits for the instance's earlier state writes, so that a read sees them. */
    void awaitStateWrites(String call) {
        try {
            for (CompletableFuture<?> write : stateWrites) {
                awaitOwnMessages(call, write);
            }
        } finally {
            stateWrites.clear();
        }
    }

    /** Waits for an earlier state write. One that failed fails its own message (it is in that message's writes), not this call. */
    private void awaitOwnMessages(String call, CompletableFuture<?> write) {
        if (!write.isDone()) {
            try {
                recovery.await(call + " (waiting for an earlier state write)", write);
            } catch (HostCallException failedItsOwnMessage) {
                if (!Recovery.isHostFailure(failedItsOwnMessage)) {
                    throw failedItsOwnMessage;
                }
            }
        }
    }

    /**
     * Ends the invocation: its writes' future, the invocation's own (completing it does not touch
     * the writes), completes with {@code result} once they are stored, and fails with the first of
     * them, in the order they were made, that failed, named after the host call.
     */
    <T> CompletableFuture<T> stored(T result) {
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(result);
        }
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

    /**
     * Ends an invocation with no output to collect (the Long entry point, {@code init}, {@code
     * close}, a JavaScript module's top-level code) by waiting, inside the call and so under its
     * deadline, until its writes are stored.
     */
    void await() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            stored(null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException("interrupted while waiting for the guest's writes to be stored", e);
        } catch (ExecutionException e) {
            throw new HostCallException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** A write an invocation made: which host call, to which topic (null for state), and its future. */
    private record Write(String call, String topic, CompletableFuture<?> future) {

        /** The first of the writes, in the order they were made, that failed; called once one has. */
        static Write firstFailed(Write[] writes) {
            return Arrays.stream(writes)
                    .filter(write -> write.future().isCompletedExceptionally())
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("none of the writes failed"));
        }

        CompletionException failure(String moduleName) {
            Throwable cause = future.handle((stored, failure) -> failure).join();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return new CompletionException(new WasmExecutionException(
                    "wasm module '" + moduleName + "': " + Recovery.what(call, topic) + " failed: " + cause, cause));
        }
    }
}
