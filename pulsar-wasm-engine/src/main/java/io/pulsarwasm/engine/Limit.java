package io.pulsarwasm.engine;

/**
 * One bound on what a guest may make the host hold or do, with its user config key, its default
 * and the range a user may set it in. {@link Limits} holds a value for each; a loader's instances
 * get the limits it was made with.
 *
 * <p>What happens past a limit: at load (module, code, functions, globals, memories, tables) the
 * module is refused; {@code memory.grow} and {@code table.grow} return -1; log lines are cut or
 * dropped, and say so; any other host call past its limit fails the call into the guest, which
 * fails the message and discards the instance, like a trap. "Per call" means per call into the
 * guest: the start function, {@code init}, each {@code process}, {@code close}.
 *
 * <p>The defaults are chosen for code written by someone else; the limits table (docs/limits.md) and the
 * PIP's Security section list what each costs the host.
 */
public enum Limit {

    /**
     * Wasm pages (64 KiB) of all the guest's memories together; {@code memory.grow} past it returns -1.
     * At most 32767 pages (2 GiB), Endive's largest memory.
     */
    MAX_MEMORY_PAGES("wasm.max-memory-pages", 256, 1, 32767, Unit.PAGES),
    /** Memories a module may declare (multi-memory); the ABI uses the first. */
    MAX_MEMORIES("wasm.max-memories", 4, 1, 100, Unit.of("memories")),
    /** Tables a module may declare. */
    MAX_TABLES("wasm.max-tables", 16, 0, 1000, Unit.of("tables")),
    /** Elements of all the guest's tables together; {@code table.grow} past it returns -1. */
    MAX_TABLE_ELEMENTS("wasm.max-table-elements", 100_000, 0, 10_000_000, Unit.of("table elements")),
    /** Globals a module may define. */
    MAX_GLOBALS("wasm.max-globals", 10_000, 0, 1_000_000, Unit.of("globals")),
    /** Functions a module may define: each becomes compiled code. */
    MAX_FUNCTIONS("wasm.max-functions", 20_000, 1, 1_000_000, Unit.of("functions")),
    /** Size of a module's code section: what the compiler works through. */
    MAX_CODE_BYTES("wasm.max-code-bytes", 4 << 20, 1, 1 << 30, Unit.BYTES),
    /** Size of a module file, read no further than this. */
    MAX_MODULE_BYTES("wasm.max-module-bytes", 16 << 20, 8, 1 << 30, Unit.BYTES),
    /** Connect and read timeout when {@code wasm.module} is a URL. */
    MODULE_TIMEOUT_MS("wasm.module-timeout-ms", 30_000, 1, 3_600_000, Unit.MILLISECONDS),
    /** Wall-clock time of one call into the guest, and of every wait the host does for it. */
    TIMEOUT_MS("wasm.timeout-ms", 5000, 1, 3_600_000, Unit.MILLISECONDS),
    /** Largest output a guest may set. */
    MAX_OUTPUT_BYTES("wasm.max-output-bytes", 5 << 20, 0, Integer.MAX_VALUE, Unit.BYTES),
    /** Largest value one host call returns into the guest. */
    MAX_HOST_DATA_BYTES("wasm.max-host-data-bytes", 5 << 20, 0, Integer.MAX_VALUE, Unit.BYTES),
    /**
     * Log bytes (log calls and WASI stdout/stderr) one call may write, each line counting 64 bytes
     * more than its text for the log's own framing; further lines are dropped, once said.
     */
    MAX_LOG_BYTES_PER_CALL("wasm.max-log-bytes-per-call", 1 << 20, 0, Integer.MAX_VALUE, Unit.BYTES),
    /** Longest log line; a longer one is cut, and says so. */
    MAX_LOG_LINE_BYTES("wasm.max-log-line-bytes", 8192, 16, 1 << 24, Unit.BYTES),
    /** Writes (publishes, state puts and deletes, counter increments) one call may make. */
    MAX_WRITES_PER_CALL("wasm.max-writes-per-call", 1000, 0, 1_000_000, Unit.of("writes")),
    /** Bytes of published values and state values one call may write. */
    MAX_WRITE_BYTES_PER_CALL("wasm.max-write-bytes-per-call", 16 << 20, 0, Integer.MAX_VALUE, Unit.BYTES),
    /** Records in one window a window function's guest is given ({@link WindowInput}). */
    MAX_WINDOW_RECORDS("wasm.max-window-records", 10_000, 1, 10_000_000, Unit.of("records")),
    /** Bytes of one window's encoding ({@link WindowInput}) a window function's guest is given. */
    MAX_WINDOW_BYTES("wasm.max-window-bytes", 4 << 20, 16, Integer.MAX_VALUE, Unit.BYTES),
    /** Longest state key, counter key, topic, metric name or WASI path. */
    MAX_KEY_BYTES("wasm.max-key-bytes", 1024, 1, 1 << 20, Unit.BYTES),
    /** Largest value a guest may put into state. */
    MAX_STATE_VALUE_BYTES("wasm.max-state-value-bytes", 1 << 20, 0, Integer.MAX_VALUE, Unit.BYTES),
    /** Distinct metric names a function instance's guests may record, across recycled guest instances. */
    MAX_METRIC_NAMES("wasm.max-metric-names", 100, 0, 100_000, Unit.of("metric names")),
    /** Distinct topics a function instance's guests may publish to (Pulsar keeps a producer for each). */
    MAX_PUBLISH_TOPICS("wasm.max-publish-topics", 100, 0, 100_000, Unit.of("topics")),
    /** Bytes of the in-memory file system that holds private copies of WASI directories and what the guest writes there. */
    WASI_MAX_FS_BYTES("wasm.wasi.max-fs-bytes", 16 << 20, 65536, 1 << 30, Unit.BYTES),
    /**
     * Files and directories in the private copies of WASI directories, those copied included;
     * creating one more fails with {@code ENOSPC}.
     */
    WASI_MAX_FILES("wasm.wasi.max-files", 10_000, 1, 1_000_000, Unit.of("files and directories")),
    /** Files and directories a WASI guest may hold open at once. */
    WASI_MAX_OPEN_FILES("wasm.wasi.max-open-files", 64, 0, 100_000, Unit.of("open files"));

    private final String key;
    private final long defaultValue;
    private final long min;
    private final long max;
    private final Unit unit;

    Limit(String key, long defaultValue, long min, long max, Unit unit) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.unit = unit;
    }

    /** @return the user config key, e.g. {@code wasm.max-memory-pages} */
    public String key() {
        return key;
    }

    /** @return the value when the user config does not set one */
    public long defaultValue() {
        return defaultValue;
    }

    /** @return the smallest value a user may set */
    public long min() {
        return min;
    }

    /** @return the largest value a user may set */
    public long max() {
        return max;
    }

    /**
     * A value of this limit as messages show it.
     *
     * @param value a value
     * @return e.g. {@code 256 pages (16 MiB)}, {@code 5000 ms}, {@code 1024 bytes}, {@code 100 metric names}
     */
    public String describe(long value) {
        return unit.describe(value);
    }

    /**
     * The end of an error message for this limit.
     *
     * @param value the limit in force
     * @return e.g. {@code the limit of 1024 bytes (user config wasm.max-key-bytes)}
     */
    public String limitOf(long value) {
        return "the limit of " + describe(value) + " (user config " + key + ")";
    }

    /** How a limit's values read. */
    private record Unit(String noun) {
        static final Unit BYTES = new Unit("bytes");
        static final Unit MILLISECONDS = new Unit("ms");
        static final Unit PAGES = new Unit("pages");

        static Unit of(String noun) {
            return new Unit(noun);
        }

        String describe(long value) {
            if (this == PAGES) {
                long kib = value * 64;
                return value + " pages (" + (kib % 1024 == 0 ? kib / 1024 + " MiB" : kib + " KiB") + ")";
            }
            return value + " " + noun;
        }
    }
}
