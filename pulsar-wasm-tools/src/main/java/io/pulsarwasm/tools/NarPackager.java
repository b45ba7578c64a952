package io.pulsarwasm.tools;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import io.pulsarwasm.engine.EntryPoint;
import io.pulsarwasm.engine.Limit;
import io.pulsarwasm.engine.Limits;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.engine.WasmLoadException;
import io.pulsarwasm.engine.WasmLoader;
import io.pulsarwasm.function.FunctionRuntime;
import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.function.WasmFunction;
import io.pulsarwasm.function.WasmRecordFunction;
import io.pulsarwasm.function.WasmStringFunction;
import io.pulsarwasm.function.WasmWindowFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Turns a {@code .wasm}, or a JavaScript function ({@code .js} or {@code .mjs}), into a
 * self-contained function NAR: the generic NAR plus the module, bundled under the PIP-331 name of
 * the function class that runs it ({@code <function class>.wasm}, or {@code <function class>.js}),
 * and a {@code pulsar-io.yaml} naming that class. Deploying it needs no {@code wasm.module} user
 * config.
 *
 * <pre>
 * scripts/package-wasm.sh wordcount.wasm --type string --output wordcount.nar
 * scripts/package-wasm.sh shout.js
 * </pre>
 */
public final class NarPackager {

    private static final String SERVICE_DESCRIPTOR = "META-INF/services/pulsar-io.yaml";

    /** The function class a packaged NAR runs its module with. */
    public enum Type {
        /** {@link WasmFunction}: {@code process(i64) -> i64} (not for a JavaScript function). */
        LONG(WasmFunction.class.getName(), EntryPoint.LONG),
        /** {@link WasmBytesFunction}: the bytes entry point, values as bytes. */
        BYTES(WasmBytesFunction.class.getName(), EntryPoint.BYTES),
        /** {@link WasmStringFunction}: the bytes entry point, values as UTF-8 text. */
        STRING(WasmStringFunction.class.getName(), EntryPoint.BYTES),
        /** {@link WasmRecordFunction}: the bytes entry point, records of the topic's schema as JSON. */
        RECORD(WasmRecordFunction.class.getName(), EntryPoint.BYTES),
        /** {@link WasmWindowFunction}: the bytes entry point, every record of a window in one call. */
        WINDOW(WasmWindowFunction.class.getName(), EntryPoint.BYTES);

        private final String functionClass;
        private final EntryPoint entryPoint;

        Type(String functionClass, EntryPoint entryPoint) {
            this.functionClass = functionClass;
            this.entryPoint = entryPoint;
        }

        /** @return the fully qualified function class, for {@code --classname} */
        public String functionClass() {
            return functionClass;
        }
    }

    private NarPackager() {}

    /**
     * Packages a module.
     *
     * @param genericNar the project's generic NAR
     * @param module the {@code .wasm} file, or a JavaScript function's {@code .js} or {@code .mjs}
     * @param type the function class to run it with, or null to choose by its entry point
     *     ({@code long} or {@code bytes}; {@code string} for JavaScript)
     * @param output the NAR to write
     * @return the type used
     * @throws WasmLoadException if the module does not load or does not fit the type
     */
    public static Type packageModule(Path genericNar, Path module, Type type, Path output) {
        return packageModule(genericNar, module, type, Map.of(), output);
    }

    /**
     * Packages a module, checked against the sandbox of the user config it will be deployed with
     * (its {@code wasm.*} keys: limits, WASI), as the function instance will check it. A JavaScript
     * function is checked by making one instance of it, which compiles and evaluates it: a syntax
     * error, or no {@code process}, fails with the engine's message.
     *
     * @param genericNar the project's generic NAR
     * @param module the {@code .wasm} file, or a JavaScript function's {@code .js} or {@code .mjs}
     * @param type the function class to run it with, or null to choose by its entry point
     *     ({@code string} for JavaScript)
     * @param userConfig the function's user config, as {@code --user-config} gives it
     * @param output the NAR to write
     * @return the type used
     * @throws WasmLoadException if the module does not load under that sandbox or does not fit the type
     * @throws IllegalArgumentException if the user config has a {@code wasm.*} key that is unknown or out of range
     */
    public static Type packageModule(Path genericNar, Path module, Type type, Map<String, ?> userConfig, Path output) {
        String fileName = module.getFileName().toString();
        boolean script = isScript(fileName);
        byte[] source = read(module, script);
        Type chosen = check(fileName, source, type, userConfig);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(genericNar));
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(output))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.getName().equals(SERVICE_DESCRIPTOR)) {
                    copy(in, out, entry.getName());
                }
            }
            String name = baseName(fileName);
            write(
                    out,
                    SERVICE_DESCRIPTOR,
                    ("name: " + name + "\n"
                                    + "description: " + (script ? fileName : name + ".wasm") + " run by pulsar-wasm\n"
                                    + "functionClass: " + chosen.functionClass + "\n")
                            .getBytes(StandardCharsets.UTF_8));
            // an .mjs goes in as .js too: that is the one name a function class looks for
            write(out, chosen.functionClass + (script ? ".js" : ".wasm"), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
        return chosen;
    }

    /**
     * Checks a module as {@link #packageModule} does, without packaging it: it loads under the
     * sandbox of the user config, fits the type, and (JavaScript) compiles and evaluates.
     *
     * @param module the {@code .wasm} file, or a JavaScript function's {@code .js} or {@code .mjs}
     * @param type the function class to run it with, or null to choose by its entry point
     * @param userConfig the function's user config
     * @return the type it runs with
     * @throws WasmLoadException if the module does not load under that sandbox or does not fit the type
     * @throws IllegalArgumentException if the user config has a {@code wasm.*} key that is unknown or out of range
     */
    public static Type check(Path module, Type type, Map<String, ?> userConfig) {
        String fileName = module.getFileName().toString();
        return check(fileName, read(module, isScript(fileName)), type, userConfig);
    }

    private static Type check(String fileName, byte[] source, Type type, Map<String, ?> userConfig) {
        WasmConfig config = FunctionRuntime.configure(
                type == Type.RECORD ? new WasmRecordFunction() : new WasmBytesFunction(), userConfig);
        return isScript(fileName)
                ? checkScript(fileName, source, type, config)
                : checkModule(fileName, source, type, config);
    }

    private static byte[] read(Path module, boolean script) {
        if (!Files.isRegularFile(module)) {
            throw new WasmLoadException((script ? "JavaScript function" : "wasm module") + " file '" + module + "' "
                    + (Files.exists(module) ? "is not a regular file" : "does not exist"));
        }
        try {
            return Files.readAllBytes(module);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Type checkModule(String fileName, byte[] wasm, Type type, WasmConfig config) {
        EntryPoint entryPoint;
        try (WasmLoader loader = WasmLoader.fromBytes(fileName, wasm, config.sandbox())) {
            entryPoint = loader.entryPoint();
        }
        Type chosen = type != null ? type : (entryPoint == EntryPoint.LONG ? Type.LONG : Type.BYTES);
        if (chosen.entryPoint != entryPoint) {
            throw new WasmLoadException("wasm module '" + fileName + "' exports " + entryPoint.describe() + "; --type "
                    + chosen.name().toLowerCase(Locale.ROOT) + " needs " + chosen.entryPoint.describe());
        }
        return chosen;
    }

    private static Type checkScript(String fileName, byte[] source, Type type, WasmConfig config) {
        if (type == Type.LONG) {
            throw new WasmLoadException("JavaScript function '" + fileName + "' cannot run with --type long; "
                    + "use --type string (the default), bytes or record");
        }
        // the function reads the NAR's copy no further than this limit; fromJavaScript does not check it
        Limits limits = config.sandbox().limits();
        if (source.length > limits.get(Limit.MAX_MODULE_BYTES)) {
            throw new WasmLoadException("JavaScript function '" + fileName + "' is " + source.length
                    + " bytes, more than " + limits.limitOf(Limit.MAX_MODULE_BYTES));
        }
        // the first instance compiles and evaluates the module: a syntax error or no process fails it
        try (WasmLoader loader = WasmLoader.fromJavaScript(fileName, source, config.sandbox())) {
            loader.newInstance().close();
        }
        return type != null ? type : Type.STRING;
    }

    // as the engine tells a JavaScript function from a wasm module by its wasm.module location
    private static boolean isScript(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".js") || lower.endsWith(".mjs");
    }

    private static String baseName(String fileName) {
        return fileName.replaceFirst(isScript(fileName) ? "(?i)\\.m?js$" : "\\.wasm$", "");
    }

    /**
     * Command line: {@code --nar <generic nar> <module.wasm|function.js> [--type long|bytes|string|record|window]
     * [--user-config-file <file holding the --user-config JSON>] [--output <nar>]}. A JavaScript
     * function's type defaults to {@code string}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        Path nar = null;
        Path module = null;
        Type type = null;
        Map<String, Object> userConfig = Map.of();
        String userConfigText = null;
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nar" -> nar = Path.of(args[++i]);
                case "--type" -> type = Type.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--user-config-file" -> {
                    userConfigText = read(Path.of(args[++i])).strip();
                    userConfig = userConfig(userConfigText);
                }
                case "--output" -> output = Path.of(args[++i]);
                default -> module = Path.of(args[i]);
            }
        }
        if (nar == null || module == null) {
            System.err.println("usage: --nar <generic nar> <module.wasm|function.js|function.mjs> "
                    + "[--type long|bytes|string|record|window] [--user-config-file <json file>] [--output <nar>]");
            System.exit(2);
        }
        if (output == null) {
            output = Path.of(baseName(module.getFileName().toString()) + ".nar");
        }
        Type used = packageModule(nar, module, type, userConfig, output);
        System.out.println("Wrote " + output.toAbsolutePath() + ". Deploy it with:");
        System.out.println("  bin/pulsar-admin functions create --jar " + output.toAbsolutePath() + " --classname "
                + used.functionClass + " --inputs <topic> --output <topic> --name <name>"
                + (userConfig.isEmpty() ? "" : " --user-config '" + userConfigText.replace("'", "'\\''") + "'"));
    }

    /**
     * Reads {@code --user-config} as {@code pulsar-admin functions create} does: a JSON object.
     *
     * @param json the option's value
     * @return the user config
     * @throws IllegalArgumentException if it is not a JSON object
     */
    static Map<String, Object> userConfig(String json) {
        try {
            Map<String, Object> config = new Gson().fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
            if (config == null) {
                throw new IllegalArgumentException("--user-config: not a JSON object: " + json);
            }
            return config;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(
                    "--user-config: not a JSON object: " + json + " (" + e.getMessage() + ")", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream in, ZipOutputStream out, String name) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        in.transferTo(out);
        out.closeEntry();
    }

    private static void write(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        ((OutputStream) out).write(content);
        out.closeEntry();
    }
}
