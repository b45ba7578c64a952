package io.pulsarwasm.cli;

import com.google.gson.GsonBuilder;
import io.pulsarwasm.function.EventTimeConfig;
import io.pulsarwasm.function.WasmRecordFunction;
import io.pulsarwasm.schema.UndecodedAutoConsume;
import io.pulsarwasm.tools.NarPackager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.common.functions.Resources;
import org.apache.pulsar.common.functions.WindowConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code deploy} and {@code update} share: the function's config from the project and the
 * options (named as {@code pulsar-admin functions create} names them), the NAR ({@code package}d
 * when missing or older than the module), and {@code --dry-run}, which prints the equivalent
 * {@code pulsar-admin} line instead.
 *
 * <p>Over 300 lines because it holds every option of the two commands, each with the line of
 * {@code --dry-run} it prints, so that the options and that line cannot disagree.
 */
abstract class Submission implements Callable<Integer> {

    private static final Pattern PLAIN = Pattern.compile("[\\w@%+=:,./-]+");

    /** The JVM options a JavaScript or Go project's instances get unless {@code --runtime-flags} says otherwise. */
    static final String HUGE_METHOD_FLAGS = "-XX:-DontCompileHugeMethods";

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Mixin
    PulsarOptions pulsar;

    @Mixin
    FunctionName function;

    @Option(
            names = "--inputs",
            split = ",",
            paramLabel = "<topic>",
            description = "input topics, comma-separated (default: pulsar-wasm.json's \"inputs\")")
    List<String> inputs;

    @Option(
            names = "--output",
            paramLabel = "<topic>",
            description = "the output topic (default: pulsar-wasm.json's \"output\"; none: outputs are dropped)")
    String output;

    @Option(
            names = "--user-config",
            paramLabel = "<json>",
            description = "user config, laid over pulsar-wasm.json's \"userConfig\"")
    String userConfig;

    @Option(names = "--parallelism", paramLabel = "<n>", description = "instances of the function")
    Integer parallelism;

    @Option(
            names = "--max-message-retries",
            paramLabel = "<n>",
            description = "how often a failed message is retried before it is dead-lettered")
    Integer maxMessageRetries;

    @Option(
            names = "--dead-letter-topic",
            paramLabel = "<topic>",
            description = "where a message goes after --max-message-retries")
    String deadLetterTopic;

    @Option(
            names = "--timeout-ms",
            paramLabel = "<ms>",
            description = "Pulsar's message timeout: an unacknowledged message is redelivered after it")
    Long timeoutMs;

    @Option(names = "--log-topic", paramLabel = "<topic>", description = "the topic the function's log goes to")
    String logTopic;

    @Option(
            names = "--ram",
            paramLabel = "<bytes>",
            description = "the memory of each instance, in bytes: the -Xmx of its JVM under the process and "
                    + "Kubernetes runtimes (Pulsar's default: 1 GiB)")
    Long ram;

    @Option(names = "--cpu", paramLabel = "<cores>", description = "the cores each instance asks for (Kubernetes)")
    Double cpu;

    @Option(
            names = "--runtime-flags",
            paramLabel = "<flags>",
            description = "options for each instance's JVM under the process and Kubernetes runtimes; a JavaScript "
                    + "or Go project's default is " + HUGE_METHOD_FLAGS + " (HotSpot then compiles the functions over "
                    + "its huge-method limit, QuickJS's interpreter loop and Go's runtime: JavaScript runs about 2.7 "
                    + "and Go about 2.3 times as fast), on deploy from the project (not with --jar); \"\" for none; "
                    + "update keeps the deployed flags unless given")
    String runtimeFlags;

    @Option(
            names = "--processing-guarantees",
            paramLabel = "<guarantee>",
            description = "ATLEAST_ONCE (Pulsar's default), ATMOST_ONCE, EFFECTIVELY_ONCE or MANUAL")
    String processingGuarantees;

    @Option(names = "--subs-name", paramLabel = "<name>", description = "the input subscription's name")
    String subsName;

    @Option(
            names = "--subs-position",
            paramLabel = "<position>",
            description = "where a new input subscription starts: Latest (Pulsar's default: messages sent before "
                    + "the function's first instance runs are not read) or Earliest")
    String subsPosition;

    @Option(
            names = "--window-length-count",
            paramLabel = "<n>",
            description = "a window function (type window): messages in a window")
    Integer windowLengthCount;

    @Option(
            names = "--window-length-duration-ms",
            paramLabel = "<ms>",
            description = "a window function: the window's length in time")
    Long windowLengthDurationMs;

    @Option(
            names = "--sliding-interval-count",
            paramLabel = "<n>",
            description = "a window function: messages after which the window slides")
    Integer slidingIntervalCount;

    @Option(
            names = "--sliding-interval-duration-ms",
            paramLabel = "<ms>",
            description = "a window function: the time after which the window slides")
    Long slidingIntervalDurationMs;

    @Option(
            names = "--event-time",
            paramLabel = "<message|json>",
            description =
                    "a window function: the function cuts its windows by event time (--window-length-duration-ms, "
                            + "--sliding-interval-duration-ms), found in the message (its producer's event time) or in its JSON "
                            + "value (\"eventTime\"); sets --processing-guarantees MANUAL")
    String eventTime;

    @Option(
            names = "--max-lag-ms",
            paramLabel = "<ms>",
            description = "with --event-time: how far behind the latest event time a message may arrive and still join "
                    + "its window (default 0)")
    Long maxLagMs;

    @Option(
            names = "--max-future-ms",
            paramLabel = "<ms>",
            description = "with --event-time: how far ahead of the instance's clock a message's time may be (a message "
                    + "further ahead fails; default: no check)")
    Long maxFutureMs;

    @Option(
            names = "--late-data-topic",
            paramLabel = "<topic>",
            description = "with --event-time: where a message behind the watermark goes, as it was (without one, it "
                    + "fails, and Pulsar dead-letters it after its retries)")
    String lateDataTopic;

    @Option(
            names = "--jar",
            paramLabel = "<nar>",
            description = "the function NAR (default: the project's <name>.nar, packaged when missing or older "
                    + "than the module)")
    Path jar;

    @Option(
            names = "--classname",
            paramLabel = "<class>",
            description = "the function class (default: the one the project's type runs with)")
    String className;

    @Option(names = "--dry-run", description = "print the equivalent pulsar-admin line and change nothing")
    boolean dryRun;

    @Option(
            names = "--undecoded-inputs",
            description = "a record function: read its inputs with io.pulsarwasm.schema.UndecodedAutoConsume, so "
                    + "Pulsar does not decode every message the function reads from its encoding anyway (a fifth to "
                    + "a third of a JSON record function's CPU). Not for KeyValue topics with "
                    + "tombstones: Pulsar stops the instance on one. Not with dead-lettering. An update that sends "
                    + "the inputs without it puts them back to Pulsar's AUTO_CONSUME. docs/records.md, "
                    + "\"Inputs left undecoded\"")
    boolean undecodedInputs;

    /** @return {@code create} or {@code update}, as {@code pulsar-admin functions} names it */
    abstract String verb();

    /** Sends the function to Pulsar. */
    abstract void submit(PulsarAdmin admin, FunctionConfig config, String nar) throws PulsarAdminException;

    /** @return whether inputs are required (deploy) or may be left as deployed (update) */
    abstract boolean inputsRequired();

    @Override
    public Integer call() {
        Path dir = project.dir;
        Project loaded = Project.find(dir);
        FunctionConfig config = config(loaded);
        if (undecodedInputs) {
            undecodedInputsFit(config); // before packaging: what the flags alone decide
        }
        Path nar = nar(loaded, config);
        if (undecodedInputs) {
            undecodedRecordInputs(config);
        }
        if (dryRun) {
            spec.commandLine().getOut().println(pulsarAdminLine(pulsar.adminUrl(), verb(), nar, config));
            return ExitCodes.OK;
        }
        String what = verb() + " the function " + function.describe(dir);
        try (PulsarAdmin admin = pulsar.admin()) {
            submit(admin, config, nar.toString());
        } catch (PulsarAdminException | RuntimeException e) {
            if (e instanceof CliException cli) {
                throw cli;
            }
            throw pulsar.failure(what, e);
        }
        String done = verb().equals("create")
                ? "Deployed " + function.describe(dir) + " (" + config.getClassName() + ", " + nar.getFileName()
                        + "): inputs " + String.join(", ", inputs(config))
                        + (config.getOutput() != null ? "; output " + config.getOutput() : "; no output topic")
                : "Updated " + function.describe(dir) + " (" + config.getClassName() + ", " + nar.getFileName() + ")";
        spec.commandLine().getOut().println(done);
        return ExitCodes.OK;
    }

    FunctionConfig config(Project loaded) {
        Path dir = project.dir;
        List<String> topics = inputs != null ? inputs : loaded != null ? loaded.inputs() : List.of();
        if (topics.isEmpty() && inputsRequired()) {
            throw CliException.usage(
                    "which topics does it read? give --inputs (or \"inputs\" in " + Project.FILE + ")");
        }
        Map<String, Object> config = new LinkedHashMap<>(loaded != null ? loaded.userConfig() : Map.of());
        config.putAll(UserConfig.parse(userConfig));
        FunctionConfig.FunctionConfigBuilder builder = FunctionConfig.builder()
                .tenant(function.tenant)
                .namespace(function.namespace)
                .name(function.name(dir))
                .runtime(FunctionConfig.Runtime.JAVA)
                .userConfig(config);
        if (!topics.isEmpty()) {
            builder.inputs(topics);
        }
        String out = output != null ? output : loaded != null ? loaded.output() : null;
        if (out != null) {
            builder.output(out);
        }
        if (parallelism != null) {
            builder.parallelism(parallelism);
        }
        if (maxMessageRetries != null) {
            builder.maxMessageRetries(maxMessageRetries);
        }
        if (deadLetterTopic != null) {
            builder.deadLetterTopic(deadLetterTopic);
        }
        if (timeoutMs != null) {
            builder.timeoutMs(timeoutMs);
        }
        if (logTopic != null) {
            builder.logTopic(logTopic);
        }
        if (subsName != null) {
            builder.subName(subsName);
        }
        boolean create = verb().equals("create");
        if (ram != null || cpu != null) {
            // create: Pulsar's defaults for what is not given, as pulsar-admin starts from; update:
            // only what is given, which Pulsar lays over the deployed resources
            Resources resources = create ? new Resources() : new Resources(null, null, null);
            if (ram != null) {
                resources.setRam(ram);
            }
            if (cpu != null) {
                resources.setCpu(cpu);
            }
            builder.resources(resources);
        }
        // the default on create only: an update without --runtime-flags keeps the deployed ones
        String flags = runtimeFlags != null
                ? runtimeFlags
                : create && jar == null && loaded != null ? defaultRuntimeFlags(loaded.language()) : null;
        if (flags != null && !flags.isBlank()) {
            builder.runtimeFlags(flags);
        }
        if (eventTime != null) {
            eventTimeWindows(config, builder);
        } else if (maxLagMs != null || lateDataTopic != null || maxFutureMs != null) {
            throw CliException.usage("--max-lag-ms, --max-future-ms and --late-data-topic go with --event-time");
        } else if (windowLengthCount != null
                || windowLengthDurationMs != null
                || slidingIntervalCount != null
                || slidingIntervalDurationMs != null) {
            WindowConfig window = new WindowConfig();
            window.setWindowLengthCount(windowLengthCount);
            window.setWindowLengthDurationMs(windowLengthDurationMs);
            window.setSlidingIntervalCount(slidingIntervalCount);
            window.setSlidingIntervalDurationMs(slidingIntervalDurationMs);
            builder.windowConfig(window);
        }
        if (subsPosition != null) {
            try {
                builder.subscriptionPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.valueOf(
                        subsPosition.substring(0, 1).toUpperCase(Locale.ROOT)
                                + subsPosition.substring(1).toLowerCase(Locale.ROOT)));
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw CliException.usage(
                        "--subs-position: unknown position '" + subsPosition + "': Latest or Earliest");
            }
        }
        if (processingGuarantees != null) {
            try {
                builder.processingGuarantees(
                        FunctionConfig.ProcessingGuarantees.valueOf(processingGuarantees.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--processing-guarantees: unknown guarantee '" + processingGuarantees
                        + "': ATLEAST_ONCE, ATMOST_ONCE, EFFECTIVELY_ONCE or MANUAL");
            }
        }
        FunctionConfig built = builder.build();
        if (eventTime != null) {
            if (built.getProcessingGuarantees() != null
                    && built.getProcessingGuarantees() != FunctionConfig.ProcessingGuarantees.MANUAL) {
                throw CliException.usage("--event-time windows acknowledge each message once its last window is out: "
                        + "--processing-guarantees must be MANUAL, not " + built.getProcessingGuarantees());
            }
            built.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.MANUAL);
        }
        return built;
    }

    /**
     * {@code --event-time}: the function's own event-time windows, in its user config ({@code
     * wasm.window.*}, read by {@code EventTimeConfig}); no Pulsar window flags.
     */
    private void eventTimeWindows(Map<String, Object> config, FunctionConfig.FunctionConfigBuilder builder) {
        if (!eventTime.equals("message") && !eventTime.equals("json")) {
            throw CliException.usage("--event-time: unknown place '" + eventTime + "': message or json");
        }
        if (windowLengthCount != null || slidingIntervalCount != null) {
            throw CliException.usage("--event-time windows are lengths of time: --window-length-duration-ms and "
                    + "--sliding-interval-duration-ms, not counts");
        }
        if (windowLengthDurationMs == null) {
            throw CliException.usage("--event-time needs a window: --window-length-duration-ms");
        }
        config.put(EventTimeConfig.LENGTH, windowLengthDurationMs);
        if (slidingIntervalDurationMs != null) {
            config.put(EventTimeConfig.SLIDE, slidingIntervalDurationMs);
        }
        if (maxLagMs != null) {
            config.put(EventTimeConfig.MAX_LAG, maxLagMs);
        }
        if (maxFutureMs != null) {
            config.put(EventTimeConfig.MAX_FUTURE, maxFutureMs);
        }
        config.put(EventTimeConfig.TIME, eventTime);
        if (lateDataTopic != null) {
            config.put(EventTimeConfig.LATE_TOPIC, lateDataTopic);
        }
        builder.userConfig(config);
    }

    /** The NAR to send, and the function class into the config. */
    private Path nar(Project loaded, FunctionConfig config) {
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                throw CliException.usage("--jar " + jar + " does not exist");
            }
            if (className == null) {
                throw CliException.usage("--jar needs --classname: the function class the NAR runs its module with");
            }
            config.setClassName(className);
            return jar.toAbsolutePath().normalize();
        }
        if (loaded == null) {
            throw CliException.usage(project.dir.toAbsolutePath().normalize() + " is not a pulsar-wasm project (no "
                    + Project.FILE + "): run in one, or give --jar and --classname");
        }
        Path module = ProjectOptions.builtModule(loaded);
        Path nar = loaded.nar();
        PackageCommand.Packaged packaged;
        if (!Files.isRegularFile(nar) || isOlder(nar, module)) {
            spec.commandLine().getErr().println("packaging " + module + " into " + nar);
            packaged = PackageCommand.packageProject(loaded, null, userConfig, null);
        } else {
            packaged = new PackageCommand.Packaged(nar, ProjectOptions.checkedType(loaded));
        }
        config.setClassName(className != null ? className : packaged.type().functionClass());
        if ((config.getWindowConfig() != null || eventTime != null)
                && className == null
                && packaged.type() != NarPackager.Type.WINDOW) {
            throw CliException.usage("the window flags need a window function: \"type\": \"window\" in " + Project.FILE
                    + " (WasmWindowFunction), not " + Runs.name(packaged.type()));
        }
        return packaged.nar();
    }

    /**
     * A record function's inputs, read with {@link UndecodedAutoConsume}: Pulsar then does not
     * decode each input the function maps from its encoding anyway.
     *
     * @param config a function's config, its class set
     * @throws CliException if the function is not a record function, or Pulsar dead-letters its
     *     messages (they would reach the dead-letter topic without their schema version)
     */
    static void undecodedRecordInputs(FunctionConfig config) {
        String record = WasmRecordFunction.class.getName();
        if (!record.equals(config.getClassName())) {
            throw CliException.usage(
                    "--undecoded-inputs is for record functions (" + record + "), not " + config.getClassName());
        }
        undecodedInputsFit(config);
        Map<String, ConsumerConfig> specs = new LinkedHashMap<>();
        for (String topic : config.getInputs()) {
            specs.put(
                    topic,
                    ConsumerConfig.builder()
                            .schemaType(UndecodedAutoConsume.class.getName())
                            .build());
        }
        config.setInputSpecs(specs);
        // not also as plain inputs: on update, Pulsar resets the spec of every topic listed there to its default
        config.setInputs(null);
    }

    /**
     * Refuses {@code --undecoded-inputs} where the other options rule it out, whatever the class.
     *
     * @param config a function's config
     * @throws CliException if Pulsar dead-letters its messages, or it has no inputs
     */
    private static void undecodedInputsFit(FunctionConfig config) {
        if (config.getMaxMessageRetries() != null || config.getDeadLetterTopic() != null) {
            throw CliException.usage("--undecoded-inputs does not go with --max-message-retries or "
                    + "--dead-letter-topic: Pulsar would dead-letter the messages without their schema version");
        }
        if (config.getInputs() == null || config.getInputs().isEmpty()) {
            throw CliException.usage(
                    "--undecoded-inputs needs the inputs: give --inputs (or \"inputs\" in " + Project.FILE + ")");
        }
    }

    /** @return a config's input topics: its plain inputs, then those with a spec of their own */
    static List<String> inputs(FunctionConfig config) {
        List<String> all = new ArrayList<>(config.getInputs() != null ? config.getInputs() : List.of());
        if (config.getInputSpecs() != null) {
            config.getInputSpecs().keySet().stream()
                    .filter(topic -> !all.contains(topic))
                    .forEach(all::add);
        }
        return all;
    }

    private static boolean isOlder(Path file, Path than) {
        try {
            return Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) < 0;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /**
     * The {@code pulsar-admin} line that does what this command would.
     *
     * @param adminUrl the admin service
     * @param verb {@code create} or {@code update}
     * @param nar the NAR
     * @param config the function's config
     * @return the line, quoted for a POSIX shell
     */
    static String pulsarAdminLine(String adminUrl, String verb, Path nar, FunctionConfig config) {
        List<String> args = new ArrayList<>(List.of("bin/pulsar-admin", "--admin-url", adminUrl, "functions", verb));
        add(args, "--jar", nar.toString());
        add(args, "--classname", config.getClassName());
        add(args, "--tenant", config.getTenant());
        add(args, "--namespace", config.getNamespace());
        add(args, "--name", config.getName());
        Map<String, ConsumerConfig> specs = config.getInputSpecs() != null ? config.getInputSpecs() : Map.of();
        if (config.getInputs() != null && !config.getInputs().isEmpty()) {
            add(args, "--inputs", String.join(",", config.getInputs()));
        }
        if (!specs.isEmpty()) {
            Map<String, Map<String, String>> schemaTypes = new LinkedHashMap<>();
            specs.forEach((topic, spec) -> {
                Map<String, String> given = new LinkedHashMap<>();
                if (spec.getSchemaType() != null) {
                    given.put("schemaType", spec.getSchemaType());
                }
                schemaTypes.put(topic, given);
            });
            add(
                    args,
                    "--input-specs",
                    new GsonBuilder().disableHtmlEscaping().create().toJson(schemaTypes));
        }
        add(args, "--output", config.getOutput());
        if (config.getUserConfig() != null && !config.getUserConfig().isEmpty()) {
            add(
                    args,
                    "--user-config",
                    new GsonBuilder().disableHtmlEscaping().create().toJson(config.getUserConfig()));
        }
        add(args, "--parallelism", config.getParallelism());
        WindowConfig window = config.getWindowConfig();
        if (window != null) {
            add(args, "--window-length-count", window.getWindowLengthCount());
            add(args, "--window-length-duration-ms", window.getWindowLengthDurationMs());
            add(args, "--sliding-interval-count", window.getSlidingIntervalCount());
            add(args, "--sliding-interval-duration-ms", window.getSlidingIntervalDurationMs());
        }
        add(args, "--max-message-retries", config.getMaxMessageRetries());
        add(args, "--dead-letter-topic", config.getDeadLetterTopic());
        add(args, "--timeout-ms", config.getTimeoutMs());
        add(args, "--log-topic", config.getLogTopic());
        add(args, "--processing-guarantees", config.getProcessingGuarantees());
        add(args, "--subs-name", config.getSubName());
        // create fills in Pulsar's defaults, which the line leaves out; update sends only what was given
        Resources resources = config.getResources();
        Resources defaults = verb.equals("create") ? Resources.getDefaultResources() : new Resources(null, null, null);
        if (resources != null && !java.util.Objects.equals(defaults.getCpu(), resources.getCpu())) {
            add(args, "--cpu", resources.getCpu());
        }
        if (resources != null && !java.util.Objects.equals(defaults.getRam(), resources.getRam())) {
            add(args, "--ram", resources.getRam());
        }
        add(args, "--runtime-flags", config.getRuntimeFlags());
        if (config.getSubscriptionPosition() != org.apache.pulsar.client.api.SubscriptionInitialPosition.Latest) {
            add(args, "--subs-position", config.getSubscriptionPosition()); // Latest is Pulsar's default
        }
        return String.join(" ", args.stream().map(Submission::quote).toList());
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }

    /** @return the word as a POSIX shell reads it back */
    static String quote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * @param language a project's language
     * @return the runtime flags its instances get on deploy unless the user gives some: {@link
     *     #HUGE_METHOD_FLAGS} for the languages whose engine has functions over HotSpot's huge-method
     *     limit in every module (QuickJS's interpreter loop; Go's runtime), else null
     */
    static String defaultRuntimeFlags(Language language) {
        return language == Language.JAVASCRIPT || language == Language.GO ? HUGE_METHOD_FLAGS : null;
    }
}
