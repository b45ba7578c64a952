package io.pulsarwasm.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.pulsarwasm.function.RecordInput;
import io.pulsarwasm.tools.NarPackager;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.common.schema.SchemaInfo;
import org.apache.pulsar.common.schema.SchemaType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pulsar-wasm replay <topic>}: messages from a topic through a module in-process, and,
 * with {@code --compare}, against what the deployed function wrote.
 *
 * <p>Over 300 lines because it is one command: its options, the reader that picks the messages,
 * and the comparison with the outputs, which share the command's state.
 */
@Command(
        header = "Run messages from a topic through a module in-process; compare with the deployed function.",
        name = "replay",
        description = {
            "Read messages from a topic (a dead-letter topic, or the function's input) without a subscription, run "
                    + "them through a module in-process with the function's user config, one instance for all as a "
                    + "function instance would, and print each output or failure. With --compare <output-topic>, "
                    + "also print what the deployed function wrote for each message (Pulsar marks every output with "
                    + "its input's message id) and whether the replay differs. Exits 1 if a message fails or differs.",
            "",
            "A dead-lettered message is replayed as it first arrived: its topic is the one it was read from (REAL_TOPIC) "
                    + "and the properties the dead-letter topic added are left out."
        },
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class ReplayCommand implements Callable<Integer> {

    /** What Pulsar's dead-letter producer adds: the original topic and message id. */
    static final String REAL_TOPIC = "REAL_TOPIC";

    static final String ORIGIN_MESSAGE_ID = "ORIGIN_MESSAGE_ID";

    /** What a function's output message carries: its input's topic and message id (Base64 of toByteArray). */
    static final String INPUT_TOPIC = "__pfn_input_topic__";

    static final String INPUT_MESSAGE_ID = "__pfn_input_msg_id__";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<topic>", description = "the topic to read, from its earliest message")
    String topic;

    @Mixin
    ProjectOptions project;

    @Mixin
    PulsarOptions pulsar;

    @Option(
            names = "--module",
            paramLabel = "<file>",
            description = "the .wasm or .js to run (default: the project's, built)")
    Path module;

    @Option(
            names = "--type",
            paramLabel = "<type>",
            description = "long, bytes, string or window (default: the project's; else by the module's entry point)")
    String type;

    @Option(
            names = "--user-config",
            paramLabel = "<json>",
            description = "user config, laid over the project's (the deployed function's, to replay it exactly)")
    String userConfig;

    @Option(names = "--count", paramLabel = "<n>", description = "at most this many messages (default: 100)")
    int count = 100;

    @Option(
            names = "--since",
            paramLabel = "<time>",
            description = "from messages published at or after it: an instant (2026-12-07T06:00:00Z) or a time ago "
                    + "(90s, 15m, 2h, 1d)")
    String since;

    @Option(names = "--until", paramLabel = "<time>", description = "up to messages published before it, as --since")
    String until;

    @Option(
            names = "--compare",
            paramLabel = "<output-topic>",
            description = "the deployed function's output topic: show and check what it wrote for each message")
    String compare;

    @Option(
            names = "--compare-limit",
            paramLabel = "<n>",
            description = "read at most this many messages of the --compare topic (default: 1000000)")
    int compareLimit = 1_000_000;

    @Option(
            names = "--out",
            paramLabel = "<file>",
            description = "also write each message's result there, one JSON object a line")
    Path outFile;

    @Override
    public Integer call() throws IOException {
        if (count < 1) {
            throw CliException.usage("--count: at least 1, not " + count);
        }
        Instant from = since == null ? null : time("--since", since, Instant.now());
        Instant to = until == null ? null : time("--until", until, Instant.now());
        Path dir = project.dir;
        Project loaded = Project.find(dir);
        Path chosenModule = module != null ? module : loaded != null ? ProjectOptions.builtModule(loaded) : null;
        if (chosenModule == null) {
            throw CliException.usage("which module? give --module (or run in a project's folder)");
        }
        Map<String, Object> config = new LinkedHashMap<>(loaded != null ? loaded.userConfig() : Map.of());
        config.putAll(UserConfig.parse(userConfig));
        NarPackager.Type chosenType = type != null
                ? Project.parseType(type, "--type")
                : module == null && loaded != null ? loaded.type() : null;
        try {
            chosenType = NarPackager.check(chosenModule, chosenType, config);
        } catch (io.pulsarwasm.engine.WasmLoadException e) {
            throw CliException.build(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("user config: " + e.getMessage());
        }

        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        int differ = 0;
        int replayed = 0;
        try (PulsarClient client = pulsar.client()) {
            List<Message<GenericRecord>> messages = read(client, topic, count, from, to);
            Map<String, Message<GenericRecord>> deployed = Map.of();
            if (compare != null) {
                java.util.Set<String> wanted = new java.util.HashSet<>();
                for (Message<GenericRecord> message : messages) {
                    String origin = message.getProperty(ORIGIN_MESSAGE_ID);
                    wanted.add(origin != null ? origin : message.getMessageId().toString());
                }
                deployed = outputs(client, compare, wanted, compareLimit);
            }
            Gson gson = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
            try (Runs runs = Runs.of(chosenModule, chosenType, config, Map.of());
                    BufferedWriter file = outFile == null ? null : Files.newBufferedWriter(outFile)) {
                for (Message<GenericRecord> message : messages) {
                    replayed++;
                    Map<String, String> properties = new HashMap<>(message.getProperties());
                    String realTopic = properties.remove(REAL_TOPIC);
                    String originId = properties.remove(ORIGIN_MESSAGE_ID);
                    String id =
                            originId != null ? originId : message.getMessageId().toString();
                    boolean records = chosenType == NarPackager.Type.RECORD;
                    String key = message.hasKey() ? message.getKey() : null;
                    String inputTopic = realTopic != null ? realTopic : message.getTopicName();
                    Long eventTime = message.getEventTime() > 0 ? message.getEventTime() : null;
                    byte[] messageId = message.getMessageId().toByteArray();
                    Runs.Outcome outcome = records
                            ? runs.process(recordInput(message), key, inputTopic, properties, eventTime, messageId)
                            : runs.process(message.getData(), key, inputTopic, properties, eventTime, messageId);
                    String input = records ? recordText(message) : Runs.show(message.getData());
                    StringBuilder line = new StringBuilder(id);
                    if (message.hasKey()) {
                        line.append(" key=").append(message.getKey());
                    }
                    line.append(" \"").append(input).append("\" -> ");
                    line.append(outcome.failed() ? outcome.describe() : describe(outcome.output()));
                    if (outcome.failed()) {
                        failed++;
                    }
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("messageId", id);
                    json.put("key", message.hasKey() ? message.getKey() : null);
                    json.put("input", input);
                    json.put(
                            "output",
                            outcome.failed() || outcome.output() == null ? null : Runs.show(outcome.output()));
                    json.put("failure", outcome.failure());
                    if (compare != null) {
                        Message<GenericRecord> before = deployed.get(id);
                        byte[] was = before == null ? null : before.getData();
                        // as stored: a record's value encoded in the output's schema, byte for byte
                        boolean same = !outcome.failed()
                                && (was == null
                                        ? outcome.output() == null
                                        : java.util.Arrays.equals(was, outcome.stored()));
                        if (!same) {
                            differ++;
                        }
                        String wasText = was == null ? null : records ? recordText(before) : Runs.show(was);
                        line.append("   | deployed: ")
                                .append(was == null ? "(no output)" : "\"" + wasText + "\"")
                                .append(same ? "  same" : "  DIFFERS");
                        json.put("deployed", wasText);
                        json.put("same", same);
                    }
                    out.println(line);
                    if (file != null) {
                        file.write(gson.toJson(json));
                        file.newLine();
                    }
                }
            }
        } catch (PulsarClientException e) {
            throw CliException.pulsar("cannot read " + topic + " at " + pulsar.serviceUrl() + ": " + e.getMessage(), e);
        }
        out.println("replayed " + replayed + " message" + (replayed == 1 ? "" : "s") + " from " + topic + ": "
                + (replayed - failed) + " ok, " + failed + " failed"
                + (compare != null ? ", " + differ + " differ from " + compare : ""));
        out.flush();
        if (failed > 0 || differ > 0) {
            throw CliException.failed((failed > 0 ? failed + " failed" : "")
                    + (failed > 0 && differ > 0 ? ", " : "")
                    + (differ > 0 ? differ + " differ from the deployed function's outputs" : ""));
        }
        return ExitCodes.OK;
    }

    /**
     * A record function's input, as Pulsar would give it: the message's stored value in the schema
     * it was written with (AVRO or JSON).
     */
    private RecordInput recordInput(Message<GenericRecord> message) {
        Schema<?> schema = message.getReaderSchema().orElse(null);
        SchemaInfo info = schema == null ? null : schema.getSchemaInfo();
        if (info == null || (info.getType() != SchemaType.AVRO && info.getType() != SchemaType.JSON)) {
            throw CliException.usage("replay runs a record function on AVRO and JSON records; " + topic
                    + "'s message " + message.getMessageId() + " has "
                    + (info == null ? "no schema" : "the schema type " + info.getType()));
        }
        // the schema version the message was written with, named as the topic names it: what the
        // deployed function's guest reads about its input (get_schema)
        return new RecordInput(schema, message.getData(), null, message.getSchemaVersion());
    }

    /**
     * @return a record as compact JSON (Avro's own rendering of its fields, re-read), the text as it
     *     is where that is not JSON, or its bytes where they do not decode
     */
    private static String recordText(Message<GenericRecord> message) {
        try {
            return Runs.compactJson(String.valueOf(message.getValue().getNativeObject()));
        } catch (RuntimeException e) {
            return Runs.show(message.getData());
        }
    }

    private static String describe(byte[] output) {
        return output == null ? "(no output)" : "\"" + Runs.show(output) + "\"";
    }

    /**
     * Up to {@code count} messages of a topic from its earliest (or {@code from}), published before
     * {@code to}, read as they are stored ({@code getData()}). The reader takes the topic's schema
     * ({@code AUTO_CONSUME}): a reader with a schema of its own (BYTES) would stop a function's
     * producer from setting the topic's schema while it reads.
     */
    static List<Message<GenericRecord>> read(PulsarClient client, String topic, int count, Instant from, Instant to)
            throws IOException {
        List<Message<GenericRecord>> messages = new ArrayList<>();
        scan(client, topic, from, count, message -> {
            if (to != null && message.getPublishTime() >= to.toEpochMilli()) {
                return false;
            }
            messages.add(message);
            return true;
        });
        return messages;
    }

    /**
     * The outputs on a topic of the inputs wanted, by their input's message id (the latest where an
     * input was answered twice), from the topic's earliest, reading at most {@code limit} messages:
     * only the wanted are kept, so memory is bounded by what is replayed, not by the topic.
     */
    static Map<String, Message<GenericRecord>> outputs(
            PulsarClient client, String topic, java.util.Set<String> wanted, int limit) throws IOException {
        Map<String, Message<GenericRecord>> byInput = new HashMap<>();
        scan(client, topic, null, limit, message -> {
            String encoded = message.getProperty(INPUT_MESSAGE_ID);
            if (encoded == null) {
                return true; // not a function's output
            }
            try {
                String input = MessageId.fromByteArray(Base64.getDecoder().decode(encoded))
                        .toString();
                if (wanted.contains(input)) {
                    byInput.put(input, message);
                }
            } catch (IOException | IllegalArgumentException e) {
                // not an id: skipped
            }
            return true;
        });
        return byInput;
    }

    /**
     * Reads a topic without a subscription, from its earliest (or the first message published at
     * {@code from}), at most {@code limit} messages, handing each to {@code visit} until it answers
     * false or the topic has no more.
     */
    private static void scan(
            PulsarClient client,
            String topic,
            Instant from,
            int limit,
            java.util.function.Predicate<Message<GenericRecord>> visit)
            throws IOException {
        try (Reader<GenericRecord> reader = client.newReader(Schema.AUTO_CONSUME())
                .topic(topic)
                .startMessageId(MessageId.earliest)
                .create()) {
            if (from != null) {
                reader.seek(from.toEpochMilli());
            }
            for (int read = 0; read < limit && reader.hasMessageAvailable(); read++) {
                Message<GenericRecord> message = reader.readNext(30, TimeUnit.SECONDS);
                if (message == null || !visit.test(message)) {
                    return;
                }
            }
        }
    }

    /**
     * @param option the option, for the error
     * @param text an instant, or a time ago ({@code 90s}, {@code 15m}, {@code 2h}, {@code 1d})
     * @param now the time now
     * @return the instant
     */
    static Instant time(String option, String text, Instant now) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.matches("\\d+[smhd]")) {
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            Duration ago = switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return now.minus(ago);
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw CliException.usage(option + ": '" + text + "' is neither an instant (2026-12-07T06:00:00Z) nor a "
                    + "time ago (90s, 15m, 2h, 1d)");
        }
    }
}
