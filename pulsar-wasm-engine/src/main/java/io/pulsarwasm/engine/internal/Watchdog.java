package io.pulsarwasm.engine.internal;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Interrupts guest calls that run past their deadline. One daemon thread watches every armed
 * {@link Deadline}; Endive stops a guest whose thread is interrupted, in the interpreter and in
 * compiled code alike. Arming and disarming allocate nothing and read the watchdog's own clock
 * (it ticks every {@value #TICK_MILLIS} ms), so the per-message cost is two atomic operations, and
 * a deadline is kept to within a tick.
 *
 * <p>A deadline also bounds the writes its calls left in flight ({@link Deadline#expire}): a
 * message's publishes must be stored in time. They are checked at each tick too, in the order they
 * were made, so a message costs one queue insertion rather than a timer of its own (a timer per
 * message, as {@code CompletableFuture.orTimeout} schedules, wakes its thread on every
 * cancellation).
 *
 * <p>The thread runs only while some deadline exists, so a JVM whose functions are gone (a
 * worker's thread runtime) keeps no thread of ours, nor the class loader behind it. Nothing thrown
 * inside the loop, an {@link OutOfMemoryError} included, ends it.
 *
 * <p>While no call is armed and no write is in flight for {@value #IDLE_TICKS} ticks in a row (a
 * second), the thread parks until the next {@link Deadline#arm} or {@link Deadline#expire} wakes it,
 * so idle functions cost no CPU. (Each function NAR loads its own copy of this class under a worker's
 * thread runtime; 400 idle functions ticking every 5 ms kept a 2-core worker's CPUs busy in the
 * kernel.) Whoever finds it parked refreshes the clock before using it, so a deadline is never
 * measured from a stale clock; arming and then checking, against the thread's announcing and then
 * re-checking (both through volatile fields), leaves no window in which a call is armed and the
 * thread stays parked.
 *
 * <p>Over 300 lines because the deadline and the thread that enforces it share one lock-free
 * protocol (above), which is easier to check when read in one file.
 */
public final class Watchdog {

    private static final long TICK_MILLIS = 5;
    /** Idle ticks in a row after which the thread parks: one second. */
    private static final int IDLE_TICKS = 200;

    private static final Set<Deadline> WATCHED = ConcurrentHashMap.newKeySet();
    /** The watchdog's clock, read by {@link Deadline#arm} instead of System.nanoTime() on every call. */
    private static volatile long now = System.nanoTime();

    /** Set by the thread before it parks, cleared when it runs again. */
    private static volatile boolean parked;

    /** @return the watchdog's clock, in nanoseconds: {@link System#nanoTime()} as of its last tick, read for free */
    public static long clock() {
        return parked ? refresh() : now;
    }

    /** @return the clock made current, for a caller that found the thread parked */
    private static long refresh() {
        long fresh = System.nanoTime();
        now = fresh;
        return fresh;
    }

    /** Unparks the thread if it is parked (a call was just armed, a write is in flight, or the last deadline closed). */
    private static void wake() {
        if (parked) {
            refresh();
            Thread current;
            synchronized (Watchdog.class) {
                current = thread;
            }
            if (current != null) {
                LockSupport.unpark(current);
            }
        }
    }

    /** @return whether the thread is parked because nothing is armed or in flight */
    public static boolean parked() {
        return parked;
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

    /** @return how many deadlines are watched: one per live guest instance, and one per released instance whose writes are in flight */
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
        int idleTicks = 0;
        while (!stopIfIdle()) {
            try {
                now = System.nanoTime();
                boolean busy = false;
                for (Deadline deadline : WATCHED) {
                    try {
                        deadline.expireIfDue(now);
                    } catch (RuntimeException | Error e) {
                        // one owner whose interrupt fails must not keep the others' deadlines from being enforced
                    }
                    try {
                        deadline.expireWritesDue(now);
                    } catch (RuntimeException | Error e) {
                        // nor keep its own writes from being failed in time
                    }
                    busy |= deadline.busy();
                }
                idleTicks = busy ? 0 : idleTicks + 1;
                if (idleTicks >= IDLE_TICKS) {
                    idleTicks = 0;
                    parkUntilBusy();
                } else {
                    Thread.sleep(TICK_MILLIS);
                }
            } catch (InterruptedException e) {
                // only deadlines end this thread
            } catch (Throwable e) {
                // an OutOfMemoryError caused by a guest elsewhere must not end every later timeout
            }
        }
    }

    /**
     * Announces the park, then looks again: a call armed before the announcement is seen here, one
     * armed after it sees the announcement and unparks this thread. Deadlines closed meanwhile end
     * the thread at the loop's next check.
     */
    private static void parkUntilBusy() {
        parked = true;
        try {
            for (Deadline deadline : WATCHED) {
                if (deadline.busy()) {
                    return;
                }
            }
            if (!WATCHED.isEmpty()) {
                LockSupport.park(Watchdog.class);
            }
        } finally {
            // the clock first: whoever then reads parked == false reads a current clock
            now = System.nanoTime();
            parked = false;
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
        private final Queue<Write> writes = new ConcurrentLinkedQueue<>();
        private volatile Thread owner;
        private volatile long dueAt;
        private volatile boolean closed;

        private Deadline() {}

        /**
         * Starts timing a call made by the current thread.
         *
         * @param timeoutNanos how long the call may take, in nanoseconds
         */
        public void arm(long timeoutNanos) {
            owner = Thread.currentThread();
            // the clock is as old as the last tick: one tick more, so that a deadline never fires early
            dueAt = clock() + timeoutNanos + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
            state.set(RUNNING);
            wake();
        }

        /** @return whether a call is armed (or being stopped) or a write is in flight */
        boolean busy() {
            return state.get() != IDLE || !writes.isEmpty();
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
            if ((current == EXPIRED || current == RUNNING && clock - dueAt > 0)
                    && state.compareAndSet(current, EXPIRING)) {
                try {
                    owner.interrupt();
                } finally {
                    state.set(EXPIRED);
                }
            }
        }

        /**
         * Fails {@code write} unless it is complete by {@code dueAt}. The writes given to one deadline
         * are checked in the order they were given, each once the one before is complete or failed:
         * their due times should not decrease. Pulsar bounds how many are in flight at once
         * ({@code maxPendingAsyncRequests}).
         *
         * @param write the writes' future, failed at the due time with {@code timeout}'s exception
         *     wrapped in a {@link CompletionException}
         * @param dueAt when, on the watchdog's {@link #clock()}
         * @param timeout the exception saying what did not complete in time
         */
        public void expire(CompletableFuture<?> write, long dueAt, Supplier<? extends RuntimeException> timeout) {
            writes.add(new Write(write, dueAt, timeout));
            if (closed && WATCHED.add(this)) {
                // closed by another thread while this write was being made: watched again until it settles
                ensureRunning();
            }
            wake();
        }

        void expireWritesDue(long clock) {
            for (Write write = writes.peek(); write != null; write = writes.peek()) {
                if (!write.future().isDone()) {
                    if (clock - write.dueAt() <= 0) {
                        break;
                    }
                    try {
                        fail(write);
                    } finally {
                        writes.poll();
                    }
                } else {
                    writes.poll();
                }
            }
            if (closed && writes.isEmpty()) {
                WATCHED.remove(this);
            }
        }

        /**
         * Fails a write from a pool thread: what is chained on its future runs there, so slow code
         * chained by whoever waits for the write cannot hold up the watchdog's other deadlines.
         */
        private static void fail(Write write) {
            RuntimeException timeout;
            try {
                timeout = write.timeout().get();
            } catch (RuntimeException e) {
                timeout = new IllegalStateException("the writes were not stored in time", e);
            }
            CompletionException failure = new CompletionException(timeout);
            ForkJoinPool.commonPool().execute(() -> write.future().completeExceptionally(failure));
        }

        /**
         * Stops watching this deadline: at once, or once the writes given to {@link #expire} are
         * complete or failed, which a released guest instance's last messages still wait for.
         */
        @Override
        public void close() {
            closed = true;
            if (writes.isEmpty()) {
                WATCHED.remove(this);
                if (WATCHED.isEmpty()) {
                    wake(); // a parked thread ends once no deadline is left
                }
            }
        }
    }

    private record Write(CompletableFuture<?> future, long dueAt, Supplier<? extends RuntimeException> timeout) {}
}
