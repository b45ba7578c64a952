package io.pulsarwasm.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.schema.GenericRecord;
import org.apache.pulsar.common.functions.FunctionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulsar-wasm logs}: the function's log lines, from its log topic. */
@Command(
        header = "Print a deployed function's latest log lines, from its log topic.",
        name = "logs",
        description = {
            "Print a deployed function's latest log lines. Pulsar sends a function's log to its log topic "
                    + "(deploy --log-topic); this reads that topic, without a subscription. The worker's own log "
                    + "file has them too (logs/functions/<tenant>/<namespace>/<name>/ on the worker)."
        },
        mixinStandardHelpOptions = true)
final class LogsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ProjectOptions project;

    @Mixin
    PulsarOptions pulsar;

    @Mixin
    FunctionName function;

    @Option(names = "--tail", paramLabel = "<n>", description = "how many of the latest lines (default: 100)")
    int tail = 100;

    @Option(
            names = {"-f", "--follow"},
            description = "then keep printing new lines until interrupted")
    boolean follow;

    @Override
    public Integer call() {
        String name = function.name(project.dir);
        FunctionConfig config;
        try (PulsarAdmin admin = pulsar.admin()) {
            config = admin.functions().getFunction(function.tenant, function.namespace, name);
        } catch (PulsarAdminException | RuntimeException e) {
            throw pulsar.failure("read the config of " + function.describe(project.dir), e);
        }
        if (config.getLogTopic() == null || config.getLogTopic().isBlank()) {
            throw CliException.usage(function.describe(project.dir) + " has no log topic: deploy it with "
                    + "--log-topic <topic> (pulsar-wasm update --log-topic <topic> adds one)");
        }
        var out = spec.commandLine().getOut();
        try (PulsarClient client = pulsar.client();
                Reader<GenericRecord> reader = client.newReader(Schema.AUTO_CONSUME())
                        .topic(config.getLogTopic())
                        .startMessageId(MessageId.earliest)
                        .create()) {
            Deque<String> last = new ArrayDeque<>();
            while (reader.hasMessageAvailable()) {
                Message<GenericRecord> message = reader.readNext(30, TimeUnit.SECONDS);
                if (message == null) {
                    break;
                }
                last.addLast(new String(message.getData(), StandardCharsets.UTF_8).stripTrailing());
                if (last.size() > tail) {
                    last.removeFirst();
                }
            }
            last.forEach(out::println);
            out.flush();
            while (follow) {
                Message<GenericRecord> message = reader.readNext(1, TimeUnit.SECONDS);
                if (message != null) {
                    out.println(new String(message.getData(), StandardCharsets.UTF_8).stripTrailing());
                    out.flush();
                }
            }
        } catch (java.io.IOException e) {
            throw CliException.pulsar(
                    "cannot read the log topic " + config.getLogTopic() + " at " + pulsar.serviceUrl() + ": "
                            + e.getMessage(),
                    e);
        }
        return ExitCodes.OK;
    }
}
