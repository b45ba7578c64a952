package io.pulsarwasm.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WatchdogTest {

    /**
     * Four threads arm a 1 ms deadline and disarm it a million times in all, doing so little in
     * between that the watchdog's tick often expires a deadline at the very moment it is being
     * disarmed: no interrupt may ever be left on a thread once disarm has returned.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMillionArmDisarmCyclesRacingA1msDeadlineLeaveNoStrayInterrupt() throws Exception {
        AtomicLong stray = new AtomicLong();
        AtomicLong expired = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try (Watchdog.Deadline deadline = Watchdog.newDeadline()) {
                    long sink = 0;
                    for (int i = 0; i < 250_000; i++) {
                        deadline.arm(1_000_000);
                        for (int spin = 0; spin < (i & 63); spin++) {
                            sink += spin;
                        }
                        if (deadline.disarm()) {
                            expired.incrementAndGet();
                        }
                        if (Thread.currentThread().isInterrupted()) {
                            stray.incrementAndGet();
                            Thread.interrupted();
                        }
                    }
                    if (sink == 42) {
                        System.out.print("");
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, stray.get(), "interrupts left after disarm returned (" + expired.get() + " expirations)");
        System.out.println(
                "WatchdogTest: 1,000,000 cycles, " + expired.get() + " expired at disarm, 0 stray interrupts");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aCallPastItsDeadlineIsInterruptedAndTheInterruptIsCleared() throws Exception {
        try (Watchdog.Deadline deadline = Watchdog.newDeadline()) {
            deadline.arm(Duration.ofMillis(20).toNanos());
            boolean interrupted = false;
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            assertTrue(interrupted);
            assertTrue(deadline.disarm());
            assertFalse(Thread.currentThread().isInterrupted());
            assertFalse(deadline.disarm(), "disarming an idle deadline");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void theThreadRunsOnlyWhileADeadlineExistsAndSurvivesAnError() throws Exception {
        Watchdog.Deadline deadline = Watchdog.newDeadline();
        assertTrue(Watchdog.running());
        deadline.close();
        while (Watchdog.running()) {
            Thread.sleep(1);
        }
        assertEquals(0, Watchdog.deadlines());
        // a deadline whose owner cannot be interrupted (an Error in the watchdog's loop) does not end the watchdog
        try (Watchdog.Deadline broken = Watchdog.newDeadline();
                Watchdog.Deadline later = Watchdog.newDeadline()) {
            Thread failing = new Thread(() -> {}) {
                @Override
                public void interrupt() {
                    throw new OutOfMemoryError("simulated");
                }
            };
            failing.start();
            failing.join();
            Thread armer = new Thread(() -> broken.arm(0));
            armer.start();
            armer.join();
            // point the broken deadline's owner at the thread whose interrupt throws
            var owner = Watchdog.Deadline.class.getDeclaredField("owner");
            owner.setAccessible(true);
            owner.set(broken, failing);
            later.arm(Duration.ofMillis(20).toNanos());
            boolean interrupted = false;
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            assertTrue(interrupted, "a later deadline is still enforced");
            assertTrue(later.disarm());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void writesAreFailedAtTheirDueTimeInOrderAndAClosedDeadlineIsWatchedUntilTheySettle() throws Exception {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        CompletableFuture<Void> late = new CompletableFuture<>();
        CompletableFuture<Void> later = new CompletableFuture<>();
        Watchdog.Deadline deadline = Watchdog.newDeadline();
        long now = Watchdog.clock();
        deadline.expire(stored, now + Duration.ofMillis(50).toNanos(), () -> new IllegalStateException("not this one"));
        deadline.expire(late, now + Duration.ofMillis(50).toNanos(), () -> new IllegalStateException("first late"));
        deadline.expire(later, now + Duration.ofSeconds(3).toNanos(), () -> new IllegalStateException("second late"));
        stored.complete(null);
        deadline.close();
        assertEquals(1, Watchdog.deadlines(), "a closed deadline with writes in flight is still watched");
        ExecutionException first = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
        assertEquals("first late", first.getCause().getMessage());
        assertFalse(later.isDone(), "a write is not failed before its due time");
        ExecutionException second = assertThrows(ExecutionException.class, () -> later.get(5, TimeUnit.SECONDS));
        assertEquals("second late", second.getCause().getMessage());
        assertEquals(null, stored.get(), "a write stored in time is left as it is");
        while (Watchdog.running()) {
            Thread.sleep(1);
        }
        assertEquals(0, Watchdog.deadlines());
        assertThrows(CompletionException.class, late::join);
    }

    /**
     * A deadline that is never armed lets the thread park after a second of idle ticks; a call armed
     * then is still stopped on time — measured from a clock refreshed on waking, so never early —
     * and a write given to a parked watchdog is still failed at its due time. Closing the last
     * deadline ends a parked thread.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdleWatchdogParksAndStillStopsACallOnTimeAndFailsALateWrite() throws Exception {
        Watchdog.Deadline deadline = Watchdog.newDeadline();
        awaitParked();
        long start = System.nanoTime();
        deadline.arm(Duration.ofMillis(200).toNanos());
        boolean interrupted = false;
        try {
            Thread.sleep(30_000);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(interrupted, "a call armed on a parked watchdog is interrupted");
        assertTrue(deadline.disarm());
        assertTrue(elapsedMillis >= 200, "interrupted after " + elapsedMillis + " ms, before its 200 ms deadline");

        awaitParked();
        CompletableFuture<Void> write = new CompletableFuture<>();
        long due = Watchdog.clock() + Duration.ofMillis(200).toNanos();
        long written = System.nanoTime();
        deadline.expire(write, due, () -> new IllegalStateException("late"));
        ExecutionException late = assertThrows(ExecutionException.class, () -> write.get(30, TimeUnit.SECONDS));
        long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written);
        assertEquals("late", late.getCause().getMessage());
        assertTrue(writeMillis >= 200, "write failed after " + writeMillis + " ms, before its 200 ms due time");

        awaitParked();
        deadline.close();
        while (Watchdog.running()) {
            Thread.sleep(1);
        }
        assertFalse(Watchdog.parked());
    }

    /** Waits until the thread parks, then lets its clock grow stale: 1.5 s past its last tick. */
    private static void awaitParked() throws InterruptedException {
        while (!Watchdog.parked()) {
            Thread.sleep(10);
        }
        Thread.sleep(1_500); // not a wait for a result: the condition under test is a stale clock
    }
}
