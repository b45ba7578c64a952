package io.pulsarwasm.engine;

/**
 * What one call into the guest may do through the host, and what it has done: its log bytes
 * ({@link Limit#MAX_LOG_BYTES_PER_CALL}), its writes ({@link Limit#MAX_WRITES_PER_CALL}) and the
 * bytes they carry ({@link Limit#MAX_WRITE_BYTES_PER_CALL}). Starts again with every call.
 */
final class CallBudget {

    /** What a log line costs beyond its text (its framing in the log), so that empty lines are not free. */
    static final int LOG_LINE_OVERHEAD = 64;

    private final Limits limits;
    private final long maxLogBytes;
    private final int maxLogLineBytes;
    private final int maxWrites;
    private final long maxWriteBytes;
    private long logBytes;
    private boolean logSpent;
    private int writes;
    private long writeBytes;

    CallBudget(Limits limits) {
        this.limits = limits;
        this.maxLogBytes = limits.get(Limit.MAX_LOG_BYTES_PER_CALL);
        this.maxLogLineBytes = limits.intValue(Limit.MAX_LOG_LINE_BYTES);
        this.maxWrites = limits.intValue(Limit.MAX_WRITES_PER_CALL);
        this.maxWriteBytes = limits.get(Limit.MAX_WRITE_BYTES_PER_CALL);
    }

    /** Starts a call into the guest: its budgets start again. */
    void begin() {
        logBytes = 0;
        logSpent = false;
        writes = 0;
        writeBytes = 0;
    }

    /** @return whether the call's log budget is spent: its further lines are dropped unread */
    boolean logSpent() {
        return logSpent;
    }

    /**
     * Counts a log line against the budget.
     *
     * @param fullBytes the line's length before any cut (it is counted as cut)
     * @return true if it may be logged; false if it would pass the budget, which is then spent
     */
    boolean admitLogLine(long fullBytes) {
        long bytes = Math.min(fullBytes, maxLogLineBytes) + LOG_LINE_OVERHEAD;
        if (logBytes + bytes > maxLogBytes) {
            logSpent = true;
            return false;
        }
        logBytes += bytes;
        return true;
    }

    /** Counts a write against the call's budget, or fails naming the limit it would pass. */
    void countWrite(String call, long bytes) {
        if (writes >= maxWrites) {
            throw new AbiViolationException(
                    call + ": more than " + limits.limitOf(Limit.MAX_WRITES_PER_CALL) + " in one call");
        }
        if (writeBytes + bytes > maxWriteBytes) {
            throw new AbiViolationException(call + ": " + (writeBytes + bytes)
                    + " bytes written in one call, more than " + limits.limitOf(Limit.MAX_WRITE_BYTES_PER_CALL));
        }
        writes++;
        writeBytes += bytes;
    }
}
