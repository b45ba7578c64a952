package io.pulsarwasm.engine.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts guest calls that run past their deadline. One daemon thread watches every armed
 * {@link Deadline}; Endive stops a guest whose thread is interrupted, in the interpreter and in
 * compiled code alike. Arming and disarming allocate nothing and read the watchdog's own clock
 * (it ticks every {@value #TICK_MILLIS} ms), so the per-message cost is two atomic operations, and
 * a deadline is kept to within a tick.
 *
 * <p>The thread runs only while some deadline exists, so a JVM whose functions are gone (a
 * worker's thread runtime) keeps no thread of ours, nor the class loader behind it. Nothing thrown
 * inside the loop, an {@link OutOfMemoryError} included, ends it.
 */
public final class Watchdog {

    private static final long TICK_MILLIS = 5;
    private static final Set<Deadline> WATCHED = ConcurrentHashMap.newKeySet();
    /** The watchdog's clock, read by {@link Deadline#arm} instead of System.nanoTime() on every call. */
    private static volatile long now = System.nanoTime();

    /** @return the watchdog's clock, in nanoseconds: {@link System#nanoTime()} as of its last tick, read for free */
    public static long clock() {
        return now;
    }
    private static Thread thread;

    private Watchdog() {}

    /**
     * A deadline for calls made by one thread at a time (one guest instance's).
     *
     * @return a new, disarmed deadline, watched until {@link Deadline#close()}
     */
    public static Deadline newDeadline() {
        Deadline deadline = new Deadline();
        WATCHED.add(deadline);
        ensureRunning();
        return deadline;
    }

    /** @return how many deadlines exist: one per live guest instance */
    public static int deadlines() {
        return WATCHED.size();
    }

    /** @return whether the watchdog thread is running (it stops once no deadline exists) */
    public static synchronized boolean running() {
        return thread != null;
    }

    private static synchronized void ensureRunning() {
        if (thread == null) {
            now = System.nanoTime();
            thread = new Thread(Watchdog::watch, "pulsar-wasm-watchdog");
            thread.setDaemon(true);
            thread.setContextClassLoader(null);
            thread.start();
        }
    }

    private static synchronized boolean stopIfIdle() {
        if (WATCHED.isEmpty()) {
            thread = null;
            return true;
        }
        return false;
    }

    private static void watch() {
        while (!stopIfIdle()) {
            try {
                now = System.nanoTime();
                for (Deadline deadline : WATCHED) {
                    try {
                        deadline.expireIfDue(now);
                    } catch (RuntimeException | Error e) {
                        // one owner whose interrupt fails must not keep the others' deadlines from being enforced
                    }
                }
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                // only deadlines end this thread
            } catch (Throwable e) {
                // an OutOfMemoryError caused by a guest elsewhere must not end every later timeout
            }
        }
    }

    /** One guest instance's deadline: armed around each call into the guest. */
    public static final class Deadline implements AutoCloseable {

        private static final int IDLE = 0;
        private static final int RUNNING = 1;
        /** The watchdog has decided to interrupt and may not have done so yet. */
        private static final int EXPIRING = 2;
        private static final int EXPIRED = 3;

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
            // the clock is as old as the last tick: one tick more, so that a deadline never fires early
            dueAt = now + timeoutNanos + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            state.set(RUNNING);
        }

        /**
         * Stops timing. When the deadline passed, waits until the watchdog's interrupt has landed and
         * clears it, so that no interrupt reaches the caller's later work.
         *
         * @return true if the deadline passed and the thread was interrupted
         */
        public boolean disarm() {
            int current = state.get();
            if (current == IDLE || current == RUNNING && state.compareAndSet(RUNNING, IDLE)) {
                return false;
            }
            // once EXPIRED is swapped for IDLE the watchdog interrupts no more; an interrupt it is
            // delivering (EXPIRING) lands before EXPIRED, so the one clear below removes them all
            while (!state.compareAndSet(EXPIRED, IDLE)) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
            return true;
        }

        /**
         * Interrupts the owner once the deadline has passed, and again at every tick until it disarms:
         * code the guest calls into may swallow one interrupt.
         */
        void expireIfDue(long clock) {
            int current = state.get();
            if ((current == EXPIRED || current == RUNNING && clock - dueAt > 0) && state.compareAndSet(current, EXPIRING)) {
                try {
                    owner.interrupt();
                } finally {
                    state.set(EXPIRED);
                }
            }
        }

        /** Stops watching this deadline. */
        @Override
        public void close() {
            WATCHED.remove(this);
        }
    }
}
