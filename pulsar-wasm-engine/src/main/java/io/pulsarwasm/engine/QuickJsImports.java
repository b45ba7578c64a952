package io.pulsarwasm.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import run.endive.runtime.HostFunction;
import run.endive.runtime.Memory;
import run.endive.runtime.WasmFunctionHandle;
import run.endive.wasm.WasmModule;
import run.endive.wasm.types.FunctionImport;
import run.endive.wasm.types.FunctionType;

/**
 * What the JavaScript engine imports besides its memory: the few C library services emscripten
 * leaves to its host, and quickjs-emscripten's callbacks. The engine gets a clock and a growing
 * heap within its memory budget, writes to its standard streams (kept for error messages), and one
 * callback, host functions; nothing else (no files, no environment, no timers, no module loader,
 * no exit). Each import is named by what it does in {@code quickjs-ng.imports}, generated from the
 * checked list in {@code pulsar-wasm-engine/src/main/quickjs/imports.txt}.
 */
final class QuickJsImports {

    private static final Map<String, String> NAMES = QuickJs.importNames();
    /** What a host function without results returns. */
    private static final long[] NONE = null;
    /** WASI's errno values, as the engine's C library reads them: invalid argument, not supported, not seekable. */
    private static final int EINVAL = 28;

    private static final int ENOSYS = 52;
    private static final int ESPIPE = 70;

    /** The engine's call into the host: {@code (context, this, argc, argv, id) -> JSValue*}. */
    interface HostCallback {
        int call(int context, int thisValue, int count, int arguments, int id);
    }

    private final HostCallback callback;
    private final OutputStream errors;
    private final int maxPages;

    /**
     * @param errors where the engine's standard output and error go (kept for error messages)
     * @param maxPages the memory the heap may grow to
     */
    QuickJsImports(HostCallback callback, OutputStream errors, int maxPages) {
        this.callback = callback;
        this.errors = errors;
        this.maxPages = maxPages;
    }

    /** @return a host function for every function the module imports */
    HostFunction[] functions(WasmModule module) {
        List<HostFunction> functions = new ArrayList<>();
        module.importSection().stream()
                .filter(FunctionImport.class::isInstance)
                .map(FunctionImport.class::cast)
                .forEach(imported -> {
                    FunctionType type = module.typeSection().getType(imported.typeIndex());
                    String meaning = NAMES.getOrDefault(imported.name(), imported.name());
                    functions.add(new HostFunction(imported.module(), imported.name(), type, handle(meaning)));
                });
        return functions.toArray(HostFunction[]::new);
    }

    private WasmFunctionHandle handle(String meaning) {
        return switch (meaning) {
            case "host_call_function" ->
                (instance, args) -> new long[] {
                    callback.call((int) args[0], (int) args[1], (int) args[2], (int) args[3], (int) args[4])
                };
            case "resize_heap" -> (instance, args) -> new long[] {grow(instance.memory(), args[0]) ? 1 : 0};
            case "date_now" -> (instance, args) -> new long[] {Double.doubleToRawLongBits(System.currentTimeMillis())};
            case "clock_time_get" ->
                (instance, args) -> new long[] {clock(instance.memory(), (int) args[0], (int) args[2])};
            case "fd_write" -> (instance, args) -> new long[] {write(instance.memory(), args)};
            case "fd_close" -> (instance, args) -> new long[] {ENOSYS};
            case "fd_seek" -> (instance, args) -> new long[] {ESPIPE};
            case "environ_sizes_get" ->
                (instance, args) -> {
                    instance.memory().writeI32((int) args[0], 0);
                    instance.memory().writeI32((int) args[1], 0);
                    return new long[] {0};
                };
            case "environ_get", "setitimer", "host_interrupt", "host_load_module", "host_normalize_module" ->
                (instance, args) -> new long[] {0};
            case "localtime" ->
                (instance, args) -> {
                    Utc.tm(instance.memory(), args[0], (int) args[1]);
                    return NONE;
                };
            case "tzset" ->
                (instance, args) -> {
                    Utc.tzset(instance.memory(), (int) args[0], (int) args[1], (int) args[2], (int) args[3]);
                    return NONE;
                };
            case "keepalive_clear", "host_ref_free" -> (instance, args) -> NONE;
            case "assert_fail" ->
                (instance, args) -> {
                    throw new AbiViolationException("the JavaScript engine failed an assertion: "
                            + instance.memory().readCString((int) args[0]) + " at "
                            + instance.memory().readCString((int) args[1]) + ":" + args[2]);
                };
            case "abort" ->
                (instance, args) -> {
                    throw new AbiViolationException("the JavaScript engine aborted");
                };
            case "proc_exit" ->
                (instance, args) -> {
                    throw new AbiViolationException("the JavaScript engine exited with status " + args[0]);
                };
            default ->
                (instance, args) -> {
                    throw new AbiViolationException(
                            "the JavaScript engine called " + meaning + ", which pulsar-wasm does not provide");
                };
        };
    }

    /** emscripten's heap growth: to at least {@code requested} bytes, within the budget. */
    private boolean grow(Memory memory, long requested) {
        long bytes = Integer.toUnsignedLong((int) requested);
        int pages = memory.pages();
        long wanted = (bytes + 65535) / 65536;
        if (wanted <= pages) {
            return true;
        }
        if (wanted > maxPages) {
            return false;
        }
        // as emscripten does, grow by a fifth more than asked when the budget allows, so that a
        // growing heap does not grow page by page
        long generous = Math.min(maxPages, Math.max(wanted, pages + pages / 5));
        return memory.grow((int) (generous - pages)) >= 0 || memory.grow((int) (wanted - pages)) >= 0;
    }

    private static int clock(Memory memory, int id, int out) {
        long nanos;
        switch (id) {
            case 0 -> nanos = System.currentTimeMillis() * 1_000_000L;
            case 1, 2, 3 -> nanos = System.nanoTime();
            default -> {
                return EINVAL;
            }
        }
        memory.writeLong(out, nanos);
        return 0;
    }

    /** {@code fd_write} for stdout and stderr: the bytes go to the kept errors; other descriptors fail. */
    private int write(Memory memory, long[] args) {
        int fd = (int) args[0];
        int iovs = (int) args[1];
        int count = (int) args[2];
        if (fd != 1 && fd != 2) {
            return ENOSYS;
        }
        long written = 0;
        for (int i = 0; i < count; i++) {
            int at = memory.readInt(iovs + 8 * i);
            int length = memory.readInt(iovs + 8 * i + 4);
            byte[] bytes = memory.readBytes(at, length);
            try {
                errors.write(bytes);
            } catch (IOException e) {
                throw new AbiViolationException("the JavaScript engine's output: " + e.getMessage());
            }
            written += length;
        }
        memory.writeI32((int) args[3], (int) written);
        return 0;
    }

    /** The engine's local time is UTC. */
    private static final class Utc {
        private Utc() {}

        /** {@code _localtime_js(time, struct tm*)}: broken-down UTC time. */
        static void tm(Memory memory, long seconds, int tm) {
            java.time.ZonedDateTime t;
            try {
                t = java.time.Instant.ofEpochSecond(seconds).atZone(java.time.ZoneOffset.UTC);
            } catch (java.time.DateTimeException e) {
                t = java.time.Instant.EPOCH.atZone(java.time.ZoneOffset.UTC);
            }
            memory.writeI32(tm, t.getSecond());
            memory.writeI32(tm + 4, t.getMinute());
            memory.writeI32(tm + 8, t.getHour());
            memory.writeI32(tm + 12, t.getDayOfMonth());
            memory.writeI32(tm + 16, t.getMonthValue() - 1);
            memory.writeI32(tm + 20, t.getYear() - 1900);
            memory.writeI32(tm + 24, t.getDayOfWeek().getValue() % 7);
            memory.writeI32(tm + 28, t.getDayOfYear() - 1);
            memory.writeI32(tm + 32, 0);
            memory.writeI32(tm + 36, 0);
        }

        /** {@code _tzset_js(timezone*, daylight*, std_name, dst_name)}: UTC, no daylight saving. */
        static void tzset(Memory memory, int timezone, int daylight, int stdName, int dstName) {
            memory.writeI32(timezone, 0);
            memory.writeI32(daylight, 0);
            byte[] utc = "UTC\0".getBytes(StandardCharsets.US_ASCII);
            memory.write(stdName, utc);
            memory.write(dstName, utc);
        }
    }
}
