package io.pulsarwasm.engine;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.endive.compiler.Cache;
import run.endive.wasm.WasmModule;

/**
 * Which of a module's compiled functions HotSpot leaves to the JVM's bytecode interpreter. Endive's
 * compiler turns each wasm function into one JVM method ({@code func_<index>}); HotSpot never
 * JIT-compiles a method over 8,000 bytes of bytecode while {@code -XX:+DontCompileHugeMethods} (its
 * default) is on, and such a function runs several times slower than the rest of the module (the C
 * SDK's JSON record sample: 7.8 µs a record with its reader inlined into {@code process}, 4.4 µs
 * with it out of line). Nothing fails, so without this the cost would be silent.
 *
 * <p>The sizes are read from the classes the compiler generates, handed over through its {@link
 * Cache} (a jar of them, which it writes once per compile): a small reader of the class-file format
 * finds each method's code length.
 */
final class HugeMethods implements Cache {

    /** HotSpot's {@code HugeMethodLimit}: a method with more bytes of bytecode is not JIT-compiled. */
    static final int LIMIT = 8000;

    /** How many functions a warning names, the largest first; the rest are counted. */
    private static final int NAMED = 5;

    private static final Pattern FUNCTION = Pattern.compile("func_(\\d+)");

    private byte[] classes;

    /** No compiled form is cached: the compiler compiles, then hands its classes to {@link #putIfAbsent}. */
    @Override
    public byte[] get(String key) {
        return null;
    }

    @Override
    public void putIfAbsent(String key, byte[] jar) {
        classes = jar;
    }

    /**
     * @return each function over {@link #LIMIT} in the classes handed over: its index to its bytes of
     *     bytecode; empty when none was handed over
     */
    Map<Integer, Integer> functions() {
        Map<Integer, Integer> huge = new TreeMap<>();
        if (classes == null) {
            return huge;
        }
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(classes))) {
            for (JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
                if (entry.getName().endsWith(".class")) {
                    methodSizes(jar.readAllBytes(), huge);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the classes the compiler generated", e);
        }
        return huge;
    }

    /**
     * The warning to log for a module whose functions {@link #functions()} found (the compiler is
     * handed this cache only where {@link #jvmSkipsHugeMethods()}).
     *
     * @param name the module's name
     * @param module the module, for its functions' names
     * @return the warning, or null when there is nothing to say
     */
    String warning(String name, WasmModule module) {
        Map<Integer, Integer> huge = functions();
        if (huge.isEmpty()) {
            return null;
        }
        StringBuilder named = new StringBuilder();
        int shown = 0;
        List<Map.Entry<Integer, Integer>> largestFirst = new ArrayList<>(huge.entrySet());
        largestFirst.sort(
                Map.Entry.<Integer, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<Integer, Integer> function : largestFirst) {
            if (shown++ == NAMED) {
                named.append(", and ").append(huge.size() - NAMED).append(" more");
                break;
            }
            String functionName = module.nameSection() == null
                    ? null
                    : printable(module.nameSection().nameOfFunction(function.getKey()));
            named.append(shown > 1 ? ", " : "")
                    .append(
                            functionName != null
                                    ? functionName + " (function " + function.getKey() + ")"
                                    : "function " + function.getKey())
                    .append(": ")
                    .append(function.getValue())
                    .append(" bytes");
        }
        return "wasm module '" + name + "': " + huge.size() + (huge.size() == 1 ? " function is" : " functions are")
                + " over the JVM's limit of " + LIMIT + " bytes of bytecode for JIT compilation and "
                + (huge.size() == 1 ? "runs" : "run") + " in its bytecode interpreter, several times slower ("
                + named + "); split " + (huge.size() == 1 ? "it" : "them")
                + " into smaller functions (e.g. keep helpers from being inlined), or run the function's instances with "
                + "-XX:-DontCompileHugeMethods";
    }

    /** A guest's function name as a log line may show it: printable ASCII, at most 64 characters; null if none is left. */
    static String printable(String name) {
        if (name == null) {
            return null;
        }
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < name.length() && shown.length() < 64; i++) {
            char c = name.charAt(i);
            shown.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return shown.length() == 0 ? null : shown + (name.length() > 64 ? "..." : "");
    }

    /** @return whether this JVM leaves methods over {@link #LIMIT} to its interpreter (HotSpot's default) */
    static boolean jvmSkipsHugeMethods() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("DontCompileHugeMethods")
                    .getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return false; // another JVM, or one without jdk.management: its limits are its own, and this would guess
        }
    }

    /**
     * {@link #warning}, or null if the classes cannot be read: the warning is advice, and a class
     * file this reader does not know (a newer compiler's) must not keep the module from loading.
     */
    String warningOrNull(String name, WasmModule module) {
        try {
            return warning(name, module);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Adds each {@code func_<index>} method of one class file whose code is over {@link #LIMIT} to huge. */
    static void methodSizes(byte[] classFile, Map<Integer, Integer> huge) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt(); // magic
        in.readInt(); // minor and major version
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // a long or a double takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.skipNBytes(6); // access flags, this class, super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int i = 0; i < fields; i++) {
            in.skipNBytes(6);
            skipAttributes(in);
        }
        int methods = in.readUnsignedShort();
        for (int i = 0; i < methods; i++) {
            in.skipNBytes(2);
            String name = utf8[in.readUnsignedShort()];
            in.skipNBytes(2);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("Code".equals(attribute)) {
                    in.skipNBytes(4); // max stack, max locals
                    int codeLength = in.readInt();
                    in.skipNBytes(length - 8L);
                    Matcher function = FUNCTION.matcher(name);
                    if (codeLength > LIMIT && function.matches()) {
                        huge.put(Integer.parseInt(function.group(1)), codeLength);
                    }
                } else {
                    in.skipNBytes(length);
                }
            }
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.skipNBytes(2);
            in.skipNBytes(in.readInt());
        }
    }
}
