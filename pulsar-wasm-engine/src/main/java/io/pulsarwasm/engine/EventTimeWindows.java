package io.pulsarwasm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Windows cut by event time, knowing nothing of Pulsar (a window function with {@code
 * wasm.window.length-ms} drives them, and so does the tester): records go in one at a time with their
 * time, and the windows the watermark has passed come out, each with its records.
 *
 * <p>A window is {@code [start, start + length)}, its start a multiple of the slide since the
 * epoch (tumbling when the slide is the length). The watermark is the latest time seen minus the
 * lag; a window closes once the watermark reaches its end, and comes out if it holds a record.
 * Windows come out in order of their end, each with its records in time order (arrival order for
 * equal times). A record whose every window has closed is late and is not kept; a record that
 * arrives after some of its windows closed joins the others. A record is done (its caller may
 * acknowledge it) once the last window holding it has come out.
 *
 * <p>The records waiting are bounded by count and bytes; a record's time first closes the windows
 * it lets close (making room), and a record still over the bound is refused, its time having moved
 * the watermark all the same. Times are
 * limited to ±2<sup>62</sup> ms and the settings to 2<sup>40</sup> ms (about 34 years), so that no
 * arithmetic here overflows; a window cannot be more than {@value #MAX_WINDOWS_PER_RECORD} slides
 * long, so that one record ends up in a bounded number of windows.
 *
 * @param <R> the record
 */
public final class EventTimeWindows<R> {

    /** The largest time (and, negated, the smallest): {@value} ms. */
    public static final long MAX_TIME = 1L << 62;
    /** The largest length, slide or lag: {@value} ms. */
    public static final long MAX_SETTING = 1L << 40;
    /** The most windows one record can be in: length over slide. */
    public static final long MAX_WINDOWS_PER_RECORD = 1_000;

    /** What adding a record did to it. */
    public enum Status {
        /** It waits for its windows. */
        ADDED,
        /** Every window it belongs to has closed: it is not kept. */
        LATE,
        /** The records waiting are at their bound: it is not kept (its time moved the watermark). */
        REFUSED
    }

    /**
     * A closed window.
     *
     * @param start its first millisecond
     * @param end the millisecond after its last
     * @param records its records, in time order
     * @param <R> the record
     */
    public record Window<R>(long start, long end, List<R> records) {}

    /**
     * What closing windows hands out, one at a time, so that only one window is held at once
     * however many a record's time closes.
     *
     * @param <R> the record
     */
    public interface Closing<R> {
        /**
         * A window has closed; the windows come in order of their end.
         *
         * @param window the window and its records
         */
        void window(Window<R> window);

        /**
         * A record is in no open window any more: it may be acknowledged (after the windows holding
         * it have been handled).
         *
         * @param record the record
         */
        void done(R record);
    }

    private record Waiting<R>(R record, long bytes) {}

    private final long length;
    private final long slide;
    private final long lag;
    private final int maxRecords;
    private final long maxBytes;
    private final NavigableMap<Long, List<Waiting<R>>> waiting = new TreeMap<>();
    private int count;
    private long bytes;
    private boolean started;
    private long latest;
    /** Every window ending at or before this has closed (the watermark after the last record). */
    private long closedThrough;

    /**
     * Creates empty windows.
     *
     * @param length a window's length, ms
     * @param slide how far apart windows start, ms: at most the length
     * @param lag how far behind the latest time a record may be and still be on time, ms
     * @param maxRecords the most records waiting
     * @param maxBytes the most bytes waiting, as the caller counts them
     * @throws IllegalArgumentException for settings out of range, each named
     */
    public EventTimeWindows(long length, long slide, long lag, int maxRecords, long maxBytes) {
        if (length < 1 || length > MAX_SETTING) {
            throw new IllegalArgumentException("window length " + length + " ms is not between 1 and " + MAX_SETTING);
        }
        if (slide < 1 || slide > length) {
            throw new IllegalArgumentException(
                    "window slide " + slide + " ms is not between 1 and the window length, " + length + " ms");
        }
        if (length > MAX_WINDOWS_PER_RECORD * slide) {
            throw new IllegalArgumentException("window length " + length + " ms is more than " + MAX_WINDOWS_PER_RECORD
                    + " slides of " + slide + " ms");
        }
        if (lag < 0 || lag > MAX_SETTING) {
            throw new IllegalArgumentException("lag " + lag + " ms is not between 0 and " + MAX_SETTING);
        }
        this.length = length;
        this.slide = slide;
        this.lag = lag;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /**
     * Takes one record in, and closes the windows its time lets close, handing each out as it
     * closes. Should {@code closing} throw, the windows handed out so far stay closed and their
     * finished records done (every one of them handed to {@code done}), the others stay open, and
     * this record is not taken; its time has moved the watermark all the same, so the next record
     * closes the open windows whatever its own time.
     *
     * @param record the record
     * @param time its event time, epoch ms
     * @param size its size in bytes, for the bound
     * @param closing takes the windows closed and the records done
     * @return what happened to the record
     * @throws IllegalArgumentException for a time beyond ±2<sup>62</sup> ms (nothing changes)
     */
    public Status add(R record, long time, long size, Closing<R> closing) {
        if (time > MAX_TIME || time < -MAX_TIME) {
            throw new IllegalArgumentException("event time " + time + " ms is beyond ±2^62 ms");
        }
        if (started && lastEnd(time) <= closedThrough) {
            return Status.LATE;
        }
        latest = started ? Math.max(latest, time) : time;
        long watermark = latest - lag;
        long next = started ? firstEnd(closedThrough) : Long.MIN_VALUE;
        while (!waiting.isEmpty()) {
            long end = Math.max(next, firstEnd(waiting.firstKey()));
            if (end > watermark) {
                break;
            }
            List<R> records = new ArrayList<>();
            for (List<Waiting<R>> same :
                    waiting.subMap(end - length, true, end, false).values()) {
                same.forEach(w -> records.add(w.record()));
            }
            closing.window(new Window<>(end - length, end, List.copyOf(records)));
            closedThrough = started ? Math.max(closedThrough, end) : end;
            started = true;
            // no later window starts before end + slide - length
            Map<Long, List<Waiting<R>>> finished = waiting.headMap(end + slide - length, false);
            List<R> done = new ArrayList<>();
            for (List<Waiting<R>> same : finished.values()) {
                for (Waiting<R> w : same) {
                    done.add(w.record());
                    count--;
                    bytes -= w.bytes();
                }
            }
            finished.clear();
            RuntimeException failed = null;
            for (R finishedRecord : done) { // each is handed out, whatever the others do
                try {
                    closing.done(finishedRecord);
                } catch (RuntimeException e) {
                    failed = failed == null ? e : failed;
                }
            }
            if (failed != null) {
                throw failed;
            }
            next = end + slide;
        }
        // the record itself is in none of the windows just closed (they end at or before the
        // watermark, which moved only if its time is the latest), so it goes in after them, into
        // the room they made
        Status status;
        if (count + 1 > maxRecords || bytes + size > maxBytes) {
            status = Status.REFUSED;
        } else {
            waiting.computeIfAbsent(time, t -> new ArrayList<>(1)).add(new Waiting<>(record, size));
            count++;
            bytes += size;
            status = Status.ADDED;
        }
        closedThrough = started ? Math.max(closedThrough, watermark) : watermark;
        started = true;
        return status;
    }

    /**
     * The watermark: every window ending at or before it has closed.
     *
     * @return it, epoch ms; {@link Long#MIN_VALUE} before the first record
     */
    public long watermark() {
        return started ? closedThrough : Long.MIN_VALUE;
    }

    /**
     * The records waiting for a window to close.
     *
     * @return how many
     */
    public int waiting() {
        return count;
    }

    /** The first window end after {@code time}: the end of the first window holding it. */
    private long firstEnd(long time) {
        return Math.floorDiv(time - length, slide) * slide + slide + length;
    }

    /** The end of the last window holding {@code time}. */
    private long lastEnd(long time) {
        return Math.floorDiv(time, slide) * slide + length;
    }
}
