package io.pulsarwasm.abi;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Bounds-checked access to a guest's linear memory on behalf of one host call. Every pointer and
 * length a guest passes goes through here, so a bad one becomes an {@link AbiViolationException}
 * naming the host call, never a host crash.
 */
final class GuestMemory {

    private final Instance instance;
    private final String call;

    GuestMemory(Instance instance, String call) {
        this.instance = instance;
        this.call = call;
    }

    byte[] read(int ptr, int len) {
        Memory memory = instance.memory();
        checkBounds(memory, ptr, len);
        return memory.readBytes(ptr, len);
    }

    String readUtf8(int ptr, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(read(ptr, len)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new AbiViolationException(call + ": the " + len + " bytes at guest address "
                    + Integer.toUnsignedString(ptr) + " are not valid UTF-8");
        }
    }

    /**
     * Copies {@code data} into memory the guest allocates with its {@code alloc} export and
     * returns the packed pointer/length; the guest owns that memory afterwards.
     */
    long writeAllocated(byte[] data) {
        int ptr = (int) instance.export(Abi.ALLOC).apply(data.length)[0];
        Memory memory = instance.memory();
        checkBounds(memory, ptr, data.length);
        memory.write(ptr, data);
        return Abi.pack(ptr, data.length);
    }

    private void checkBounds(Memory memory, int ptr, int len) {
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        long start = Integer.toUnsignedLong(ptr);
        long end = start + Integer.toUnsignedLong(len);
        if (end > size) {
            throw new AbiViolationException(call + ": guest range [" + start + ", " + end
                    + ") is outside guest memory of " + size + " bytes");
        }
    }
}
