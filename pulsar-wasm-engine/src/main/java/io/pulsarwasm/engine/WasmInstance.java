package io.pulsarwasm.engine;

import io.pulsarwasm.engine.internal.Watchdog;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.endive.runtime.Instance;
import run.endive.wasm.WasmEngineException;

/**
 * One live guest: an Endive instance linked to its host. Every call into it — the start function,
 * {@code init}, {@code alloc}, {@code process}, {@code close}, and any wait the host does on the
 * guest's behalf — runs under the deadline {@code wasm.timeout-ms}.
 *
 * <p>Not thread-safe, because Endive instances are not: use one per thread ({@link WasmSession}
 * checks it).
 *
 * <p>Over 300 lines because every way into the guest (start, init, each entry's call, close, the
 * host's waits) is here, each under the same deadline and the same translation of a trap.
 */
public final class WasmInstance implements AutoCloseable {

    /**
     * The deadline of the host's own start-up steps inside a guest (the JavaScript engine's start,
     * compiling and evaluating its prelude): the same code for every function, whose length depends
     * only on the machine's load and the JVM's warmth, so {@code wasm.timeout-ms} does not apply to
     * it; this bound is there only so that nothing runs without one.
     */
    public static final Duration ENGINE_START_TIMEOUT = Duration.ofMinutes(2);

    private static final long ENGINE_START_NANOS = ENGINE_START_TIMEOUT.toNanos();

    private final String moduleName;
    private final Instance instance;
    private final HostCalls host;
    private final EntryPoint entryPoint;
    private final GuestEntry entry;
    private final String process;
    private final Consumer<WasmInstance> onClose;
    private final Limits limits;
    private final GuestBudget budget;
    private final long timeoutNanos;
    private final AutoCloseable resources;
    private final Watchdog.Deadline deadline = Watchdog.newDeadline();
    private final Supplier<WasmTimeoutException> writesTimedOut = this::writesTimedOut;
    private boolean closed;
    private final GuestEntry.Calls calls = new GuestEntry.Calls() {
        @Override
        public long call(String what, LongSupplier step) {
            return WasmInstance.this.call(what, timeoutNanos, step);
        }

        @Override
        public long trusted(String what, LongSupplier step) {
            return WasmInstance.this.call(what, Math.max(timeoutNanos, ENGINE_START_NANOS), step);
        }
    };

    /**
     * @param resources what the instance holds beyond its memory (its WASI link), closed with it; may be null
     */
    WasmInstance(
            String moduleName,
            Instance instance,
            HostCalls host,
            EntryPoint entryPoint,
            GuestEntry entry,
            Limits limits,
            GuestBudget budget,
            AutoCloseable resources,
            Consumer<WasmInstance> onClose) {
        this.moduleName = moduleName;
        this.instance = instance;
        this.host = host;
        this.entryPoint = entryPoint;
        this.entry = entry;
        this.process = entry.processName();
        this.limits = limits;
        this.budget = budget;
        this.timeoutNanos = limits.timeout().toNanos();
        this.resources = resources;
        this.onClose = onClose;
    }

    /** @return which {@code process} the module exports */
    public EntryPoint entryPoint() {
        return entryPoint;
    }

    /**
     * Calls the Long entry point {@code process(i64) -> i64}, and waits, still under the deadline,
     * until what the guest published or wrote to state on the way is stored.
     *
     * @param input the value passed to the guest
     * @return the guest's result
     * @throws WasmExecutionException if the guest traps, times out, a host call fails, or a write fails
     */
    public long process(long input) {
        requireEntryPoint(EntryPoint.LONG, "process(long)");
        host.begin(EntryPoint.LONG);
        return call(process, () -> {
            long result = entry.process(input);
            host.awaitWrites();
            return result;
        });
    }

    /**
     * Calls the bytes entry point {@code process(ptr i32, len i32) -> i32}: places the input in guest
     * memory from the guest's {@code alloc}, calls it, and returns its output with the writes it made
     * still in flight.
     *
     * @param input the bytes passed to the guest
     * @return the output and when the call's writes are stored
     * @throws WasmExecutionException if the guest traps, times out, returns a non-zero status
     *     ({@link GuestErrorException}) or a host call fails
     */
    public Invocation process(byte[] input) {
        requireEntryPoint(EntryPoint.BYTES, "process(byte[])");
        host.begin(EntryPoint.BYTES);
        long started = Watchdog.clock();
        int status = (int) call(process, () -> entry.process(input));
        HostCalls.Outcome outcome = host.finish();
        if (status != 0) {
            throw entry.guestError(moduleName, status, outcome.error());
        }
        return new Invocation(outcome.output(), withinDeadline(outcome.stored(), started));
    }

    /**
     * The bytes path returns before its writes are stored; they must be stored within what is left of
     * the call's deadline, so that a broker or state store that never answers fails the message
     * instead of holding it forever. The future is the invocation's own, so failing it leaves the
     * writes themselves alone.
     */
    private CompletableFuture<byte[]> withinDeadline(CompletableFuture<byte[]> stored, long started) {
        if (!stored.isDone()) {
            deadline.expire(stored, started + timeoutNanos, writesTimedOut);
        }
        return stored;
    }

    private WasmTimeoutException writesTimedOut() {
        return new WasmTimeoutException(
                "wasm module '" + moduleName + "': the writes of " + process
                        + " were not stored within " + limits.describe(Limit.TIMEOUT_MS) + " (user config "
                        + Limit.TIMEOUT_MS.key() + ")",
                null);
    }

    /** Starts the guest: for a module, its start function, ABI version check and {@code init}. */
    void start() {
        entry.start(calls);
    }

    /**
     * Whether the instance should be replaced although its calls succeed: a JavaScript engine whose
     * memory is mostly used up.
     *
     * @return true to close it and make a fresh one for the next message
     */
    public boolean worn() {
        return entry.worn();
    }

    /** Calls the guest's {@code close} export if it has one, then releases the instance. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            entry.close(calls);
        } finally {
            discard();
        }
    }

    /** @return how the instance enters its guest (for the engine's own tests) */
    GuestEntry entry() {
        return entry;
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
        try {
            if (resources != null) {
                resources.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("wasm module '" + moduleName + "': releasing the instance failed: " + e, e);
        } finally {
            onClose.accept(this);
        }
    }

    private void requireEntryPoint(EntryPoint expected, String method) {
        if (entryPoint != expected) {
            throw new IllegalStateException("wasm module '" + moduleName + "' exports " + entryPoint.describe()
                    + ", not " + expected.describe() + "; " + method + " cannot call it");
        }
    }

    /** Runs guest code under the deadline; {@code what} names it in errors, e.g. {@code export 'process'}. */
    private long call(String what, LongSupplier function) {
        return call(what, timeoutNanos, function);
    }

    private long call(String what, long nanos, LongSupplier function) {
        if (closed) {
            throw new IllegalStateException("wasm module '" + moduleName + "': instance is closed");
        }
        host.beginCall();
        budget.beginCall();
        deadline.arm(nanos);
        long result;
        try {
            result = function.getAsLong();
        } catch (HostCallException e) {
            throw deadline.disarm()
                    ? timeout(what, nanos, e)
                    : failure(what, "failed in host call " + e.getMessage(), e);
        } catch (WasmEngineException e) {
            throw deadline.disarm() ? timeout(what, nanos, e) : trapped(what, e);
        } catch (CommandEndedException e) {
            // Go's runtime exits (2) when memory.grow is refused, rather than trapping
            deadline.disarm();
            String said = entry.diagnostics();
            throw failure(
                    what,
                    e.getMessage() + (said.isEmpty() ? "" : "; its last word on stderr: " + said) + atLimit(said),
                    e);
        } catch (StackOverflowError e) {
            deadline.disarm();
            throw failure(what, "trapped: call stack exhausted", e);
        } catch (OutOfMemoryError e) {
            // the guest's memories and host buffers are bounded, so this is the JVM's heap running out while
            // the guest ran: the instance may be half-way through anything, so it is discarded like after a trap
            deadline.disarm();
            throw failure(what, "failed: the JVM ran out of memory while it ran (" + e.getMessage() + ")", e);
        } catch (Exception e) {
            // anything else the runtime or WASI throws (checked ones too, thrown undeclared): the instance's
            // state is unknown, so it fails like a trap
            throw deadline.disarm() ? timeout(what, nanos, e) : failure(what, "failed: " + e, e);
        } catch (Error e) {
            deadline.disarm();
            throw e;
        }
        deadline.disarm();
        return result;
    }

    private WasmTimeoutException timeout(String what, long nanos, Exception cause) {
        if (nanos != timeoutNanos) {
            return new WasmTimeoutException(
                    "wasm module '" + moduleName + "': " + what + " timed out after "
                            + Duration.ofNanos(nanos).toSeconds() + " s (the engine's own start-up deadline; "
                            + "the machine is overloaded or the JVM starved)",
                    cause);
        }
        return new WasmTimeoutException(
                "wasm module '" + moduleName + "': " + what + " timed out after " + limits.describe(Limit.TIMEOUT_MS)
                        + " (user config " + Limit.TIMEOUT_MS.key() + ")",
                cause);
    }

    private WasmExecutionException trapped(String what, Exception e) {
        String diagnostics = entry.diagnostics();
        return failure(what, "trapped: " + e.getMessage() + atLimit(diagnostics) + diagnostics, e);
    }

    /**
     * A runtime inside the guest reporting an allocation it could not make — Rust's {@code memory
     * allocation of N bytes failed}, which the JavaScript engine prints before it aborts — names the
     * bytes it asked for.
     */
    private String heapRefusal() {
        try {
            return FlatMemory.heapRefusal(instance.memory());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** What Go's runtime prints before it exits when memory.grow is refused. */
    private static final String GUEST_OUT_OF_MEMORY = "fatal error: out of memory";

    private static final Pattern FAILED_ALLOCATION = Pattern.compile("memory allocation of (\\d{1,18}) bytes failed");

    /**
     * Most guests trap when memory.grow or table.grow is refused, so say when one was at its limit,
     * or when what the guest reported it failed to allocate would have taken it past the limit.
     */
    private String atLimit(String diagnostics) {
        String heap = heapRefusal();
        if (!heap.isEmpty()) {
            return heap;
        }
        Matcher failed = FAILED_ALLOCATION.matcher(diagnostics);
        if (budget.memoryAtLimit(instance)
                || failed.find() && budget.memoryWouldPassLimit(instance, Long.parseLong(failed.group(1)))
                || diagnostics.contains(GUEST_OUT_OF_MEMORY)) {
            return " (guest memory is at its limit of " + limits.describe(Limit.MAX_MEMORY_PAGES) + ", user config "
                    + Limit.MAX_MEMORY_PAGES.key() + "; a refused memory.grow is the likely cause)";
        }
        if (budget.tableGrowthRefused()) {
            return " (a table.grow was refused: guest tables are limited to "
                    + limits.describe(Limit.MAX_TABLE_ELEMENTS) + ", user config " + Limit.MAX_TABLE_ELEMENTS.key()
                    + "; the likely cause)";
        }
        return "";
    }

    private WasmExecutionException failure(String what, String reason, Throwable cause) {
        return new WasmExecutionException("wasm module '" + moduleName + "': " + what + " " + reason, cause);
    }
}
