package io.pulsarwasm.cli;

import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.engine.WasmConfig;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.function.RecordOutput;
import io.pulsarwasm.function.WasmBytesFunction;
import io.pulsarwasm.function.WasmFunction;
import io.pulsarwasm.function.WasmRecordFunction;
import io.pulsarwasm.function.WasmStringFunction;
import io.pulsarwasm.function.WasmWindowFunction;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import io.pulsarwasm.tools.NarPackager;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * One instance of a module, run in-process as a function instance runs it (the user config's
 * sandbox and limits, the function class of its type): the engine under {@code test} and
 * {@code replay}. Values cross as bytes, and come back as text where they are UTF-8.
 */
final class Runs implements AutoCloseable {

    /**
     * What one message gave: an output (null for none) as the command shows it — a record
     * function's as the JSON its guest wrote — and as its topic would store it (the same bytes,
     * but for a record function's output, encoded in its schema), or a failure's text.
     */
    record Outcome(byte[] output, byte[] stored, String failure) {

        Outcome(byte[] output, String failure) {
            this(output, output, failure);
        }

        boolean failed() {
            return failure != null;
        }

        /** @return the output as the command prints it: text, {@code base64:...} when not UTF-8, or {@code (no output)} */
        String describe() {
            return failed() ? "failed: " + failure : output == null ? "(no output)" : show(output);
        }
    }

    private final NarPackager.Type type;
    private final WasmFunctionTester<?, ?> tester;

    private Runs(NarPackager.Type type, WasmFunctionTester<?, ?> tester) {
        this.type = type;
        this.tester = tester;
    }

    /**
     * An instance of a module; it starts at the first message.
     *
     * @param module the {@code .wasm} or {@code .js}
     * @param type its function class's type
     * @param userConfig the function's user config, {@code wasm.*} keys included
     * @param secrets the secrets it reads
     * @return the instance
     */
    static Runs of(Path module, NarPackager.Type type, Map<String, Object> userConfig, Map<String, String> secrets) {
        String location = module.toAbsolutePath().normalize().toUri().toString();
        WasmFunctionTester<?, ?> tester = switch (type) {
            case LONG -> WasmFunctionTester.of(new WasmFunction());
            case BYTES -> WasmFunctionTester.of(new WasmBytesFunction());
            case STRING -> WasmFunctionTester.of(new WasmStringFunction());
            // each message a window of one, as the function runs deployed without window flags
            case WINDOW -> WasmFunctionTester.of(new WasmWindowFunction());
            case RECORD -> WasmFunctionTester.of(new WasmRecordFunction());
        };
        userConfig.forEach(tester::config);
        tester.config(WasmConfig.MODULE, location);
        secrets.forEach(tester::secret);
        return new Runs(type, tester);
    }

    /**
     * Runs one message.
     *
     * @param value the value's bytes (a long function: its decimal text)
     * @param key the key, or null
     * @param topic the topic, or null for the tester's input topic
     * @param properties the properties
     * @param eventTime the event time, or null
     * @param messageId the message id's bytes, or null
     * @return the output or the failure
     * @throws CliException if the module does not load or start
     */
    Outcome process(
            byte[] value, String key, String topic, Map<String, String> properties, Long eventTime, byte[] messageId) {
        if (type == NarPackager.Type.RECORD) {
            throw new IllegalStateException("a record function's input is a RecordInput");
        }
        Object input = switch (type) {
            case LONG -> parseLong(value);
            case STRING -> new String(value, StandardCharsets.UTF_8);
            default -> value;
        };
        return run(input, key, topic, properties, eventTime, messageId);
    }

    /**
     * Runs one message of a record function.
     *
     * @param input the record: its schema and value
     * @param key the key, or null
     * @param topic the topic, or null for the tester's input topic
     * @param properties the properties
     * @param eventTime the event time, or null
     * @param messageId the message id's bytes, or null
     * @return the output (the JSON the guest wrote, and its value encoded in the output's schema) or the failure
     */
    Outcome process(
            RecordInput input,
            String key,
            String topic,
            Map<String, String> properties,
            Long eventTime,
            byte[] messageId) {
        if (type != NarPackager.Type.RECORD) {
            throw new IllegalStateException("only a record function takes a RecordInput");
        }
        return run(input, key, topic, properties, eventTime, messageId);
    }

    @SuppressWarnings("unchecked")
    private Outcome run(
            Object input, String key, String topic, Map<String, String> properties, Long eventTime, byte[] messageId) {
        TestRecord<Object> record = TestRecord.of(input);
        if (key != null) {
            record = record.withKey(key);
        }
        if (topic != null) {
            record = record.withTopic(topic);
        }
        for (Map.Entry<String, String> property : properties.entrySet()) {
            record = record.withProperty(property.getKey(), property.getValue());
        }
        if (eventTime != null) {
            record = record.withEventTime(eventTime);
        }
        if (messageId != null) {
            record = record.withMessageId(messageId);
        }
        try {
            Object output = ((WasmFunctionTester<Object, Object>) tester).process(record);
            if (output instanceof RecordOutput written) {
                return new Outcome(
                        compactJson(written.json()).getBytes(StandardCharsets.UTF_8), stored(written.getValue()), null);
            }
            return new Outcome(bytesOf(output), null);
        } catch (GuestErrorException e) {
            return new Outcome(null, e.guestMessage() != null ? e.guestMessage() : e.getMessage());
        } catch (io.pulsarwasm.engine.WasmLoadException e) {
            throw CliException.build(e.getMessage(), e);
        } catch (RuntimeException e) {
            return new Outcome(null, e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    /** The host's warnings given as a module loads: functions over the JIT limit or left to Endive's interpreter, a memory limit the heap may not hold. */
    private static final java.util.regex.Pattern LOAD_WARNING = java.util.regex.Pattern.compile(
            "WARN pulsar-wasm: (wasm module '[^']*'(: some functions are too large for the compiler|: \\d+ functions? "
                    + "(is|are) over the JVM's limit| may grow its memory to).*)",
            java.util.regex.Pattern.DOTALL);

    /**
     * @return the host's warnings about the module so far (the text of each such "WARN pulsar-wasm: wasm
     *     module '...'" line); not the host's lines about one message (a log budget spent, an instance
     *     discarded), which its case reports, nor the guest's own lines
     */
    java.util.List<String> moduleWarnings() {
        return tester.host().logLines().stream()
                .map(LOAD_WARNING::matcher)
                .filter(java.util.regex.Matcher::matches)
                .map(matcher -> matcher.group(1))
                .toList();
    }

    /** @return the function's own log lines so far ("INFO text"), without the host's ("INFO pulsar-wasm: ...") */
    java.util.List<String> logLines() {
        return tester.host().logLines().stream()
                .filter(line -> !line.substring(line.indexOf(' ') + 1).startsWith("pulsar-wasm: "))
                .toList();
    }

    /** @return the host's counters so far */
    Map<String, Long> counters() {
        return tester.host().counters();
    }

    @Override
    public void close() {
        tester.close();
    }

    private static Long parseLong(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw CliException.usage("a long function's input is a whole number, not '" + text + "'");
        }
    }

    /**
     * @param text JSON, or any text
     * @return the JSON without spaces between its tokens, as a guest's record output reads; the text
     *     as it is when it is not JSON
     */
    static String compactJson(String text) {
        try {
            return com.google.gson.JsonParser.parseString(text).toString();
        } catch (com.google.gson.JsonParseException e) {
            return text;
        }
    }

    /**
     * @return a record output's value as its topic stores it: the encoded bytes of an AVRO or JSON
     *     record (the only schemas test files and replay run a record function with; a key/value
     *     output, which they cannot produce, is not compared)
     */
    private static byte[] stored(Object value) {
        return value instanceof byte[] bytes ? bytes : null;
    }

    private static byte[] bytesOf(Object output) {
        if (output == null) {
            return null;
        }
        if (output instanceof byte[] bytes) {
            return bytes;
        }
        return output.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param bytes a value
     * @return it as text when it is UTF-8, else {@code base64:} and its Base64
     */
    static String show(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }

    /** @return the type's name as the command line spells it */
    static String name(NarPackager.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
