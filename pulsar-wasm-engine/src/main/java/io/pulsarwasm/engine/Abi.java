package io.pulsarwasm.engine;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import run.endive.wasm.types.FunctionType;
import run.endive.wasm.types.ValType;

/**
 * The names and signatures of the guest ABI: what a module exports for the host to call, and what
 * the host offers under the import module {@value #IMPORT_MODULE}. {@code docs/abi.md} is the
 * specification; this class is its single source in code.
 */
final class Abi {

    /** Import module name of every host function. */
    public static final String IMPORT_MODULE = "pulsar";

    /** The entry point's export name; its signature says which {@link EntryPoint} it is. */
    public static final String PROCESS = "process";

    /** Optional export called once after instantiation: {@code init() -> ()}. */
    public static final String INIT = "init";

    /** Optional export called once before the instance is discarded: {@code close() -> ()}. */
    public static final String CLOSE = "close";

    /**
     * Guest allocator, required for the bytes entry point and when the module imports a host
     * function that returns data: {@code alloc(len i32) -> ptr i32}. The guest owns the memory
     * it returns, and so everything the host writes there.
     */
    public static final String ALLOC = "alloc";

    /** Optional export {@code pulsar_abi_version() -> i32}: the ABI version the module was built for. */
    public static final String ABI_VERSION = "pulsar_abi_version";

    /** The ABI version this host implements; a module without the marker is taken to be this version. */
    public static final int VERSION = 1;

    /** The guest's linear memory export, required when the module imports any host function. */
    public static final String MEMORY = "memory";

    /** Packed pointer/length value meaning "no such value" (all 64 bits set). */
    public static final long ABSENT = -1L;

    public static final FunctionType LIFECYCLE_TYPE = FunctionType.empty();
    public static final FunctionType ALLOC_TYPE = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
    public static final FunctionType ABI_VERSION_TYPE = FunctionType.returning(ValType.I32);

    private Abi() {}

    /**
     * Packs a guest pointer and length into one i64: pointer in the high 32 bits, length in the
     * low 32 bits.
     *
     * @param ptr guest address
     * @param len number of bytes at {@code ptr}
     * @return {@code (ptr << 32) | len}, both taken as unsigned 32-bit values
     */
    public static long pack(int ptr, int len) {
        return (Integer.toUnsignedLong(ptr) << 32) | Integer.toUnsignedLong(len);
    }

    /**
     * Decodes UTF-8, refusing malformed input instead of replacing it.
     *
     * @param bytes the encoded text
     * @return the text
     * @throws CharacterCodingException if the bytes are not valid UTF-8
     */
    public static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        // the JDK's lenient decoding is much cheaper than a decoder; only a text holding U+FFFD may
        // have come from malformed input, and only that is decoded again, strictly
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    /**
     * Renders a function type the way error messages show it, e.g. {@code (i64) -> (i64)}.
     *
     * @param type a wasm function type
     * @return its text form
     */
    public static String describe(FunctionType type) {
        return "(" + names(type.params()) + ") -> (" + names(type.returns()) + ")";
    }

    private static String names(List<ValType> types) {
        return types.stream().map(Abi::name).collect(Collectors.joining(", "));
    }

    private static String name(ValType type) {
        if (type.equals(ValType.I32)) {
            return "i32";
        } else if (type.equals(ValType.I64)) {
            return "i64";
        } else if (type.equals(ValType.F32)) {
            return "f32";
        } else if (type.equals(ValType.F64)) {
            return "f64";
        }
        return type.toString();
    }
}
