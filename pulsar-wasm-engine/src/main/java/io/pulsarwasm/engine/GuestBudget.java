package io.pulsarwasm.engine;

import java.util.function.Function;
import run.endive.runtime.ByteArrayMemory;
import run.endive.runtime.Instance;
import run.endive.runtime.Memory;
import run.endive.runtime.TableFactory;
import run.endive.runtime.TableInstance;
import run.endive.wasm.types.MemoryLimits;
import run.endive.wasm.types.Table;
import run.endive.wasm.types.TableLimits;

/**
 * One guest instance's share of memory pages and table elements, handed out as Endive builds and
 * grows its memories and tables. The module's declared sizes were checked against the limits at
 * load ({@link ModuleShape}); this bounds growth.
 *
 * <p>Memories: the first memory may grow into all the pages the others do not start with; every
 * other memory keeps its initial size. (A memory's maximum is fixed when it is made, so the split
 * is fixed when the instance is made.) Tables share what is left of the element limit dynamically.
 */
final class GuestBudget {

    private final int maxPages;
    private final int otherMemoriesPages;
    private final long maxElements;
    private long elements;
    private boolean tableGrowthRefused;
    private int memoriesMade;

    GuestBudget(ModuleShape shape, Limits limits) {
        this(shape.initialPagesBeyondFirstMemory(), limits);
    }

    /** A budget for a module with one memory (the JavaScript engine's). */
    GuestBudget(Limits limits) {
        this(0, limits);
    }

    private GuestBudget(int otherMemoriesPages, Limits limits) {
        this.maxPages = limits.intValue(Limit.MAX_MEMORY_PAGES);
        this.otherMemoriesPages = otherMemoriesPages;
        this.maxElements = limits.get(Limit.MAX_TABLE_ELEMENTS);
    }

    /** @return the pages the first memory may grow to */
    int firstMemoryPages() {
        return maxPages - otherMemoriesPages;
    }

    /**
     * The largest memory, in pages, kept in one array ({@link FlatMemory}): 16 MiB, the default
     * limit. Each access is then one bounds check, but growing copies, and a module may grow a page
     * at a time: up to this size, everything it can make the host copy, over its whole life, is half
     * this size squared (2 GiB, a fraction of a second). Larger memories keep Endive's pages, which
     * growing never copies.
     */
    static final int FLAT_MAX_PAGES = 256;

    /**
     * @param maxPages a module's memory limit, {@code wasm.max-memory-pages}
     * @return whether its memory grows by copying ({@link #FLAT_MAX_PAGES}), so that for a moment
     *     the heap holds it twice
     */
    static boolean growthCopies(long maxPages) {
        return maxPages <= FLAT_MAX_PAGES;
    }

    /**
     * Makes the instance's memories, in index order, each with its maximum lowered to its share:
     * one array where the share is at most {@link #FLAT_MAX_PAGES}, else Endive's pages.
     */
    Function<MemoryLimits, Memory> memoryFactory() {
        return declared -> {
            int share = memoriesMade++ == 0 ? maxPages - otherMemoriesPages : declared.initialPages();
            MemoryLimits limits = new MemoryLimits(
                    declared.initialPages(), Math.min(declared.maximumPages(), share), declared.shared());
            return growthCopies(limits.maximumPages()) && !limits.shared()
                    ? new FlatMemory(limits)
                    : new ByteArrayMemory(limits);
        };
    }

    /** Makes the instance's tables: each its own copy of the module's table, drawing on one element budget. */
    TableFactory tableFactory() {
        return (table, initValue) -> {
            Table own = new Table(
                    table.elementType(),
                    new TableLimits(table.limits().min(), table.limits().max()),
                    table.initialize());
            elements += own.limits().min();
            return new BoundedTable(own, initValue);
        };
    }

    /** Whether a refused {@code memory.grow} is the likely cause of a trap: the memories are at their limit. */
    boolean memoryAtLimit(Instance instance) {
        try {
            Memory first = instance.memory();
            return first != null && first.pages() >= maxPages - otherMemoriesPages;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code bytes} more would take the first memory past its limit: a refused grow of that size. */
    boolean memoryWouldPassLimit(Instance instance, long bytes) {
        try {
            Memory first = instance.memory();
            return first != null
                    && (long) first.pages() * Memory.PAGE_SIZE + bytes
                            > (long) (maxPages - otherMemoriesPages) * Memory.PAGE_SIZE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Starts a call into the guest: what {@link #tableGrowthRefused()} reports is about this call. */
    void beginCall() {
        tableGrowthRefused = false;
    }

    /** Whether the element limit refused a {@code table.grow} during this call: the likely cause of a trap. */
    boolean tableGrowthRefused() {
        return tableGrowthRefused;
    }

    /** A table whose growth draws on the instance's element budget. */
    private final class BoundedTable extends TableInstance {

        BoundedTable(Table table, int initValue) {
            super(table, initValue);
        }

        @Override
        public int grow(int size, int value, Instance instance) {
            return take(size) ? refundOnFailure(size, super.grow(size, value, instance)) : -1;
        }

        @Override
        public int growWithRef(int size, Object refValue, Instance instance) {
            return take(size) ? refundOnFailure(size, super.growWithRef(size, refValue, instance)) : -1;
        }

        private boolean take(int size) {
            if (size < 0 || elements + size > maxElements) {
                tableGrowthRefused = size >= 0;
                return false;
            }
            elements += size;
            return true;
        }

        private int refundOnFailure(int size, int result) {
            if (result < 0) {
                elements -= size;
            }
            return result;
        }
    }
}
