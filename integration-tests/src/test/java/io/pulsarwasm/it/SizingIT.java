package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The commands of {@code docs/kubernetes.md}, run as written (the NAR's path aside) against the
 * suite's Pulsar, whose process runtime builds an instance's {@code java} command as the
 * Kubernetes runtime does: {@code --ram} becomes {@code -Xmx}, {@code --runtime-flags} reach the
 * command line, and a heap too small for the guest's memory limit is named in the log.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(5) // the order the two workers take the classes in (integration-tests/pom.xml)
class SizingIT extends RealPulsarTest {

    private static final String NAME = "shout-sized";
    private static final String WARNING = "may grow its memory to 64 MiB (user config wasm.max-memory-pages=1024), "
            + "a quarter or more of this JVM's heap, which is at most ";

    @Test
    void theDocumentedRamRuntimeFlagsAndHeapWarningHoldOnARealWorker() throws Exception {
        Path nar = Artifacts.workDir().resolveSibling("shout-sized.nar");
        CommandResult.run(
                        List.of(
                                Artifacts.repoDir()
                                        .resolve("scripts/package-wasm.sh")
                                        .toString(),
                                Artifacts.repoDir()
                                        .resolve("wasm-samples/javascript/shout.js")
                                        .toString(),
                                "--type",
                                "string",
                                "--output",
                                nar.toString()),
                        Artifacts.repoDir(),
                        Duration.ofMinutes(5))
                .orFail("package-wasm.sh shout.js");
        String doc = Files.readString(Artifacts.repoDir().resolve("docs/kubernetes.md"));
        List<String> create = command(doc, "sized-create");
        List<String> update = command(doc, "sized-update");
        assertEquals("--jar", create.get(create.indexOf("shout.nar") - 1));
        create.set(create.indexOf("shout.nar"), pulsar.visibleToWorker(nar));

        try (Consumer<String> outputs = Messages.subscribe(client, NS + NAME + "-out", Schema.STRING);
                Producer<String> producer = client.newProducer(Schema.STRING)
                        .topic(NS + NAME + "-in")
                        .create()) {
            pulsar.pulsarAdmin(create.subList(1, create.size()).toArray(String[]::new))
                    .orFail("the documented functions create");
            // the subscription starts at the latest message: send until the instance answers
            assertEquals("HELLO!", firstAnswer(producer, outputs, "hello"));
            String commandLine = onlyInstance();
            assertTrue(commandLine.contains(" -XX:-DontCompileHugeMethods "), commandLine);
            assertTrue(commandLine.contains(" -Xmx402653184 "), commandLine);
            assertTrue(
                    commandLine.indexOf("-XX:-DontCompileHugeMethods") < commandLine.indexOf("-Xmx402653184"),
                    "--runtime-flags come before -Xmx: " + commandLine);
            assertFalse(pulsar.functionLog("public", "default", NAME).contains(WARNING));
            // a String function in Pulsar's Java instance hands a complete output back as a value
            assertTrue(pulsar.functionLog("public", "default", NAME)
                    .contains("pulsar-wasm: in Pulsar's Java instance: an output complete when the guest returns "
                            + "goes back as a value"));

            pulsar.pulsarAdmin(update.subList(1, update.size()).toArray(String[]::new))
                    .orFail("the documented functions update");
            Awaitility.await("the instance restarted with -Xmx201326592")
                    .atMost(LIVENESS)
                    .ignoreExceptions()
                    .until(() -> onlyInstance().contains(" -Xmx201326592 "));
            assertEquals("AGAIN!", firstAnswer(producer, outputs, "again"));
            Awaitility.await("the heap warning in the log")
                    .atMost(LIVENESS)
                    .until(() -> pulsar.functionLog("public", "default", NAME).contains(WARNING));
            pulsar.functionLog("public", "default", NAME)
                    .lines()
                    .filter(line -> line.contains(WARNING))
                    .findFirst()
                    .ifPresent(line -> System.out.println("SizingIT: " + line));
            assertTrue(onlyInstance().contains(" -XX:-DontCompileHugeMethods "), "the update kept the flags");
        } finally {
            Functions.delete(admin, NAME);
        }
    }

    /** Sends the value until an answer comes (an instance starting subscribes at the latest message), then drains. */
    private static String firstAnswer(Producer<String> producer, Consumer<String> outputs, String value)
            throws Exception {
        long deadline = System.nanoTime() + LIVENESS.toNanos();
        while (System.nanoTime() < deadline) {
            producer.send(value);
            org.apache.pulsar.client.api.Message<String> answer = outputs.receive(2, TimeUnit.SECONDS);
            if (answer != null) {
                outputs.acknowledge(answer);
                // answers to the earlier sends of the same value may follow: all must be the same
                for (org.apache.pulsar.client.api.Message<String> more = outputs.receive(3, TimeUnit.SECONDS);
                        more != null;
                        more = outputs.receive(3, TimeUnit.SECONDS)) {
                    outputs.acknowledge(more);
                    assertEquals(answer.getValue(), more.getValue());
                }
                return answer.getValue();
            }
        }
        throw new AssertionError(
                "no answer to '" + value + "' within " + LIVENESS + "\n" + Functions.explain(pulsar, admin, NAME));
    }

    private static String onlyInstance() {
        List<String> lines = pulsar.functionInstanceCommandLines(NAME);
        assertEquals(1, lines.size(), "instance processes of " + NAME + ": " + lines);
        return lines.get(0) + " ";
    }

    /**
     * The shell command in the fenced block after {@code <!-- marker: ...} in the doc, as the
     * shell would split it: backslash-newline joins lines, quotes group words and are removed.
     */
    static List<String> command(String doc, String marker) {
        int at = doc.indexOf("<!-- " + marker + ":");
        if (at < 0) {
            throw new AssertionError("no <!-- " + marker + ": --> in docs/kubernetes.md");
        }
        int start = doc.indexOf("```bash\n", at) + "```bash\n".length();
        String text = doc.substring(start, doc.indexOf("```", start)).replace("\\\n", " ");
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        assertEquals("bin/pulsar-admin", words.get(0), "the documented command: " + words);
        return words;
    }
}
