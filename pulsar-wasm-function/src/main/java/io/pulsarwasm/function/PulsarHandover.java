package io.pulsarwasm.function;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * What a function's {@code process} gives Pulsar's Java instance: a call's output as a value where
 * it is already complete, a future only where it is not.
 *
 * <p>Pulsar 4.0.8's {@code JavaInstance.handleMessage} hands every {@link CompletableFuture} a
 * function returns to a second thread ({@code whenCompleteAsync} on a single-thread executor), which
 * sends the output from there, in input order: one thread hop a message, even for a future that was
 * complete when it was returned. A value it sends from its own thread at once. Most calls complete
 * in {@code process} (only a guest's publish or state write waits for the broker), so most outputs
 * can go as values.
 *
 * <p>Order is kept: while a future handed to Pulsar has not been dealt with by Pulsar's thread,
 * every later output is handed over as a future too, behind it. A handed future counts as dealt with
 * once Pulsar's action on it has returned; the executor is a single thread and each action sends
 * every completed output at the head of Pulsar's queue, so when none is outstanding every output
 * handed before has been sent. A Pulsar that did not call {@code whenCompleteAsync} on the future
 * would leave it counted, and every output would go as a future, as before.
 */
final class PulsarHandover {

    /** Futures handed to Pulsar whose completion Pulsar's thread has not yet dealt with. */
    private final AtomicInteger outstanding = new AtomicInteger();

    /**
     * @param output a call's output: a value, null, or a future of one
     * @return the value where the output is a future already completed normally and no future
     *     handed before is outstanding; otherwise a future that completes as the output does
     */
    Object handOver(Object output) {
        if (!(output instanceof CompletableFuture<?> future)) {
            return output;
        }
        if (outstanding.get() == 0 && future.isDone() && !future.isCompletedExceptionally() && !future.isCancelled()) {
            return future.join();
        }
        outstanding.incrementAndGet();
        Handed handed = new Handed(outstanding);
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                handed.completeExceptionally(failure);
            } else {
                handed.complete(value);
            }
        });
        return handed;
    }

    /** @return the futures handed to Pulsar that its thread has not yet dealt with */
    int outstanding() {
        return outstanding.get();
    }

    /** A future handed to Pulsar, counted as outstanding until Pulsar's action on it has returned. */
    static final class Handed extends CompletableFuture<Object> {

        private final AtomicInteger outstanding;
        private boolean counted = true;

        Handed(AtomicInteger outstanding) {
            this.outstanding = outstanding;
        }

        @Override
        public CompletableFuture<Object> whenCompleteAsync(
                BiConsumer<? super Object, ? super Throwable> action, Executor executor) {
            return super.whenCompleteAsync(
                    (value, failure) -> {
                        try {
                            action.accept(value, failure);
                        } finally {
                            release();
                        }
                    },
                    executor);
        }

        private synchronized void release() {
            if (counted) {
                counted = false;
                outstanding.decrementAndGet();
            }
        }
    }
}
