package io.pulsarwasm.engine.internal;

import run.endive.runtime.ExportFunction;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import java.nio.charset.CharacterCodingException;

/**
 * Bounds-checked access to one guest's linear memory. Every pointer and length a guest passes goes
 * through here, so a bad one becomes an {@link AbiViolationException} naming the host call, never
 * a host crash.
 */
public final class GuestMemory {

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

    public String readUtf8(String call, int ptr, int len) {
        return decodeUtf8(read(call, ptr, len), call, "the " + len + " bytes at guest address " + Integer.toUnsignedString(ptr));
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
        checkBounds(call + " (the guest's alloc returned " + Integer.toUnsignedString(ptr) + ")", memory, ptr, data.length);
        memory.write(ptr, data);
        return ptr;
    }

    private static void checkBounds(String call, Memory memory, int ptr, int len) {
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        long start = Integer.toUnsignedLong(ptr);
        long end = start + Integer.toUnsignedLong(len);
        if (end > size) {
            throw new AbiViolationException(call + ": guest range [" + start + ", " + end
                    + ") is outside guest memory of " + size + " bytes");
        }
    }
}
