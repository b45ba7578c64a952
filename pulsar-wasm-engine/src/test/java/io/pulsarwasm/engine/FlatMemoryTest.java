package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import run.endive.runtime.ByteArrayMemory;
import run.endive.runtime.Memory;
import run.endive.runtime.WasmRuntimeException;
import run.endive.wasm.WasmEngineException;
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
        // as Endive words it: a load across the end names the first byte past it
        WasmRuntimeException trap = assertThrows(WasmRuntimeException.class, () -> memory.readInt(PAGE - 3));
        assertEquals(
                "out of bounds memory access: attempted to access address: 65536 but limit is: 65536 and size: 1",
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
    void itIsNeverSharedAndWaitingOnItFailsAsOnEndivesMemories() {
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 1));
        assertFalse(memory.shared());
        assertEquals(
                "Attempt to wait on a non-shared memory, not supported.",
                assertThrows(WasmEngineException.class, () -> memory.waitOn(0, 0, 1L))
                        .getMessage());
        assertEquals(0, memory.notify(0, 1));
        assertEquals(0, memory.notify(PAGE * 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new FlatMemory(new MemoryLimits(1, 1, true)));
        // the atomics Endive's interface defines over plain accesses work on it
        memory.atomicWriteInt(8, 5);
        assertEquals(5, memory.atomicAddInt(8, 2));
        assertEquals(7, memory.readInt(8));
    }

    @Test
    void aGrowTheHeapCannotHoldIsRefusedAndTheMemoryIsUnchanged() {
        // the key's maximum: 2 GiB, more than this module's tests' heap (-Xmx512m) holds beside the copy
        FlatMemory memory = new FlatMemory(new MemoryLimits(1, 32767));
        memory.writeI32(0, 99);
        assertEquals(-1, memory.grow(32766));
        assertEquals(1, memory.pages());
        assertEquals(99, memory.readInt(0));
        // said once, for the guest's failure that follows
        assertEquals(
                " (the JVM's heap could not hold the guest's memory grown to 32767 pages (2097088 KiB), below its limit:"
                        + " growing copies it, so for a moment the heap needs it twice; give the instance more heap"
                        + " (--ram), or lower user config wasm.max-memory-pages)",
                FlatMemory.heapRefusal(memory));
        assertEquals("", FlatMemory.heapRefusal(memory));
        assertEquals(1, memory.grow(1));
        assertEquals("", FlatMemory.heapRefusal(memory));
    }

    /**
     * The same 20,000 random operations on this memory and on Endive's {@code ByteArrayMemory},
     * addresses clustered around the ends of the memory: every value read is the same, every
     * operation one refuses the other refuses with the same exception and the same words.
     */
    @Test
    void behavesAsEndivesMemoryOperationByOperation() {
        Random random = new Random(20261207L);
        MemoryLimits limits = new MemoryLimits(1, 3);
        FlatMemory flat = new FlatMemory(limits);
        ByteArrayMemory endive = new ByteArrayMemory(limits);
        for (int i = 0; i < 20_000; i++) {
            int size = flat.pages() * PAGE;
            int address = switch (random.nextInt(4)) {
                case 0 -> size - 1 - random.nextInt(16);
                case 1 -> size + random.nextInt(16) - 8;
                case 2 -> random.nextInt(size);
                default -> random.nextInt(64) - 32;
            };
            int length = random.nextInt(20) - 2;
            long value = random.nextLong();
            int op = random.nextInt(21);
            Outcome expected = Outcome.of(() -> apply(endive, op, address, length, value));
            Outcome actual = Outcome.of(() -> apply(flat, op, address, length, value));
            String what = "operation " + op + " at " + address + " (" + length + ") on " + size + " bytes";
            assertEquals(
                    expected.failure() == null ? null : expected.failure().getClass(),
                    actual.failure() == null ? null : actual.failure().getClass(),
                    what);
            if (expected.failure() == null) {
                assertEquals(expected.value(), actual.value(), what);
            } else {
                assertEquals(expected.failure().getMessage(), actual.failure().getMessage(), what);
            }
        }
        assertArrayEquals(endive.readBytes(0, endive.pages() * PAGE), flat.readBytes(0, flat.pages() * PAGE));
    }

    private record Outcome(Object value, RuntimeException failure) {
        static Outcome of(java.util.function.Supplier<Object> operation) {
            try {
                return new Outcome(operation.get(), null);
            } catch (RuntimeException e) {
                return new Outcome(null, e);
            }
        }
    }

    private static Object apply(Memory memory, int op, int address, int length, long value) {
        switch (op) {
            case 0 -> {
                return memory.read(address);
            }
            case 1 -> memory.writeByte(address, (byte) value);
            case 2 -> {
                return memory.readU16(address);
            }
            case 3 -> memory.writeShort(address, (short) value);
            case 4 -> {
                return memory.readInt(address);
            }
            case 5 -> memory.writeI32(address, (int) value);
            case 6 -> {
                return memory.readLong(address);
            }
            case 7 -> memory.writeLong(address, value);
            case 8 -> {
                return memory.readF32(address);
            }
            case 9 -> {
                return memory.readF64(address);
            }
            case 10 -> {
                return List.of(memory.readBytes(address, length)).stream()
                        .map(java.util.Arrays::toString)
                        .findFirst()
                        .orElseThrow();
            }
            case 11 -> memory.write(address, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, length);
            case 12 -> memory.fill((byte) value, address, address + length);
            case 13 -> memory.copy(address, (int) (value & 0xFFFF), length);
            case 14 -> memory.copy((int) (value & 0xFFFF), address, length);
            case 15 -> {
                return value % 50 == 0 ? memory.grow(length % 3) : memory.pages();
            }
            case 16 -> {
                return memory.notify(address, 1);
            }
            case 17 -> {
                return memory.readFloat(address);
            }
            case 18 -> {
                return memory.readDouble(address);
            }
            case 19 -> memory.writeF32(address, Float.intBitsToFloat((int) value));
            default -> memory.writeF64(address, Double.longBitsToDouble(value));
        }
        return "done";
    }
}
