package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import run.endive.runtime.Memory;
import run.endive.runtime.WasmRuntimeException;
import run.endive.wasm.types.MemoryLimits;

/**
 * The JavaScript engine's memory, against the WebAssembly rules it stands in for: little-endian
 * values, every access past the end a trap with Endive's text, growth within the maximum only, and
 * the new pages zeroed. Expected bytes come from {@link ByteBuffer}, not from the memory.
 */
class FlatMemoryTest {

    private static final int PAGE = 64 * 1024;

    @Test
    void valuesAreStoredLittleEndianAtAnyAlignment() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 2));
        memory.writeI32(1, 0x01020304);
        memory.writeLong(11, 0x0102030405060708L);
        memory.writeShort(23, (short) 0xA1B2);
        memory.writeF64(31, Math.PI);
        memory.writeF32(43, -1.5f);
        ByteBuffer expected = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(1, 0x01020304)
                .putLong(11, 0x0102030405060708L)
                .putShort(23, (short) 0xA1B2)
                .putDouble(31, Math.PI)
                .putFloat(43, -1.5f);
        assertArrayEquals(expected.array(), memory.readBytes(0, 48));
        assertEquals(0x01020304, memory.readInt(1));
        assertEquals(0x0102030405060708L, memory.readLong(11));
        assertEquals((short) 0xA1B2, memory.readShort(23));
        assertEquals(0xA1B2L, memory.readU16(23));
        assertEquals(Math.PI, memory.readDouble(31));
        assertEquals(Double.doubleToRawLongBits(Math.PI), memory.readF64(31));
        assertEquals(-1.5f, memory.readFloat(43));
        assertEquals(Float.floatToRawIntBits(-1.5f), memory.readF32(43));
        assertEquals((byte) 0x04, memory.read(1));
    }

    @Test
    void theLastBytesAreReachableAndOnePastThemTraps() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 1));
        memory.writeLong(PAGE - 8, -1L);
        memory.writeByte(PAGE - 9, (byte) 5);
        assertEquals(-1L, memory.readLong(PAGE - 8));
        assertEquals(-1, memory.readInt(PAGE - 4));
        assertEquals(5, memory.read(PAGE - 9));
        List<Consumer<Memory>> pastTheEnd = List.of(
                m -> m.read(PAGE),
                m -> m.writeByte(PAGE, (byte) 1),
                m -> m.readShort(PAGE - 1),
                m -> m.writeShort(PAGE - 1, (short) 1),
                m -> m.readInt(PAGE - 3),
                m -> m.writeI32(PAGE - 3, 1),
                m -> m.readLong(PAGE - 7),
                m -> m.writeLong(PAGE - 7, 1L),
                m -> m.readFloat(PAGE - 3),
                m -> m.writeF32(PAGE - 3, 1f),
                m -> m.readDouble(PAGE - 7),
                m -> m.writeF64(PAGE - 7, 1d),
                m -> m.readInt(-1),
                m -> m.readInt(Integer.MIN_VALUE));
        for (Consumer<Memory> access : pastTheEnd) {
            WasmRuntimeException trap = assertThrows(WasmRuntimeException.class, () -> access.accept(memory));
            assertEquals(
                    true,
                    trap.getMessage().startsWith("out of bounds memory access: attempted to access address: "),
                    trap.getMessage());
        }
        WasmRuntimeException trap = assertThrows(WasmRuntimeException.class, () -> memory.readInt(PAGE - 3));
        assertEquals(
                "out of bounds memory access: attempted to access address: 65533 but limit is: 65536 and size: 4",
                trap.getMessage());
        // nothing was written by the refused stores
        assertEquals(-1L, memory.readLong(PAGE - 8));
    }

    @Test
    void bulkOperationsAreCheckedWholeBeforeAnyByteMoves() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 1));
        byte[] data = {1, 2, 3, 4};
        assertThrows(WasmRuntimeException.class, () -> memory.write(PAGE - 3, data, 0, 4));
        assertThrows(WasmRuntimeException.class, () -> memory.write(0, data, 2, 3));
        assertThrows(WasmRuntimeException.class, () -> memory.readBytes(PAGE - 3, 4));
        assertThrows(WasmRuntimeException.class, () -> memory.fill((byte) 9, PAGE - 3, PAGE + 1));
        assertThrows(WasmRuntimeException.class, () -> memory.copy(PAGE - 3, 0, 4));
        assertThrows(WasmRuntimeException.class, () -> memory.copy(0, PAGE - 3, 4));
        assertThrows(WasmRuntimeException.class, () -> memory.readBytes(-1, 2));
        assertArrayEquals(new byte[4], memory.readBytes(PAGE - 4, 4));
        memory.write(PAGE - 4, data, 0, 4);
        assertArrayEquals(data, memory.readBytes(PAGE - 4, 4));
        assertArrayEquals(new byte[0], memory.readBytes(PAGE, 0));
    }

    @Test
    void copyHandlesOverlapInBothDirectionsAndFillCoversItsRange() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 1));
        memory.write(10, new byte[] {1, 2, 3, 4, 5}, 0, 5);
        memory.copy(12, 10, 5);
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5}, memory.readBytes(10, 7));
        memory.copy(10, 12, 5);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 4, 5}, memory.readBytes(10, 7));
        memory.fill((byte) 7, 11, 14);
        assertArrayEquals(new byte[] {1, 7, 7, 7, 5, 4, 5}, memory.readBytes(10, 7));
        memory.zero();
        assertArrayEquals(new byte[7], memory.readBytes(10, 7));
    }

    @Test
    void growthKeepsTheContentZeroesTheNewPagesAndStopsAtTheMaximum() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 3));
        memory.writeI32(PAGE - 4, 42);
        assertEquals(1, memory.grow(0));
        assertEquals(1, memory.grow(1));
        assertEquals(2, memory.pages());
        assertEquals(42, memory.readInt(PAGE - 4));
        assertArrayEquals(new byte[PAGE], memory.readBytes(PAGE, PAGE));
        assertEquals(-1, memory.grow(2));
        assertEquals(-1, memory.grow(-1));
        assertEquals(2, memory.pages());
        assertThrows(WasmRuntimeException.class, () -> memory.read(2 * PAGE));
        assertEquals(2, memory.grow(1));
        assertEquals(3, memory.pages());
        memory.writeByte(3 * PAGE - 1, (byte) 1);
        assertEquals(-1, memory.grow(1));
        assertEquals(1, memory.initialPages());
        assertEquals(3, memory.maximumPages());
    }

    @Test
    void itIsNeverSharedAndWaitingOnItTraps() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 1));
        assertFalse(memory.shared());
        assertEquals(
                "expected shared memory",
                assertThrows(WasmRuntimeException.class, () -> memory.waitOn(0, 0, 1L))
                        .getMessage());
        assertEquals(0, memory.notify(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new FlatMemory(new MemoryLimits(1, 1, true)));
        // the atomics Endive's interface defines over plain accesses work on it
        memory.atomicWriteInt(8, 5);
        assertEquals(5, memory.atomicAddInt(8, 2));
        assertEquals(7, memory.readInt(8));
    }
}
