package io.pulsarwasm.it;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A look into a remote JVM over JMX — the thread-runtime standalone's, where function instances
 * run: loaded classes, heap after garbage collection, thread names, class histograms and heap dumps.
 */
public final class JvmProbe implements AutoCloseable {

    /** Heap figures closer than this count as stable between two collections. */
    private static final long STABLE_HEAP_BYTES = 2L << 20;

    private static final int MAX_COLLECTIONS = 10;

    private final JMXConnector connector;
    private final MBeanServerConnection connection;
    private final ClassLoadingMXBean classLoading;
    private final MemoryMXBean memory;
    private final ThreadMXBean threads;

    private JvmProbe(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
        this.classLoading = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.CLASS_LOADING_MXBEAN_NAME, ClassLoadingMXBean.class);
        this.memory = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        this.threads = ManagementFactory.newPlatformMXBeanProxy(
                connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
    }

    /**
     * Connects to a JVM's JMX agent.
     *
     * @param url e.g. {@code service:jmx:rmi:///jndi/rmi://127.0.0.1:9999/jmxrmi}
     * @return the probe; close it when done
     */
    // JMX over RMI names its server through JNDI; the URL is the test's own, to a worker it started
    @SuppressWarnings("BanJNDI")
    public static JvmProbe connect(String url) {
        try {
            return new JvmProbe(JMXConnectorFactory.connect(new JMXServiceURL(url)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + url, e);
        }
    }

    /** A reading taken after garbage collection settled. */
    public record Snapshot(int loadedClasses, long totalLoadedClasses, long unloadedClasses, long heapUsed) {

        @Override
        public String toString() {
            return String.format(
                    "%,d classes loaded (%,d ever, %,d unloaded), heap used %.1f MiB",
                    loadedClasses, totalLoadedClasses, unloadedClasses, heapUsed / (1024.0 * 1024.0));
        }
    }

    /** @return classes loaded right now */
    public int loadedClassCount() {
        return classLoading.getLoadedClassCount();
    }

    /** @return classes loaded since the JVM started, unloaded ones included */
    public long totalLoadedClassCount() {
        return classLoading.getTotalLoadedClassCount();
    }

    /** @return heap in use right now, in bytes */
    public long heapUsed() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Collects garbage ({@link MemoryMXBean#gc()}, a full collection that also unloads classes)
     * until neither the loaded class count nor the heap in use drops any more, at most
     * {@value #MAX_COLLECTIONS} times, and reads both.
     *
     * @return the settled figures
     */
    public Snapshot settle() {
        memory.gc();
        int classes = loadedClassCount();
        long heap = heapUsed();
        for (int i = 1; i < MAX_COLLECTIONS; i++) {
            memory.gc();
            int nextClasses = loadedClassCount();
            long nextHeap = heapUsed();
            boolean stable = nextClasses >= classes && Math.abs(nextHeap - heap) < STABLE_HEAP_BYTES;
            classes = nextClasses;
            heap = nextHeap;
            if (stable) {
                break;
            }
        }
        return new Snapshot(classes, totalLoadedClassCount(), classLoading.getUnloadedClassCount(), heap);
    }

    /** @return the JVM's live threads */
    public int threadCount() {
        return threads.getThreadCount();
    }

    /**
     * @return bytes in use in the metaspace (class metadata), read from its memory pool
     * @throws IllegalStateException if the JVM has no pool named {@code Metaspace}
     */
    public long metaspaceUsed() {
        try {
            for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(connection, MemoryPoolMXBean.class)) {
                if (pool.getName().equals("Metaspace")) {
                    return pool.getUsage().getUsed();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the JVM has no memory pool named Metaspace");
    }

    /** @return the names of the JVM's live threads */
    public List<String> threadNames() {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(Objects::nonNull)
                .map(ThreadInfo::getThreadName)
                .toList();
    }

    /**
     * The live-object class histogram ({@code jcmd <pid> GC.class_histogram}), through the
     * DiagnosticCommand MBean; it collects garbage first.
     *
     * @return the histogram's text
     */
    public String classHistogram() {
        try {
            return (String) connection.invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {new String[0]},
                    new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("GC.class_histogram failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a heap dump of live objects, by the remote JVM, to a file it can write.
     *
     * @param file where, ending in {@code .hprof}; must not exist yet
     */
    public void dumpHeap(Path file) {
        try {
            ManagementFactory.newPlatformMXBeanProxy(
                            connection, "com.sun.management:type=HotSpotDiagnostic", HotSpotDiagnosticMXBean.class)
                    .dumpHeap(file.toAbsolutePath().toString(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // the JVM is going away
        }
    }
}
