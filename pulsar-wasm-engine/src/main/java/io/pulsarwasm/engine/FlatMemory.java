package io.pulsarwasm.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import run.endive.runtime.ConstantEvaluators;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import run.endive.runtime.WasmRuntimeException;
import run.endive.wasm.UninstantiableException;
import run.endive.wasm.WasmEngineException;
import run.endive.wasm.types.ActiveDataSegment;
import run.endive.wasm.types.DataSegment;
import run.endive.wasm.types.MemoryLimits;
import run.endive.wasm.types.PassiveDataSegment;

/**
 * A guest's linear memory as one {@code byte[]}: every load and store is one bounds check, which
 * the JIT folds into the access itself. Endive's own memories keep a {@code byte[]} or a buffer
 * per 64 KiB page, so each access also splits the address and checks the page; for an
 * interpreter such as QuickJS, whose every step reads memory, that was most of its time.
 *
 * <p>The price is in growth: {@link #grow} copies the memory into a larger array, so while it
 * does, the heap holds the old size and the new one; where the heap cannot, the grow is refused
 * (as WebAssembly allows) and the memory is unchanged. So it suits a memory that grows seldom and
 * by a good share at a time: the JavaScript engine's, which grows by a fifth more than it asks
 * ({@link QuickJsImports}), and a module's whose limit is small ({@link GuestBudget}).
 *
 * <p>Guests are single-threaded (shared memories are refused at load), so there are no locks.
 * Behaviour, the traps' wording included, is Endive's {@code ByteArrayMemory}'s, which {@code
 * FlatMemoryTest} checks operation by operation.
 */
final class FlatMemory implements Memory {

    private static final VarHandle SHORTS = view(short[].class);
    private static final VarHandle INTS = view(int[].class);
    private static final VarHandle LONGS = view(long[].class);
    private static final VarHandle FLOATS = view(float[].class);
    private static final VarHandle DOUBLES = view(double[].class);

    private final int initialPages;
    private final int maximumPages;
    private byte[] bytes;
    private int pages;
    private DataSegment[] segments = new DataSegment[0];
    /** The pages of the last grow the heap could not hold, until {@link #heapRefusal} reports it; 0 for none. */
    private int heapRefused;

    /**
     * @param limits the initial and maximum pages; the memory starts at its initial size, zeroed
     * @throws IllegalArgumentException if the limits declare a shared memory, or more pages than a
     *     Java array holds
     */
    FlatMemory(MemoryLimits limits) {
        if (limits.shared()) {
            throw new IllegalArgumentException("a flat memory is never shared");
        }
        this.initialPages = limits.initialPages();
        this.maximumPages = Math.min(limits.maximumPages(), Integer.MAX_VALUE / PAGE_SIZE);
        if (initialPages > maximumPages) {
            throw new IllegalArgumentException("initial pages " + initialPages + " exceed the maximum " + maximumPages);
        }
        this.bytes = new byte[initialPages * PAGE_SIZE];
        this.pages = initialPages;
    }

    private static VarHandle view(Class<?> arrayType) {
        return MethodHandles.byteArrayViewVarHandle(arrayType, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int grow(int more) {
        int before = pages;
        if (more < 0 || (long) before + more > maximumPages) {
            return -1;
        }
        if (more > 0) {
            try {
                bytes = Arrays.copyOf(bytes, (before + more) * PAGE_SIZE);
            } catch (OutOfMemoryError e) {
                // the old array is intact: the guest sees a refused grow, which it can handle
                heapRefused = before + more;
                return -1;
            }
            pages = before + more;
        }
        return before;
    }

    /**
     * What to say of a memory whose grow the JVM's heap could not hold, where the guest then failed:
     * the guest's own words blame its memory limit, but the limit was not reached.
     *
     * @param memory a guest's memory
     * @return the explanation (once per refusal), or empty if the memory is no {@code FlatMemory}
     *     or none of its grows was refused for the heap since the last report
     */
    static String heapRefusal(Memory memory) {
        if (!(memory instanceof FlatMemory flat) || flat.heapRefused == 0) {
            return "";
        }
        long pages = flat.heapRefused;
        flat.heapRefused = 0;
        return " (the JVM's heap could not hold the guest's memory grown to " + Limit.MAX_MEMORY_PAGES.describe(pages)
                + ", below its limit: growing copies it, so for a moment the heap needs it twice; give the instance"
                + " more heap (--ram), or lower user config " + Limit.MAX_MEMORY_PAGES.key() + ")";
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public Object lock(int address) {
        return this;
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw notShared();
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw notShared();
    }

    /** As Endive's memories: no one can be waiting on an unshared memory, so none is woken. */
    @Override
    public int notify(int address, int count) {
        return 0;
    }

    private static WasmEngineException notShared() {
        return new WasmEngineException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        if (dataSegments == null) {
            return;
        }
        this.segments = dataSegments;
        for (DataSegment segment : dataSegments) {
            if (segment instanceof ActiveDataSegment active) {
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (outside(offset, data.length)) {
                    throw new UninstantiableException(outOfBounds(offset, data.length));
                }
                System.arraycopy(data, 0, bytes, offset, data.length);
            } else if (!(segment instanceof PassiveDataSegment)) {
                throw new UninstantiableException("Data segment should be active or passive: " + segment);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segment, int address, int offset, int size) {
        write(address, segments[segment].data(), offset, size);
    }

    @Override
    public void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }

    @Override
    public void write(int address, byte[] data, int offset, int size) {
        if (offset < 0 || size < 0 || (long) offset + size > data.length) {
            throw new WasmRuntimeException(outOfBounds(offset, size, data.length));
        }
        checkRange(address, size);
        System.arraycopy(data, offset, bytes, address, size);
    }

    @Override
    public byte[] readBytes(int address, int size) {
        checkRange(address, size);
        return Arrays.copyOfRange(bytes, address, address + size);
    }

    @Override
    public byte read(int address) {
        try {
            return bytes[address];
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsRead(address, 1);
        }
    }

    @Override
    public void writeByte(int address, byte value) {
        try {
            bytes[address] = value;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsTrap(address, 1);
        }
    }

    @Override
    public short readShort(int address) {
        try {
            return (short) SHORTS.get(bytes, address);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsRead(address, 2);
        }
    }

    @Override
    public long readU16(int address) {
        return readShort(address) & 0xFFFFL;
    }

    @Override
    public void writeShort(int address, short value) {
        try {
            SHORTS.set(bytes, address, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsTrap(address, 2);
        }
    }

    @Override
    public int readInt(int address) {
        try {
            return (int) INTS.get(bytes, address);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsRead(address, 4);
        }
    }

    @Override
    public void writeI32(int address, int value) {
        try {
            INTS.set(bytes, address, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsTrap(address, 4);
        }
    }

    @Override
    public long readLong(int address) {
        try {
            return (long) LONGS.get(bytes, address);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsRead(address, 8);
        }
    }

    @Override
    public void writeLong(int address, long value) {
        try {
            LONGS.set(bytes, address, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsTrap(address, 8);
        }
    }

    @Override
    public float readFloat(int address) {
        try {
            return (float) FLOATS.get(bytes, address);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsRead(address, 4);
        }
    }

    @Override
    public long readF32(int address) {
        return readInt(address);
    }

    @Override
    public void writeF32(int address, float value) {
        try {
            FLOATS.set(bytes, address, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsTrap(address, 4);
        }
    }

    @Override
    public double readDouble(int address) {
        try {
            return (double) DOUBLES.get(bytes, address);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsRead(address, 8);
        }
    }

    @Override
    public long readF64(int address) {
        return readLong(address);
    }

    @Override
    public void writeF64(int address, double value) {
        try {
            DOUBLES.set(bytes, address, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBoundsTrap(address, 8);
        }
    }

    @Override
    public void zero() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public void fill(byte value, int from, int to) {
        checkRange(from, to - from);
        Arrays.fill(bytes, from, to, value);
    }

    @Override
    public void copy(int destination, int source, int size) {
        checkRange(destination, size);
        checkRange(source, size);
        System.arraycopy(bytes, source, bytes, destination, size);
    }

    private void checkRange(int address, int size) {
        if (outside(address, size)) {
            throw new WasmRuntimeException(outOfBounds(address, size));
        }
    }

    private boolean outside(int address, int size) {
        return address < 0 || size < 0 || (long) address + size > bytes.length;
    }

    private WasmRuntimeException outOfBoundsTrap(int address, int width) {
        return new WasmRuntimeException(outOfBounds(address, width));
    }

    private WasmRuntimeException outOfBoundsRead(int address, int width) {
        // Endive reads a value that crosses a 64 KiB boundary byte by byte, and names the first byte outside
        if ((address & 0xFFFF) + width > 0x10000) {
            return new WasmRuntimeException(outOfBounds(address < 0 ? address : Math.max(address, bytes.length), 1));
        }
        return new WasmRuntimeException(outOfBounds(address, width));
    }

    private String outOfBounds(int address, int size) {
        return outOfBounds(address, size, bytes.length);
    }

    private static String outOfBounds(int address, int size, int limit) {
        return "out of bounds memory access: attempted to access address: " + address + " but limit is: " + limit
                + " and size: " + size;
    }
}
