package io.pulsarwasm.engine;

/**
 * The hand-off between the host's thread and a WASI command's {@code main}, which runs on a thread
 * of its own and asks for each message through {@code pulsar.next_input}. One message is in flight
 * at a time: the host hands it over and waits for {@code main} to come back for the next one (its
 * answer) or to end. Every wait is interruptible, so the host's deadline ends the host's wait, and
 * interrupting the guest's thread ends the guest's.
 *
 * <p>A thread woken from {@code wait} takes the scheduler's time to run again, twice per message.
 * The host's side therefore first waits briefly for {@code main}'s answer, which usually comes
 * within microseconds, yielding its core ({@code Thread.yield}, so that on a small machine the
 * guest thread it just woke can run there) for at most {@value #ANSWER_SPIN_MICROS} µs, and only
 * then blocks. The guest's side blocks at once: the next message may be far off, and a guest that
 * spun between messages would take a core from the broker and the worker at saturation (measured:
 * spinning 50 µs on both sides made a Go relay 5× cheaper in-process on an idle machine and 20%
 * slower end to end on a busy 2-core one, docs/benchmarks.md).
 */
final class CommandChannel {

    static final long ANSWER_SPIN_MICROS = 20;

    private final String moduleName;
    private volatile byte[] input;
    private boolean inFlight;
    private volatile boolean answered;
    private int status;
    private boolean waiting;
    private volatile boolean closing;
    private volatile boolean ended;
    private Throwable failure;

    CommandChannel(String moduleName) {
        this.moduleName = moduleName;
    }

    /**
     * The guest's side, in {@code pulsar.next_input}: answers the message in flight, if any, with
     * {@code previousStatus}, then waits for the next.
     *
     * @return the next message's bytes, or null when the instance closes
     * @throws HostCallException if the guest's thread is interrupted while it waits
     */
    byte[] next(int previousStatus) {
        synchronized (this) {
            if (inFlight) {
                inFlight = false;
                status = previousStatus;
                answered = true;
            }
            waiting = true;
            notifyAll();
        }
        return take();
    }

    private synchronized byte[] take() {
        try {
            while (input == null && !closing) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException(HostImport.NEXT_INPUT.qualifiedName() + ": interrupted while waiting", e);
        } finally {
            waiting = false;
        }
        if (input == null) {
            return null;
        }
        byte[] next = input;
        input = null;
        inFlight = true;
        return next;
    }

    /** The guest's thread has ended: {@code main} returned ({@code failure} null) or failed. */
    synchronized void ended(Throwable failure) {
        ended = true;
        this.failure = failure;
        notifyAll();
    }

    /**
     * The host's side at start: waits until {@code main} asks for its first message.
     *
     * @throws CommandEndedException if it ended first
     * @throws HostCallException if the host's thread is interrupted (its deadline)
     */
    synchronized void awaitFirstRequest() {
        await(() -> waiting || ended, "waiting for main to ask for its first message");
        if (!waiting) {
            throw endedEarly("before it asked for its first message");
        }
    }

    /**
     * The host's side per message: hands {@code message} to {@code main} and waits for its answer.
     *
     * @return the status {@code main} answered with (0 for success)
     * @throws CommandEndedException if {@code main} ended instead, or had ended before
     * @throws HostCallException if the host's thread is interrupted (its deadline)
     */
    int exchange(byte[] message) {
        synchronized (this) {
            if (ended) {
                throw endedEarly("before this message");
            }
            answered = false;
            input = message;
            notifyAll();
        }
        return answer();
    }

    private int answer() {
        spin(ANSWER_SPIN_MICROS, () -> answered || ended);
        synchronized (this) {
            await(() -> answered || ended, "waiting for main to answer");
            if (!answered) {
                throw endedEarly("before it answered");
            }
            return status;
        }
    }

    /** Yields outside the lock until {@code condition} holds or {@code micros} pass. */
    private static void spin(long micros, Condition condition) {
        long until = System.nanoTime() + micros * 1000;
        while (!condition.holds() && System.nanoTime() < until) {
            Thread.yield();
        }
    }

    /**
     * The host's side at close: tells {@code main} there are no more messages ({@code next_input}
     * answers absent) and waits for it to end.
     *
     * @throws CommandEndedException if it failed on its way out
     * @throws HostCallException if the host's thread is interrupted (its deadline)
     */
    synchronized void close() {
        closing = true;
        notifyAll();
        await(() -> ended, "waiting for main to return");
        if (failure != null && !(CommandEndedException.exitCode(failure) == 0)) {
            throw endedEarly("after its last message");
        }
    }

    private interface Condition {
        boolean holds();
    }

    private void await(Condition condition, String what) {
        try {
            while (!condition.holds()) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostCallException("wasm module '" + moduleName + "': " + what + ": interrupted", e);
        }
    }

    private RuntimeException endedEarly(String when) {
        if (failure instanceof RuntimeException runtime && CommandEndedException.exitCode(failure) < 0) {
            return runtime; // a trap or a host call's failure, reported as from any other guest
        }
        return new CommandEndedException(failure, when);
    }
}
