package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pulsarwasm.engine.EventTimeWindows.Status;
import io.pulsarwasm.engine.EventTimeWindows.Window;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * EventTimeWindows against a model that enumerates every window end one by one (the class skips
 * from record to record), on generated runs; and by hand on the cases the docs describe.
 */
class EventTimeWindowsTest {

    /** What one record's arrival did: its status, the windows it closed, the records then done. */
    record Step<R>(Status status, List<Window<R>> closed, List<R> done) {}

    /** Adds a record, collecting what it closes. */
    static <R> Step<R> add(EventTimeWindows<R> windows, R record, long time, long size) {
        List<Window<R>> closed = new ArrayList<>();
        List<R> done = new ArrayList<>();
        Status status = windows.add(record, time, size, new EventTimeWindows.Closing<>() {
            @Override
            public void window(Window<R> window) {
                closed.add(window);
            }

            @Override
            public void done(R record) {
                done.add(record);
            }
        });
        return new Step<>(status, closed, done);
    }

    /** A generated run: the settings and the records' times, in arrival order. */
    record Run(long length, long slide, long lag, int maxRecords, List<Long> times) {}

    @Provide
    Arbitrary<Run> runs() {
        return Arbitraries.longs()
                .between(1, 20)
                .flatMap(length -> Combinators.combine(
                                Arbitraries.longs().between(1, length),
                                Arbitraries.longs().between(0, 15),
                                Arbitraries.oneOf(Arbitraries.integers().between(1, 6), Arbitraries.just(1000)),
                                Arbitraries.longs().between(-40, 100).list().ofMaxSize(60))
                        .as((slide, lag, max, times) -> new Run(length, slide, lag, max, times)));
    }

    @Property(tries = 3000)
    void closesTheWindowsAModelOfEveryWindowEndCloses(@ForAll("runs") Run run) {
        EventTimeWindows<Integer> windows =
                new EventTimeWindows<>(run.length(), run.slide(), run.lag(), run.maxRecords(), Long.MAX_VALUE);
        Model model = new Model(run);
        for (int i = 0; i < run.times().size(); i++) {
            Step<Integer> step = add(windows, i, run.times().get(i), 1);
            Step<Integer> expected = model.add(i, run.times().get(i));
            assertEquals(expected, step, "record " + i + " of " + run);
            assertEquals(model.waiting(), windows.waiting(), "waiting after record " + i + " of " + run);
        }
    }

    /** The model: every aligned window end between the last watermark and this one, in turn. */
    private static final class Model {
        private final Run run;
        /** Accepted records: index, time, and the watermark when it arrived. */
        private final List<long[]> accepted = new ArrayList<>();

        private final List<Integer> waiting = new ArrayList<>();
        private boolean started;
        private long latest;
        private long closedThrough;

        Model(Run run) {
            this.run = run;
        }

        /** Whether {@code end} is a window end: the window starts at a multiple of the slide. */
        private boolean isEnd(long end) {
            return Math.floorMod(end - run.length(), run.slide()) == 0;
        }

        /** The last window end holding {@code time}: the greatest end up to time + length. */
        private long lastEnd(long time) {
            long end = time + run.length();
            while (!isEnd(end)) {
                end--;
            }
            return end;
        }

        Step<Integer> add(int index, long time) {
            if (started && lastEnd(time) <= closedThrough) {
                return new Step<>(Status.LATE, List.of(), List.of());
            }
            latest = started ? Math.max(latest, time) : time;
            long watermark = latest - run.lag();
            long from = started ? closedThrough + 1 : -100;
            List<Window<Integer>> closed = new ArrayList<>();
            for (long end = from; end <= watermark; end++) {
                if (!isEnd(end)) {
                    continue;
                }
                long e = end;
                List<Integer> records = accepted.stream()
                        .filter(r -> r[1] >= e - run.length() && r[1] < e && r[2] < e)
                        .sorted(Comparator.<long[]>comparingLong(r -> r[1]).thenComparingLong(r -> r[0]))
                        .map(r -> (int) r[0])
                        .toList();
                if (!records.isEmpty()) {
                    closed.add(new Window<>(e - run.length(), e, records));
                }
            }
            List<Integer> done = accepted.stream()
                    .filter(r -> waiting.contains((int) r[0]) && lastEnd(r[1]) <= watermark)
                    .sorted(Comparator.<long[]>comparingLong(r -> r[1]).thenComparingLong(r -> r[0]))
                    .map(r -> (int) r[0])
                    .toList();
            waiting.removeAll(done);
            // the record arrives after the windows its time closed, none of which could hold it
            Status status;
            if (waiting.size() + 1 > run.maxRecords()) {
                status = Status.REFUSED;
            } else {
                accepted.add(new long[] {index, time, started ? closedThrough : Long.MIN_VALUE});
                waiting.add(index);
                status = Status.ADDED;
            }
            closedThrough = started ? Math.max(closedThrough, watermark) : watermark;
            started = true;
            return new Step<>(status, closed, done);
        }

        int waiting() {
            return waiting.size();
        }
    }

    @Test
    @Timeout(10)
    void theDocumentedTumblingRunOutOfOrderLateAndSkippedWindows() {
        long t0 = 1_800_000_000_000L;
        EventTimeWindows<String> windows = new EventTimeWindows<>(10_000, 10_000, 20_000, 100, 1 << 20);
        for (String name : List.of("a@1000", "b@3000", "c@12000", "d@2000", "e@15000")) {
            Step<String> step = add(windows, name, t0 + Long.parseLong(name.substring(2)), 10);
            assertEquals(new Step<String>(Status.ADDED, List.of(), List.of()), step, name);
        }
        Step<String> moved = add(windows, "f@45000", t0 + 45_000, 10);
        assertEquals(
                List.of(
                        new Window<>(t0, t0 + 10_000, List.of("a@1000", "d@2000", "b@3000")),
                        new Window<>(t0 + 10_000, t0 + 20_000, List.of("c@12000", "e@15000"))),
                moved.closed());
        assertEquals(List.of("a@1000", "d@2000", "b@3000", "c@12000", "e@15000"), moved.done());
        assertEquals(Status.LATE, add(windows, "g@5000", t0 + 5000, 10).status());
        // the windows ending at t0 + 30 s and 40 s are empty: skipped, not emitted
        Step<String> last = add(windows, "h@100000", t0 + 100_000, 10);
        assertEquals(List.of(new Window<>(t0 + 40_000, t0 + 50_000, List.of("f@45000"))), last.closed());
        assertEquals(List.of("f@45000"), last.done());
        assertEquals(1, windows.waiting());
    }

    @Test
    @Timeout(10)
    void aHostileJumpInTimeClosesOnlyTheWindowsThatHoldRecords() {
        // a 1 ms slide and a jump of 2^61 ms: enumerating the ends would never finish
        EventTimeWindows<String> windows = new EventTimeWindows<>(1000, 1, 0, 100, 1 << 20);
        add(windows, "a", 0, 1);
        Step<String> jump = add(windows, "b", 1L << 61, 1);
        assertEquals(1000, jump.closed().size());
        assertEquals(List.of("a"), jump.done());
        assertEquals(Status.LATE, add(windows, "c", 5, 1).status());
        assertEquals(Status.LATE, add(windows, "d", -(1L << 62), 1).status());
    }

    @Test
    @Timeout(30)
    void theMostWindowsOneTimeCanCloseComeOneAtATime() {
        // 1,000 records each in 1,000 sliding windows: one jump closes 1,999 windows holding
        // 1,000,000 records between them, handed out one window at a time
        EventTimeWindows<Integer> windows = new EventTimeWindows<>(1000, 1, 2000, 1000, Long.MAX_VALUE);
        Counting filling = new Counting();
        for (int t = 0; t < 1000; t++) {
            assertEquals(Status.ADDED, windows.add(t, t, 1, filling)); // within the lag: nothing closes
        }
        assertEquals(0, filling.windows);
        Counting counting = new Counting();
        assertEquals(Status.ADDED, windows.add(-1, 10_000, 1, counting));
        assertEquals(1999, counting.windows, "windows ending at 1 to 1999");
        assertEquals(1_000_000, counting.records);
        assertEquals(1000, counting.done);
    }

    /** Counts what is handed out, keeping nothing. */
    private static final class Counting implements EventTimeWindows.Closing<Integer> {
        int windows;
        long records;
        int done;

        @Override
        public void window(Window<Integer> window) {
            windows++;
            records += window.records().size();
        }

        @Override
        public void done(Integer record) {
            done++;
        }
    }

    @Test
    void aDoneThatThrowsStillHandsOutEveryFinishedRecord() {
        EventTimeWindows<String> windows = new EventTimeWindows<>(10, 10, 0, 100, 1000);
        add(windows, "a", 1, 1);
        add(windows, "b", 2, 1);
        List<String> done = new ArrayList<>();
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> windows.add("c", 15, 1, new EventTimeWindows.Closing<>() {
                    @Override
                    public void window(Window<String> window) {}

                    @Override
                    public void done(String record) {
                        done.add(record);
                        throw new IllegalStateException("ack of " + record);
                    }
                }));
        assertEquals("ack of a", thrown.getMessage());
        assertEquals(List.of("a", "b"), done);
        assertEquals(0, windows.waiting());
    }

    @Test
    void aClosingThatThrowsLeavesTheWindowsNotHandedOutOpen() {
        EventTimeWindows<String> windows = new EventTimeWindows<>(10, 10, 5, 100, 1000);
        add(windows, "a", 1, 1);
        add(windows, "b", 12, 1); // the watermark at 7: nothing closes
        List<Window<String>> seen = new ArrayList<>();
        EventTimeWindows.Closing<String> failingSecond = new EventTimeWindows.Closing<>() {
            @Override
            public void window(Window<String> window) {
                if (!seen.isEmpty()) {
                    throw new IllegalStateException("second");
                }
                seen.add(window);
            }

            @Override
            public void done(String record) {}
        };
        assertThrows(IllegalStateException.class, () -> windows.add("c", 25, 1, failingSecond));
        assertEquals(List.of(new Window<>(0, 10, List.of("a"))), seen);
        assertEquals(1, windows.waiting(), "b waits, c was not taken");
        // the next record closes [10, 20) again, and [0, 10) is not handed out twice
        Step<String> next = add(windows, "d", 26, 1);
        assertEquals(List.of(new Window<>(10, 20, List.of("b"))), next.closed());
        assertEquals(List.of("b"), next.done());
    }

    @Test
    void boundsRefuseARecordButItsTimeStillMovesTheWatermark() {
        EventTimeWindows<String> windows = new EventTimeWindows<>(10, 10, 0, 2, 100);
        assertEquals(Status.ADDED, add(windows, "a", 1, 60).status());
        Step<String> overBytes = add(windows, "b", 2, 50);
        assertEquals(new Step<String>(Status.REFUSED, List.of(), List.of()), overBytes);
        assertEquals(Status.ADDED, add(windows, "c", 3, 40).status());
        assertEquals(Status.REFUSED, add(windows, "d", 4, 1).status());
        // its time closes [0, 10), which makes room for it
        Step<String> closing = add(windows, "e", 25, 1);
        assertEquals(Status.ADDED, closing.status());
        assertEquals(List.of(new Window<>(0, 10, List.of("a", "c"))), closing.closed());
        assertEquals(List.of("a", "c"), closing.done());
        assertEquals(1, windows.waiting());
        assertEquals(Status.REFUSED, add(windows, "f", 26, 100).status());
    }

    @Test
    void settingsAndTimesOutOfRangeAreRefusedByName() {
        assertEquals(
                "window length 0 ms is not between 1 and 1099511627776",
                assertThrows(IllegalArgumentException.class, () -> new EventTimeWindows<>(0, 1, 0, 1, 1))
                        .getMessage());
        assertEquals(
                "window slide 11 ms is not between 1 and the window length, 10 ms",
                assertThrows(IllegalArgumentException.class, () -> new EventTimeWindows<>(10, 11, 0, 1, 1))
                        .getMessage());
        assertEquals(
                "window length 1001 ms is more than 1000 slides of 1 ms",
                assertThrows(IllegalArgumentException.class, () -> new EventTimeWindows<>(1001, 1, 0, 1, 1))
                        .getMessage());
        assertEquals(
                "lag -1 ms is not between 0 and 1099511627776",
                assertThrows(IllegalArgumentException.class, () -> new EventTimeWindows<>(10, 1, -1, 1, 1))
                        .getMessage());
        EventTimeWindows<String> windows = new EventTimeWindows<>(10, 10, 0, 10, 100);
        assertEquals(
                "event time 9223372036854775807 ms is beyond ±2^62 ms",
                assertThrows(IllegalArgumentException.class, () -> add(windows, "x", Long.MAX_VALUE, 1))
                        .getMessage());
        assertEquals(0, windows.waiting());
    }
}
