package io.pulsarwasm.sandbox;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts guest calls that run past their deadline. One daemon thread watches every armed
 * {@link Deadline}; Chicory stops a guest whose thread is interrupted, in the interpreter and in
 * compiled code alike. Arming and disarming allocate nothing and read the watchdog's own clock
 * (it ticks every {@value #TICK_MILLIS} ms), so the per-message cost is two atomic operations, and
 * a deadline is kept to within a tick.
 */
public final class Watchdog {

    private static final Watchdog INSTANCE = new Watchdog();
    private static final long TICK_MILLIS = 5;

    private final Set<Deadline> watched = ConcurrentHashMap.newKeySet();
    /** The watchdog's clock, read by {@link Deadline#arm} instead of System.nanoTime() on every call. */
    private volatile long now = System.nanoTime();

    private Watchdog() {
        Thread thread = new Thread(this::watch, "pulsar-wasm-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A deadline for calls made by one thread at a time (one guest instance's).
     *
     * @return a new, disarmed deadline, watched until {@link Deadline#close()}
     */
    public static Deadline newDeadline() {
        Deadline deadline = new Deadline();
        INSTANCE.watched.add(deadline);
        return deadline;
    }

    private void watch() {
        while (true) {
            now = System.nanoTime();
            for (Deadline deadline : watched) {
                deadline.expireIfDue(now);
            }
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One guest instance's deadline: armed around each call into the guest. */
    public static final class Deadline implements AutoCloseable {

        private static final int IDLE = 0;
        private static final int RUNNING = 1;
        private static final int EXPIRED = 2;

        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile Thread owner;
        private volatile long dueAt;

        private Deadline() {}

        /**
         * Starts timing a call made by the current thread.
         *
         * @param timeoutNanos how long the call may take, in nanoseconds
         */
        public void arm(long timeoutNanos) {
            owner = Thread.currentThread();
            dueAt = INSTANCE.now + timeoutNanos;
            state.set(RUNNING);
        }

        /**
         * Stops timing, and clears the interrupt the watchdog may have delivered, so that it cannot
         * reach the caller's later work.
         *
         * @return true if the deadline passed and the thread was interrupted
         */
        public boolean disarm() {
            if (state.compareAndSet(RUNNING, IDLE)) {
                return false;
            }
            Thread.interrupted();
            state.set(IDLE);
            return true;
        }

        void expireIfDue(long now) {
            if (state.get() == RUNNING && now - dueAt > 0 && state.compareAndSet(RUNNING, EXPIRED)) {
                owner.interrupt();
            }
        }

        /** Stops watching this deadline. */
        @Override
        public void close() {
            INSTANCE.watched.remove(this);
        }
    }
}
