package io.pulsarwasm.engine;

import java.util.HashMap;
import java.util.Map;
import run.endive.wasm.Parser;
import run.endive.wasm.types.RawSection;
import run.endive.wasm.types.SectionId;

/**
 * Checks a module's size, code size and its counts of functions, globals, memories and tables
 * from its section headers, before it is decoded: decoding, instantiating and compiling cost grows
 * with these, and a module over them is refused before it costs anything.
 */
final class ModuleSize {

    private ModuleSize() {}

    /** Fails with a {@link WasmLoadException} naming the limit and its key when the module is over one. */
    static void check(String name, byte[] bytes, Limits limits) {
        if (bytes.length > limits.get(Limit.MAX_MODULE_BYTES)) {
            throw over(name, "is " + bytes.length + " bytes", limits, Limit.MAX_MODULE_BYTES);
        }
        long[] codeBytes = {0};
        Map<Integer, Long> counts = new HashMap<>();
        Parser.parseWithoutDecoding(bytes, section -> {
            byte[] contents = ((RawSection) section).contents();
            if (section.sectionId() == SectionId.CODE) {
                codeBytes[0] = contents.length;
            } else {
                counts.put(section.sectionId(), leadingCount(contents));
            }
        });
        count(name, counts.get(SectionId.FUNCTION), "defines", limits, Limit.MAX_FUNCTIONS);
        count(name, counts.get(SectionId.GLOBAL), "defines", limits, Limit.MAX_GLOBALS);
        count(name, counts.get(SectionId.MEMORY), "declares", limits, Limit.MAX_MEMORIES);
        count(name, counts.get(SectionId.TABLE), "declares", limits, Limit.MAX_TABLES);
        if (codeBytes[0] > limits.get(Limit.MAX_CODE_BYTES)) {
            throw over(name, "has " + codeBytes[0] + " bytes of code", limits, Limit.MAX_CODE_BYTES);
        }
    }

    private static void count(String name, Long count, String verb, Limits limits, Limit limit) {
        if (count != null && count > limits.get(limit)) {
            throw over(name, verb + " " + limit.describe(count), limits, limit);
        }
    }

    /** The vector length a section starts with: an unsigned LEB128 of at most 5 bytes (0 if malformed: the decoder says so). */
    private static long leadingCount(byte[] contents) {
        long count = 0;
        for (int i = 0; i < Math.min(5, contents.length); i++) {
            count |= (long) (contents[i] & 0x7f) << (7 * i);
            if ((contents[i] & 0x80) == 0) {
                return count;
            }
        }
        return 0;
    }

    private static WasmLoadException over(String name, String what, Limits limits, Limit limit) {
        return new WasmLoadException("wasm module '" + name + "' " + what + ", more than " + limits.limitOf(limit));
    }
}
