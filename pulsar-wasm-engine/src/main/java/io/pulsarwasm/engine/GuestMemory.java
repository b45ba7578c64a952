package io.pulsarwasm.engine;

import java.nio.charset.CharacterCodingException;
import run.endive.runtime.ExportFunction;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;

/**
 * Bounds-checked access to one guest's linear memory. Every pointer and length a guest passes goes
 * through here, so a bad one becomes an {@link AbiViolationException} naming the host call, never
 * a host crash.
 */
final class GuestMemory {

    private final Instance instance;
    private ExportFunction alloc;
    private final long[] allocArgument = new long[1];

    public GuestMemory(Instance instance) {
        this.instance = instance;
    }

    public byte[] read(String call, int ptr, int len) {
        Memory memory = instance.memory();
        checkBounds(call, memory, ptr, len);
        return memory.readBytes(ptr, len);
    }

    /**
     * Reads at most {@code max} bytes of a range that must lie wholly in guest memory, cut back to a
     * UTF-8 character boundary when shortened; invalid UTF-8 is replaced rather than refused, for log text.
     */
    public String readUtf8Prefix(String call, int ptr, int len, int max) {
        Memory memory = instance.memory();
        checkBounds(call, memory, ptr, len);
        int end = Math.min(len, max);
        if (end < len) {
            while (end > 0 && (memory.read(ptr + end) & 0xC0) == 0x80) {
                end--;
            }
        }
        return new String(memory.readBytes(ptr, end), java.nio.charset.StandardCharsets.UTF_8);
    }

    public String readUtf8(String call, int ptr, int len) {
        return utf8(call, ptr, read(call, ptr, len));
    }

    /** Decodes bytes read from guest address {@code ptr} as strict UTF-8, naming where they were when they are not. */
    public static String utf8(String call, int ptr, byte[] bytes) {
        try {
            return Abi.strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new AbiViolationException(call + ": the " + bytes.length + " bytes at guest address "
                    + Integer.toUnsignedString(ptr) + " are not valid UTF-8");
        }
    }

    public static String decodeUtf8(byte[] bytes, String call, String what) {
        try {
            return Abi.strictUtf8(bytes);
        } catch (CharacterCodingException e) {
            throw new AbiViolationException(call + ": " + what + " are not valid UTF-8");
        }
    }

    /**
     * Copies {@code data} into memory the guest allocates with its {@code alloc} export and returns
     * the address; the guest owns that memory afterwards.
     */
    public int writeAllocated(String call, byte[] data) {
        if (alloc == null) {
            alloc = instance.export(Abi.ALLOC);
        }
        allocArgument[0] = data.length;
        int ptr = (int) alloc.apply(allocArgument)[0];
        Memory memory = instance.memory();
        if (outside(memory, ptr, data.length)) {
            throw outOfBounds(
                    call + " (the guest's alloc returned " + Integer.toUnsignedString(ptr) + ")",
                    memory,
                    ptr,
                    data.length);
        }
        memory.write(ptr, data);
        return ptr;
    }

    /** Copies {@code data} to guest address {@code ptr}, which must hold all of it. */
    public void write(String call, int ptr, byte[] data) {
        Memory memory = instance.memory();
        checkBounds(call, memory, ptr, data.length);
        memory.write(ptr, data);
    }

    private static void checkBounds(String call, Memory memory, int ptr, int len) {
        if (outside(memory, ptr, len)) {
            throw outOfBounds(call, memory, ptr, len);
        }
    }

    private static boolean outside(Memory memory, int ptr, int len) {
        return Integer.toUnsignedLong(ptr) + Integer.toUnsignedLong(len) > (long) memory.pages() * Memory.PAGE_SIZE;
    }

    private static AbiViolationException outOfBounds(String call, Memory memory, int ptr, int len) {
        long start = Integer.toUnsignedLong(ptr);
        return new AbiViolationException(call + ": guest range [" + start + ", " + (start + Integer.toUnsignedLong(len))
                + ") is outside guest memory of " + (long) memory.pages() * Memory.PAGE_SIZE + " bytes");
    }
}
