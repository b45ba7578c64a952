package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The function author's loop with the {@code pulsar-wasm} command, as a user runs it: the layout the
 * build wrote ({@code pulsar-wasm-cli/target/pulsar-wasm/bin/pulsar-wasm}), in folders outside the
 * repository, on the suite's real Pulsar. For Rust, C, AssemblyScript and JavaScript, concurrently:
 * {@code new} → {@code test} (build, native tests, the test file in-process) → {@code package} →
 * {@code deploy} → a message answered and a message too long dead-lettered → {@code status},
 * {@code logs} → {@code replay} of the dead letter against the deployed module (fails as it did),
 * then against the module fixed and rebuilt (answers) → {@code replay --compare} of the input topic
 * against the output topic → {@code update} → the same kind of message answered → {@code delete}.
 * Go's project goes through {@code new}, {@code test} and {@code package}.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(9) // the order the two workers take the classes in (integration-tests/pom.xml)
class CliIT extends RealPulsarTest {

    /** The message every template fails (22 bytes, more than its MAX_LEN of 16) and the fix answers. */
    private static final String TOO_LONG = "far too long a message";

    /** A language's project: its name for {@code new}, its source file, and how it fails {@link #TOO_LONG}. */
    record Language(String id, String source, String failure) {}

    private static final List<Language> DEPLOYED = List.of(
            new Language("rust", "src/lib.rs", "a message of 22 bytes is longer than 16"),
            new Language("c", "cli_c.c", "a message longer than 16 bytes"),
            new Language("assemblyscript", "cli_assemblyscript.ts", "a message of 22 bytes is longer than 16"),
            new Language("javascript", "cli_javascript.js", "RangeError: a message of 22 bytes is longer than 16"));

    /** The line that sets the longest message in each template: {@code 16} becomes {@code 64}. */
    private static final Pattern MAX_LEN =
            Pattern.compile("(?m)^(const MAX_LEN(?::\\s*usize)?\\s*=\\s*|#define MAX_LEN\\s+|const maxLen\\s*=\\s*)16");

    private static final Path CLI =
            Path.of(System.getProperty("pulsarwasm.cliHome")).resolve("bin").resolve("pulsar-wasm");

    /** What one run of the command printed, and its exit code. */
    record Run(int exit, String out, String err) {
        Run expect(int code, String what) {
            assertEquals(code, exit, what + " exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    @Test
    void theLoopFromNewToDeleteInEachLanguage() throws Exception {
        Path scratch = Files.createTempDirectory("cli-it-");
        ExecutorService pool = Executors.newFixedThreadPool(DEPLOYED.size() + 2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (Language language : DEPLOYED) {
                runs.add(pool.submit(() -> {
                    loop(language, scratch);
                    return null;
                }));
            }
            runs.add(pool.submit(() -> {
                goToAPackage(scratch);
                return null;
            }));
            runs.add(pool.submit(() -> {
                aRecordFunctionReplayedAgainstItsOutputs(scratch);
                return null;
            }));
            List<Throwable> failures = new ArrayList<>();
            for (Future<?> run : runs) {
                try {
                    run.get(18, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            if (!failures.isEmpty()) {
                AssertionError error = new AssertionError(failures.size() + " of the loops failed: " + failures);
                failures.forEach(error::addSuppressed);
                throw error;
            }
        } finally {
            pool.shutdownNow();
        }
        deleteRecursively(scratch); // kept when the test fails
    }

    private void loop(Language language, Path scratch) throws Exception {
        String name = "cli-" + language.id();
        Path dir = scratch.resolve(name);
        String in = NS + name + "-in";
        String out = NS + name + "-out";
        String dlq = NS + name + "-dlq";
        String log = NS + name + "-log";

        cli(scratch, "new", language.id(), name).expect(0, name + ": new");
        Run test = cli(dir, "test").expect(0, name + ": test");
        assertTrue(test.out().endsWith("tests.json: 3 passed, 0 failed\n"), test.out());
        Run packaged = cli(dir, "package").expect(0, name + ": package");
        assertEquals(
                "Wrote " + dir.resolve(name + ".nar") + " (io.pulsarwasm.function.WasmStringFunction)\n",
                packaged.out());

        // in the function's schemas: a BYTES subscription would keep its STRING producer off the topic
        try (Consumer<String> outputs = Messages.subscribe(client, out, Schema.STRING);
                Consumer<String> deadLetters = Messages.subscribe(client, dlq, Schema.STRING);
                Producer<String> producer =
                        client.newProducer(Schema.STRING).topic(in).create()) {
            Run deployed = cli(
                            dir,
                            "deploy",
                            "--inputs",
                            in,
                            "--output",
                            out,
                            "--max-message-retries",
                            "1",
                            "--dead-letter-topic",
                            dlq,
                            "--timeout-ms",
                            Long.toString(RETRY_DELAY_MS),
                            "--log-topic",
                            log,
                            // the messages below may be sent before the instance subscribes
                            "--subs-position",
                            "Earliest")
                    .expect(0, name + ": deploy");
            assertEquals(
                    "Deployed public/default/" + name + " (io.pulsarwasm.function.WasmStringFunction, " + name
                            + ".nar): inputs " + in + "; output " + out + "\n",
                    deployed.out());
            try {
                producer.send("hello");
                producer.send(TOO_LONG);
                assertEquals("HELLO!", receiveOne(outputs, LIVENESS, name));
                // a JavaScript project's instance JVM compiles QuickJS's huge interpreter loop
                boolean javaScript = language.id().equals("javascript");
                assertEquals(
                        javaScript ? "-XX:-DontCompileHugeMethods" : null,
                        admin.functions().getFunction("public", "default", name).getRuntimeFlags(),
                        name + ": runtime flags");
                List<String> instances = pulsar.functionInstanceCommandLines(name);
                assertEquals(1, instances.size(), name + "'s instance processes: " + instances);
                assertEquals(
                        javaScript,
                        (instances.get(0) + " ").contains(" -XX:-DontCompileHugeMethods "),
                        instances.get(0));
                assertEquals(TOO_LONG, receiveOne(deadLetters, DEAD_LETTER_WAIT, name));

                Run status = cli(dir, "status").expect(0, name + ": status");
                assertTrue(
                        status.out().startsWith("public/default/" + name + ": 1 of 1 instances running\n"),
                        status.out());
                assertTrue(status.out().contains(language.failure()), status.out());
                Run logs = cli(dir, "logs", "--tail", "1000").expect(0, name + ": logs");
                // the instance's start line, which the host logs through the function's logger
                boolean script = language.id().equals("javascript");
                assertTrue(
                        logs.out()
                                .contains("pulsar-wasm: loaded " + (script ? "JavaScript function" : "module")
                                        + " 'io.pulsarwasm.function.WasmStringFunction." + (script ? "js" : "wasm")
                                        + "' for "
                                        + name + " ("),
                        logs.out());

                // the dead letter, replayed with the deployed module: it fails as it did
                Run before = cli(dir, "replay", dlq).expect(1, name + ": replay with the deployed module");
                assertTrue(
                        before.out().contains(" \"" + TOO_LONG + "\" -> failed: " + language.failure()), before.out());
                assertTrue(
                        before.out().endsWith("replayed 1 message from " + dlq + ": 0 ok, 1 failed\n"), before.out());

                // the fix: the longest message is 64 bytes; rebuilt, the dead letter is answered
                Path source = dir.resolve(language.source());
                String fixed = MAX_LEN.matcher(Files.readString(source)).replaceFirst("$164");
                assertTrue(!fixed.equals(Files.readString(source)), name + ": no MAX_LEN of 16 in " + source);
                Files.writeString(source, fixed);
                cli(dir, "build").expect(0, name + ": build of the fix");
                Run after = cli(dir, "replay", dlq).expect(0, name + ": replay with the fix");
                assertTrue(after.out().contains(" \"" + TOO_LONG + "\" -> \"FAR TOO LONG A MESSAGE!\"\n"), after.out());
                assertTrue(after.out().endsWith("replayed 1 message from " + dlq + ": 1 ok, 0 failed\n"), after.out());

                // the input topic against what the deployed function wrote: one the same, one new
                Run compared = cli(dir, "replay", in, "--compare", out).expect(1, name + ": replay --compare");
                assertTrue(
                        compared.out().contains(" \"hello\" -> \"HELLO!\"   | deployed: \"HELLO!\"  same\n"),
                        compared.out());
                assertTrue(
                        compared.out()
                                .contains(
                                        " \"" + TOO_LONG + "\" -> \"FAR TOO LONG A MESSAGE!\"   | deployed: (no output)"
                                                + "  DIFFERS\n"),
                        compared.out());
                assertTrue(
                        compared.out()
                                .endsWith("replayed 2 messages from " + in + ": 2 ok, 0 failed, 1 differ from " + out
                                        + "\n"),
                        compared.out());

                // the fix deployed: a message of 19 bytes is answered now
                Run updated = cli(dir, "update").expect(0, name + ": update");
                assertEquals(
                        "Updated public/default/" + name + " (io.pulsarwasm.function.WasmStringFunction, " + name
                                + ".nar)\n",
                        updated.out());
                producer.send("a message of twenty");
                assertEquals("A MESSAGE OF TWENTY!", receiveOne(outputs, LIVENESS, name), name + " after the update");
            } finally {
                cli(dir, "delete").expect(0, name + ": delete");
            }
            assertThrows(
                    PulsarAdminException.NotFoundException.class,
                    () -> admin.functions().getFunction("public", "default", name));
        }
    }

    /** The README's section on the command. */
    private static final String README_SECTION = "## Your first function, with the command line";

    /**
     * The README's block, run as written in an empty folder outside the repository, but for its
     * install step: the build has already laid the command out, and the block's {@code PATH} is set
     * to that layout instead. Then one message is answered.
     */
    @Test
    void theReadmesBlockRunsAsWritten() throws Exception {
        List<String> lines = Files.readString(Artifacts.repoDir().resolve("README.md"))
                .lines()
                .toList();
        int section = lines.indexOf(README_SECTION);
        assertTrue(section >= 0, "README.md has no '" + README_SECTION + "'");
        int start = section + 1;
        while (!lines.get(start).equals("```bash")) {
            start++;
        }
        List<String> script = new ArrayList<>();
        boolean installed = false;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.equals("```")) {
                break;
            }
            if (line.startsWith("./mvnw ")) {
                assertTrue(
                        line.contains("export PATH=\"$PWD/pulsar-wasm-cli/target/pulsar-wasm/bin:$PATH\""),
                        "the README's install step puts another folder on PATH than the layout this test runs: "
                                + line);
                installed = true;
                continue;
            }
            script.add(line);
        }
        assertTrue(installed, "the README's block has no install step (./mvnw ... && export PATH=...)");
        Path scratch = Files.createTempDirectory("cli-readme-");
        String name = "shout";
        try (Consumer<String> outputs = Messages.subscribe(client, NS + "shout-out", Schema.STRING);
                Producer<String> producer =
                        client.newProducer(Schema.STRING).topic(NS + "shout-in").create()) {
            try {
                Path file = scratch.resolve("readme.sh");
                Files.writeString(file, "set -euo pipefail\n" + String.join("\n", script) + "\n");
                ProcessBuilder builder = new ProcessBuilder("bash", file.toString())
                        .directory(scratch.toFile())
                        .redirectErrorStream(true);
                builder.environment().put("PATH", CLI.getParent() + ":" + System.getenv("PATH"));
                builder.environment().put("PULSAR_ADMIN_URL", pulsar.adminUrl());
                builder.environment().put("PULSAR_SERVICE_URL", pulsar.serviceUrl());
                Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(process.waitFor(10, TimeUnit.MINUTES), "the README's block did not end");
                assertEquals(0, process.exitValue(), "the README's block failed:\n" + output);
                assertTrue(output.contains("tests.json: 3 passed, 0 failed\n"), output);
                producer.send("hello");
                assertEquals("HELLO!", receiveOne(outputs, LIVENESS, name));
            } finally {
                cli(scratch.resolve(name), "delete").expect(0, "the README's function: delete");
            }
        }
        deleteRecursively(scratch);
    }

    /**
     * A record function without a project: records.wasm (the Rust sample: the name upper-cased, the
     * age plus one) packaged and deployed on Avro records with its inputs left undecoded, then its
     * input replayed through the same module and compared with what the deployed function stored,
     * byte for byte.
     */
    private void aRecordFunctionReplayedAgainstItsOutputs(Path scratch) throws Exception {
        String name = "cli-records";
        String in = NS + name + "-in";
        String out = NS + name + "-out";
        String module = Artifacts.sample("records.wasm").toString();
        Path nar = scratch.resolve(name + ".nar");
        cli(scratch, "package", "--module", module, "--type", "record", "--output", nar.toString())
                .expect(0, name + ": package");
        try (Consumer<org.apache.pulsar.client.api.schema.GenericRecord> outputs =
                        Messages.subscribe(client, out, Schema.AUTO_CONSUME());
                Producer<ClusterIT.User> producer = client.newProducer(Schema.AVRO(ClusterIT.User.class))
                        .topic(in)
                        .create()) {
            producer.send(new ClusterIT.User("ada", 36));
            producer.send(new ClusterIT.User("max", 41));
            cli(
                            scratch,
                            "deploy",
                            "--name",
                            name,
                            "--jar",
                            nar.toString(),
                            "--classname",
                            "io.pulsarwasm.function.WasmRecordFunction",
                            "--inputs",
                            in,
                            "--output",
                            out,
                            "--subs-position",
                            "Earliest",
                            // Pulsar leaves the inputs undecoded; the replay below reads them as AUTO_CONSUME does
                            "--undecoded-inputs")
                    .expect(0, name + ": deploy");
            try {
                assertEquals(
                        "io.pulsarwasm.schema.UndecodedAutoConsume",
                        admin.functions()
                                .getFunction("public", "default", name)
                                .getInputSpecs()
                                .get(in)
                                .getSchemaType());
                assertEquals(
                        java.util.Set.of("ADA/37", "MAX/42"),
                        Messages.receive(outputs, 2, LIVENESS).stream()
                                .map(message -> message.getValue().getField("name") + "/"
                                        + message.getValue().getField("age"))
                                .collect(java.util.stream.Collectors.toSet()));
                Run replayed = cli(scratch, "replay", in, "--module", module, "--type", "record", "--compare", out)
                        .expect(0, name + ": replay --compare");
                // Schema.AVRO of the class orders its fields by name
                assertTrue(
                        replayed.out()
                                .contains(" \"{\"age\":36,\"name\":\"ada\"}\" -> \"{\"age\":37,\"name\":\"ADA\"}\"   "
                                        + "| deployed: \"{\"age\":37,\"name\":\"ADA\"}\"  same\n"),
                        replayed.out());
                assertTrue(
                        replayed.out()
                                .endsWith("replayed 2 messages from " + in + ": 2 ok, 0 failed, 0 differ from " + out
                                        + "\n"),
                        replayed.out());
            } finally {
                cli(scratch, "delete", "--name", name).expect(0, name + ": delete");
            }
        }
    }

    /** Go's project: new, test (go test and the test file), package. */
    private void goToAPackage(Path scratch) {
        Path dir = scratch.resolve("cli-go");
        cli(scratch, "new", "go", "cli-go").expect(0, "cli-go: new");
        Run test = cli(dir, "test").expect(0, "cli-go: test");
        assertTrue(test.out().endsWith("tests.json: 3 passed, 0 failed\n"), test.out());
        // Go's runtime has functions over HotSpot's JIT limit in every module: the run says so, once
        assertTrue(
                java.util.regex.Pattern.compile("\nwarning: wasm module 'cli_go.wasm': \\d+ functions are over the "
                                + "JVM's limit of 8000 bytes of bytecode for JIT compilation and run in its bytecode "
                                + "interpreter, several times slower \\(.*\\); split them into smaller functions "
                                + "\\(e.g. keep helpers from being inlined\\), or run the function's instances with "
                                + "-XX:-DontCompileHugeMethods\ntests.json: 3 passed")
                        .matcher(test.out())
                        .find(),
                test.out());
        cli(dir, "package").expect(0, "cli-go: package");
        assertTrue(Files.isRegularFile(dir.resolve("cli-go.nar")));
    }

    /** One message, or a failure with the function's status and the end of its log. */
    private static String receiveOne(Consumer<String> consumer, java.time.Duration timeout, String name)
            throws org.apache.pulsar.client.api.PulsarClientException {
        try {
            return Messages.receive(consumer, 1, timeout).get(0).getValue();
        } catch (IllegalStateException e) {
            throw new AssertionError(
                    name + ": " + e.getMessage() + "\nfunction log:\n" + pulsar.functionLog("public", "default", name),
                    e);
        }
    }

    /** Runs {@code pulsar-wasm} in a folder, pointed at the suite's Pulsar as a user's environment would. */
    private static Run cli(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(CLI.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("cli-out-", ".txt");
            Path err = Files.createTempFile("cli-err-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            env.put("PULSAR_ADMIN_URL", pulsar.adminUrl());
            env.put("PULSAR_SERVICE_URL", pulsar.serviceUrl());
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("pulsar-wasm " + String.join(" ", args) + " did not end in 10 minutes");
            }
            Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
