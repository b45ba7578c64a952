package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import run.endive.runtime.HostFunction;
import run.endive.runtime.Instance;

/**
 * The host calls as a wasm module imports them: one {@link HostFunction} per {@link HostImport},
 * whose arguments are read from the guest's memory and whose results are written there (from the
 * guest's {@code alloc}), each run by {@link HostCalls#call}. A {@code try_} import runs the call
 * it recovers under {@link Recovery#recoverable}.
 */
final class WasmImports implements CallResults<long[]> {

    private final HostCalls calls;
    private final ValueLimits bounds;
    private GuestMemory memory;
    private final GuestArguments idle = new GuestArguments();
    // the last text each import got as its first argument: the same bytes give the same String,
    // neither decoded nor hashed anew (a publish's topic, whose producer lookup needs its hash)
    private final byte[][] lastBytes = new byte[HostImport.values().length][];
    private final String[] lastText = new String[HostImport.values().length];

    private final CommandChannel channel;
    private final boolean holdsResults;
    /** The value the latest data-returning call held for {@code take_result}, or null. */
    private byte[] held;

    WasmImports(HostCalls calls) {
        this(calls, null, false);
    }

    /**
     * @param channel the command entry's hand-off, served through {@code next_input}; null for a module with {@code process}
     * @param holdsResults whether data-returning calls hold their value for {@code take_result} instead of writing it where {@code alloc} says
     */
    WasmImports(HostCalls calls, CommandChannel channel, boolean holdsResults) {
        this.calls = calls;
        this.bounds = calls.bounds();
        this.channel = channel;
        this.holdsResults = holdsResults;
    }

    /** @return the host functions to link into a guest instance, one per {@link HostImport} */
    HostFunction[] functions() {
        return Arrays.stream(HostImport.values())
                .map(call -> new HostFunction(
                        Abi.IMPORT_MODULE,
                        call.importName(),
                        call.type(),
                        (instance, args) -> dispatch(call, instance, args)))
                .toArray(HostFunction[]::new);
    }

    private long[] dispatch(HostImport call, Instance instance, long[] args) {
        if (memory == null) {
            memory = new GuestMemory(instance);
        }
        if (call == HostImport.NEXT_INPUT || call == HostImport.TAKE_RESULT) {
            return entryCall(call, args);
        }
        HostImport run = call.recovers() == null ? call : call.recovers();
        String name = run.qualifiedName();
        Recovery recovery = calls.recovery();
        // one set of arguments reused call after call; a call nested in another (from the guest's alloc) gets its own
        GuestArguments arguments = idle.inUse ? new GuestArguments() : idle;
        arguments.use(run, name, args);
        recovery.enter();
        try {
            return call.recovers() == null
                    ? calls.call(run, name, arguments, this)
                    : recovery.recoverable(
                            run.result() == HostImport.Result.NONE,
                            () -> calls.call(run, name, arguments, this),
                            fallback(run));
        } catch (Exception e) {
            throw Recovery.named(call.qualifiedName(), e);
        } finally {
            recovery.exit();
            arguments.inUse = false;
        }
    }

    /** {@code next_input} and {@code take_result}: the command entry's hand-off, and held values. */
    private long[] entryCall(HostImport call, long[] args) {
        String name = call.qualifiedName();
        if (call == HostImport.TAKE_RESULT) {
            if (held == null) {
                throw new AbiViolationException(name + ": no value is held (take_result follows a call that returned "
                        + "a value's length, once)");
            }
            byte[] value = held;
            held = null;
            memory.write(name, (int) args[0], value);
            return null;
        }
        if (channel == null) {
            throw new AbiViolationException(name + ": the module has a process export; next_input is for WASI "
                    + "commands (a module exporting _start and no process)");
        }
        byte[] input = channel.next((int) args[0]);
        if (input == null) {
            return new long[] {Abi.ABSENT};
        }
        held = input;
        return new long[] {Abi.pack(0, input.length)};
    }

    /** What a {@code try_} call returns when it recovers: nothing, absent, or zero. */
    private static long[] fallback(HostImport call) {
        return switch (call.result()) {
            case NONE -> null;
            case TEXT, BYTES, MAP, OPTIONAL_I64 -> new long[] {Abi.ABSENT};
            case I32, I64 -> new long[] {0};
        };
    }

    @Override
    public long[] none() {
        return null;
    }

    @Override
    public long[] text(String call, Optional<String> value) {
        return bytes(call, value.map(text -> text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public long[] bytes(String call, Optional<byte[]> value) {
        if (value.isEmpty()) {
            return new long[] {Abi.ABSENT};
        }
        byte[] data = value.get();
        bounds.checkHostData(call, data.length);
        if (holdsResults) {
            held = data;
            return new long[] {Abi.pack(0, data.length)};
        }
        return new long[] {Abi.pack(memory.writeAllocated(call, data), data.length)};
    }

    @Override
    public long[] map(String call, Map<String, String> value) {
        return bytes(call, Optional.of(StringMapCodec.encode(value)));
    }

    @Override
    public long[] number(long value) {
        return new long[] {value};
    }

    @Override
    public long[] optionalNumber(OptionalLong value) {
        return new long[] {value.orElse(Abi.ABSENT)};
    }

    /** A call's arguments: its wasm arguments, with text, bytes and maps in guest memory. */
    private final class GuestArguments implements CallArguments {
        private HostImport call;
        private String name;
        private long[] args;
        private boolean inUse;

        void use(HostImport call, String name, long[] args) {
            this.call = call;
            this.name = name;
            this.args = args;
            this.inUse = true;
        }

        private int ptr(int at) {
            return (int) args[call.slot(at)];
        }

        private int len(int at) {
            return (int) args[call.slot(at) + 1];
        }

        @Override
        public int i32(int at) {
            return (int) args[call.slot(at)];
        }

        @Override
        public long i64(int at) {
            return args[call.slot(at)];
        }

        @Override
        public double f64(int at) {
            return Double.longBitsToDouble(args[call.slot(at)]);
        }

        @Override
        public String text(int at) {
            bounds.checkKeyLength(name, call.params().get(at).what(), Integer.toUnsignedLong(len(at)));
            if (at != 0) {
                return memory.readUtf8(name, ptr(at), len(at));
            }
            byte[] bytes = memory.read(name, ptr(at), len(at));
            int slot = call.ordinal();
            if (!Arrays.equals(bytes, lastBytes[slot])) {
                lastText[slot] = GuestMemory.utf8(name, ptr(at), bytes);
                lastBytes[slot] = bytes;
            }
            return lastText[slot];
        }

        @Override
        public String optionalText(int at) {
            return len(at) == -1 ? null : text(at);
        }

        @Override
        public ValueLimits.Line line(int at) {
            long length = Integer.toUnsignedLong(len(at));
            String text = length <= bounds.maxLogLineBytes()
                    ? memory.readUtf8(name, ptr(at), len(at))
                    : memory.readUtf8Prefix(name, ptr(at), len(at), bounds.maxLogLineBytes());
            return new ValueLimits.Line(text, length);
        }

        @Override
        public long length(int at) {
            return Integer.toUnsignedLong(len(at));
        }

        @Override
        public byte[] bytes(int at) {
            return memory.read(name, ptr(at), len(at));
        }

        @Override
        public Map<String, String> map(int at) {
            return StringMapCodec.decode(memory.read(name, ptr(at), len(at)), name);
        }
    }
}
