package io.pulsarwasm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a user runs it, in-process: what each command prints and its exit code, for the
 * steps that need no toolchain and no Pulsar (the integration suite's CliIT runs the whole loop on a
 * real Pulsar, for every language).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PulsarWasmCliTest {

    @TempDir
    Path temp;

    private Path home;
    private String savedHome;

    /** What one run printed, and its exit code. */
    record Result(int exit, String out, String err) {}

    @BeforeEach
    void install() throws IOException {
        home = Files.createDirectories(temp.resolve("home"));
        Files.createDirectories(home.resolve("sdk"));
        savedHome = System.getProperty(Home.PROPERTY);
        System.setProperty(Home.PROPERTY, home.toString());
    }

    @AfterEach
    void restore() {
        if (savedHome == null) {
            System.clearProperty(Home.PROPERTY);
        } else {
            System.setProperty(Home.PROPERTY, savedHome);
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = PulsarWasmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void newWritesEachLanguagesProjectWithTheNameAndTheSdkFilledIn() throws IOException {
        String sdk = home.resolve("sdk").toString();
        List<List<String>> expected = List.of(
                List.of(
                        "rust",
                        "pulsar-wasm.json",
                        "tests.json",
                        "Cargo.toml",
                        ".cargo/config.toml",
                        "src/lib.rs",
                        ".gitignore"),
                List.of("c", "pulsar-wasm.json", "tests.json", "my_fn.c", "my_fn.test.mjs", ".gitignore"),
                List.of(
                        "assemblyscript",
                        "pulsar-wasm.json",
                        "tests.json",
                        "package.json",
                        "my_fn.ts",
                        "my_fn.test.mjs",
                        ".gitignore"),
                List.of(
                        "javascript",
                        "pulsar-wasm.json",
                        "tests.json",
                        "package.json",
                        "my_fn.js",
                        "my_fn.test.mjs",
                        ".gitignore"),
                List.of("go", "pulsar-wasm.json", "tests.json", "go.mod", "main.go", "main_test.go", ".gitignore"));
        for (List<String> language : expected) {
            Path dir = temp.resolve(language.get(0));
            Result result = run("new", language.get(0), "my-fn", "--dir", dir.toString());
            assertEquals(0, result.exit(), result.err());
            for (String file : language.subList(1, language.size())) {
                Path path = dir.resolve(file);
                assertTrue(Files.isRegularFile(path), language.get(0) + ": " + file + " missing");
                String text = Files.readString(path);
                assertTrue(!text.contains("{{"), language.get(0) + ": " + file + " has a placeholder left: " + text);
                assertTrue(result.out().contains("  " + file + "\n"), result.out());
            }
            Project project = Project.load(dir);
            assertEquals("my-fn", project.name());
            assertEquals(language.get(0), project.language().id());
        }
        assertTrue(Files.readString(temp.resolve("rust/Cargo.toml")).contains("path = \"" + sdk + "/rust\""));
        assertTrue(Files.readString(temp.resolve("go/go.mod")).contains("=> " + sdk + "/go"));
        assertTrue(Files.readString(temp.resolve("assemblyscript/package.json"))
                .contains("\"pulsar-wasm-assemblyscript\": \"file:" + sdk + "/assemblyscript\""));
    }

    @Test
    void newRefusesAnUnknownLanguageABadNameAndAFolderInUse() throws IOException {
        Result language = run("new", "cobol", "f", "--dir", temp.resolve("x").toString());
        assertEquals(2, language.exit());
        assertEquals(
                "pulsar-wasm new: unknown language 'cobol': choose one of rust, c, assemblyscript, javascript, go\n",
                language.err());
        Result name = run("new", "rust", "My_Fn", "--dir", temp.resolve("y").toString());
        assertEquals(2, name.exit());
        assertEquals(
                "pulsar-wasm new: a function name is lower-case letters, digits and '-', starting with a letter, "
                        + "at most 63 characters: 'My_Fn' is not one\n",
                name.err());
        Path used = Files.createDirectories(temp.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "mine");
        Result inUse = run("new", "js", "f", "--dir", used.toString());
        assertEquals(2, inUse.exit());
        assertEquals(
                "pulsar-wasm new: " + used + " already exists and is not an empty folder: give another name, "
                        + "or --dir a new folder\n",
                inUse.err());
        assertEquals("mine", Files.readString(used.resolve("keep.txt")));
    }

    @Test
    void aFolderWithoutAProjectIsNamed() {
        Result result = run("build", "--dir", temp.toString());
        assertEquals(2, result.exit());
        assertEquals(
                "pulsar-wasm build: " + temp + " is not a pulsar-wasm project: it has no pulsar-wasm.json "
                        + "(pulsar-wasm new <language> <name> makes one; or give the module with --module)\n",
                result.err());
    }

    @Test
    void aMissingToolchainNamesThePackage() throws IOException {
        Path dir = temp.resolve("p");
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("pulsar-wasm.json"),
                "{\"name\": \"p\", \"language\": \"go\", \"module\": \"p.wasm\", \"build\": \"go build\"}");
        // a language whose tool is at a fixed path that no machine has
        Tool missing = new Tool("/nonexistent/bin/tool", "apt-get install tool");
        CliException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                CliException.class, () -> Tool.require(List.of(missing), "a Go build"));
        assertEquals(3, thrown.exitCode());
        assertEquals(
                "a Go build needs /nonexistent/bin/tool, which is not installed: apt-get install tool",
                thrown.getMessage());
    }

    @Test
    void testRunsTheTestFileThroughAJavaScriptFunctionInProcess() throws IOException {
        Path dir = javaScriptProject("""
                export function process(input, ctx) {
                  if (input.length === 0) return null;
                  if (input === "boom") throw new Error("no booms");
                  ctx.log.info("key " + ctx.key());
                  ctx.counterIncr("seen", 1);
                  return input.toUpperCase() + (ctx.config("suffix") ?? "?");
                }
                """);
        Files.writeString(dir.resolve("tests.json"), """
                {"userConfig": {"suffix": "!"}, "cases": [
                  {"name": "upper", "input": "hi", "key": "k1", "expect": "HI!",
                   "expectLogs": ["INFO key k1"], "expectCounters": {"seen": 1}},
                  {"name": "empty", "input": "", "expect": null},
                  {"name": "boom", "input": "boom", "expectError": "Error: no booms"},
                  {"name": "wrong on purpose", "input": "a", "expect": "a"},
                  {"name": "fails on purpose", "input": "b", "expectError": "nope"}
                ]}
                """);
        Result result = run("test", "--dir", dir.toString(), "--no-native");
        assertEquals(1, result.exit(), result.err());
        assertEquals("""
                ok    upper
                ok    empty
                ok    boom
                FAIL  wrong on purpose: expected "a", got "A!"
                FAIL  fails on purpose: expected a failure containing "nope", got "B!"
                tests.json: 3 passed, 2 failed
                """, result.out());
        assertEquals("pulsar-wasm test: 2 of 5 cases in " + dir.resolve("tests.json") + " failed\n", result.err());
    }

    @Test
    void aRecordFunctionsCasesAreRecordsInAndOutAsJson() throws IOException {
        Path dir = javaScriptProject("""
                export function process(user) {
                  if (user.age < 0) throw new RangeError("age " + user.age);
                  if (user.name === "") return null;
                  return { name: user.name.toUpperCase(), age: user.age + 1 };
                }
                """);
        String project = Files.readString(dir.resolve("pulsar-wasm.json"));
        Files.writeString(dir.resolve("pulsar-wasm.json"), project.replace("\"string\"", "\"record\""));
        String schema = "\"schema\": {\"type\": \"AVRO\", \"definition\": {\"type\": \"record\", \"name\": \"User\","
                + " \"fields\": [{\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"age\", \"type\": \"int\"}]}}";
        Files.writeString(
                dir.resolve("tests.json"),
                "{" + schema + ", \"cases\": ["
                        + "{\"name\": \"older\", \"input\": {\"name\": \"ada\", \"age\": 36}, \"expect\": {\"age\": 37.0, \"name\": \"ADA\"}},"
                        + "{\"name\": \"nameless\", \"input\": {\"name\": \"\", \"age\": 1}, \"expect\": null},"
                        + "{\"name\": \"negative\", \"input\": {\"name\": \"x\", \"age\": -1}, \"expectError\": \"RangeError: age -1\"},"
                        + "{\"name\": \"wrong on purpose\", \"input\": {\"name\": \"b\", \"age\": 1}, \"expect\": {\"name\": \"b\", \"age\": 1}}"
                        + "]}");
        Result result = run("test", "--dir", dir.toString(), "--no-native");
        assertEquals(1, result.exit(), result.err());
        assertEquals("""
                ok    older
                ok    nameless
                ok    negative
                FAIL  wrong on purpose: expected "{"name":"b","age":1}", got "{"name":"B","age":2}"
                tests.json: 3 passed, 1 failed
                """, result.out());

        // an input that does not fit the schema, an object for a string function, no schema
        Files.writeString(
                dir.resolve("tests.json"),
                "{" + schema + ", \"cases\": ["
                        + "{\"name\": \"ageless\", \"input\": {\"name\": \"c\"}, \"expect\": null}]}");
        Result unfit = run("test", "--dir", dir.toString(), "--no-native");
        assertEquals(2, unfit.exit(), unfit.out());
        assertTrue(
                unfit.err()
                        .startsWith("pulsar-wasm test: " + dir.resolve("tests.json")
                                + ": case 1 (\"ageless\"): the input does not fit the schema: "),
                unfit.err());
        Files.writeString(
                dir.resolve("tests.json"),
                "{\"cases\": [{\"name\": \"u\", \"input\": {\"name\": \"c\", \"age\": 1}, \"expect\": null}]}");
        assertEquals(
                "pulsar-wasm test: " + dir.resolve("tests.json") + ": a record function's test file gives its input "
                        + "schema: \"schema\": {\"type\": \"AVRO\", \"definition\": {\"type\": \"record\", ...}}\n",
                run("test", "--dir", dir.toString(), "--no-native").err());
        Files.writeString(dir.resolve("pulsar-wasm.json"), project);
        assertEquals(
                "pulsar-wasm test: " + dir.resolve("tests.json") + ": case 1 (\"u\"): an object is a record function's "
                        + "input; this function's type is string\n",
                run("test", "--dir", dir.toString(), "--no-native").err());
        Files.writeString(
                dir.resolve("tests.json"),
                "{\"schema\": {\"type\": \"PROTOBUF\", \"definition\": {}}," + " \"cases\": []}");
        assertEquals(
                "pulsar-wasm test: " + dir.resolve("tests.json")
                        + ": schema: \"type\" is AVRO or JSON, not \"PROTOBUF\"\n",
                run("test", "--dir", dir.toString(), "--no-native").err());
    }

    @Test
    void aFunctionThatNeverReturnsFailsItsCaseAtTheDeadlineAndTheNextCaseRuns() throws IOException {
        Path dir = javaScriptProject("""
                export function process(input) {
                  if (input === "loop") { for (;;) {} }
                  return input;
                }
                """);
        Files.writeString(dir.resolve("tests.json"), """
                {"userConfig": {"wasm.timeout-ms": 500}, "cases": [
                  {"name": "loops", "input": "loop", "expect": "loop"},
                  {"name": "returns", "input": "x", "expect": "x"}
                ]}
                """);
        Result result = run("test", "--dir", dir.toString(), "--no-native");
        assertEquals(1, result.exit(), result.err());
        assertEquals("""
                FAIL  loops: expected "loop", got the failure "wasm module 'f.js': function process timed out after 500 ms (user config wasm.timeout-ms)"
                ok    returns
                tests.json: 1 passed, 1 failed
                """, result.out());
    }

    @Test
    void aMalformedTestFileNamesTheCaseAndTheField() throws IOException {
        Path dir = javaScriptProject("export function process(input) { return input; }");
        Files.writeString(dir.resolve("tests.json"), """
                {"cases": [{"name": "ok", "input": "x", "expect": "x"}, {"name": "two", "input": "x"}]}
                """);
        Result result = run("test", "--dir", dir.toString(), "--no-native");
        assertEquals(2, result.exit());
        assertEquals(
                "pulsar-wasm test: " + dir.resolve("tests.json") + ": case 2 (\"two\"): give exactly one of \"expect\" "
                        + "(the output as text or a number; null for no output), \"expectBase64\" and \"expectError\" "
                        + "(text the failure contains)\n",
                result.err());
        Files.writeString(
                dir.resolve("tests.json"), "{\"cases\": [{\"name\": \"x\", \"input\": \"x\", \"expekt\": 1}]}");
        assertEquals(
                "pulsar-wasm test: " + dir.resolve("tests.json") + ": case 1 (\"x\"): unknown field \"expekt\" (known: "
                        + "eventTime, expect, expectBase64, expectCounters, expectError, expectLogs, input, inputBase64, "
                        + "key, name, properties, topic)\n",
                run("test", "--dir", dir.toString(), "--no-native").err().replaceFirst("case 1: ", "case 1 (\"x\"): "));
    }

    @Test
    void aFunctionThatDoesNotCompileFailsTheBuildWithTheEnginesMessage() throws IOException {
        Path dir = javaScriptProject("export function process(input) { return input +; }");
        Result result = run("build", "--dir", dir.toString());
        assertEquals(4, result.exit());
        assertTrue(result.err().startsWith("pulsar-wasm build: "), result.err());
        assertTrue(result.err().contains("SyntaxError"), result.err());
    }

    @Test
    void deployDryRunPrintsThePulsarAdminLine() throws IOException {
        Path dir = javaScriptProject("export function process(input) { return input; }");
        Files.writeString(dir.resolve("f.nar"), "a NAR");
        Result result = run(
                "deploy",
                "--dir",
                dir.toString(),
                "--dry-run",
                "--admin-url",
                "http://pulsar:8080",
                "--jar",
                dir.resolve("f.nar").toString(),
                "--classname",
                "io.pulsarwasm.function.WasmStringFunction",
                "--inputs",
                "in-1,in-2",
                "--output",
                "out",
                "--user-config",
                "{\"extra\": \"it's\"}",
                "--max-message-retries",
                "2",
                "--dead-letter-topic",
                "dlq");
        assertEquals(0, result.exit(), result.err());
        assertEquals(
                "bin/pulsar-admin --admin-url http://pulsar:8080 functions create --jar " + dir.resolve("f.nar")
                        + " --classname io.pulsarwasm.function.WasmStringFunction --tenant public --namespace default"
                        + " --name f --inputs in-1,in-2 --output out --user-config '{\"suffix\":\"!\",\"extra\":\"it'\\''s\"}'"
                        + " --max-message-retries 2 --dead-letter-topic dlq\n",
                result.out());
    }

    @Test
    void undecodedInputsAreSentOnlyAsInputSpecsWhichAnUpdateWouldOtherwiseReset() {
        org.apache.pulsar.common.functions.FunctionConfig config =
                org.apache.pulsar.common.functions.FunctionConfig.builder()
                        .className("io.pulsarwasm.function.WasmRecordFunction")
                        .inputs(List.of("a", "persistent://t/n/b"))
                        .build();
        Submission.undecodedRecordInputs(config);
        assertEquals(null, config.getInputs());
        assertEquals(List.of("a", "persistent://t/n/b"), Submission.inputs(config));
        for (String topic : Submission.inputs(config)) {
            assertEquals(
                    "io.pulsarwasm.schema.UndecodedAutoConsume",
                    config.getInputSpecs().get(topic).getSchemaType());
        }
    }

    @Test
    void aRecordFunctionsInputsAreLeftUndecodedOnlyWhenAskedAndNotWithDeadLettering() throws IOException {
        Path dir = javaScriptProject("export function process(input) { return input; }");
        Files.writeString(dir.resolve("f.nar"), "a NAR");
        String[] common = {
            "deploy",
            "--dir",
            dir.toString(),
            "--dry-run",
            "--admin-url",
            "http://pulsar:8080",
            "--jar",
            dir.resolve("f.nar").toString(),
            "--classname",
            "io.pulsarwasm.function.WasmRecordFunction",
            "--inputs",
            "in-1,persistent://t/n/in-2",
            "--runtime-flags",
            ""
        };
        String line = "bin/pulsar-admin --admin-url http://pulsar:8080 functions create --jar " + dir.resolve("f.nar")
                + " --classname io.pulsarwasm.function.WasmRecordFunction --tenant public --namespace default"
                + " --name f ";
        Result undecoded = run(concat(common, "--undecoded-inputs"));
        assertEquals(0, undecoded.exit(), undecoded.err());
        assertEquals(
                line + "--input-specs '{\"in-1\":{\"schemaType\":\"io.pulsarwasm.schema.UndecodedAutoConsume\"},"
                        + "\"persistent://t/n/in-2\":{\"schemaType\":\"io.pulsarwasm.schema.UndecodedAutoConsume\"}}'"
                        + " --user-config '{\"suffix\":\"!\"}'\n",
                undecoded.out());
        Result byDefault = run(common);
        assertEquals(0, byDefault.exit(), byDefault.err());
        assertEquals(
                line + "--inputs in-1,persistent://t/n/in-2 --user-config '{\"suffix\":\"!\"}'\n", byDefault.out());

        Result retried = run(concat(common, "--undecoded-inputs", "--max-message-retries", "3"));
        assertEquals(2, retried.exit());
        String deadLettering = "pulsar-wasm deploy: --undecoded-inputs does not go with --max-message-retries or "
                + "--dead-letter-topic: Pulsar would dead-letter the messages without their schema version\n";
        assertEquals(deadLettering, retried.err());
        Result deadLettered = run(concat(common, "--undecoded-inputs", "--dead-letter-topic", "dlq"));
        assertEquals(2, deadLettered.exit());
        assertEquals(deadLettering, deadLettered.err());
        Result other = run(concat(
                java.util.Arrays.copyOfRange(common, 0, 9),
                "io.pulsarwasm.function.WasmBytesFunction",
                "--inputs",
                "in",
                "--undecoded-inputs"));
        assertEquals(2, other.exit());
        assertEquals(
                "pulsar-wasm deploy: --undecoded-inputs is for record functions "
                        + "(io.pulsarwasm.function.WasmRecordFunction), not io.pulsarwasm.function.WasmBytesFunction\n",
                other.err());
        String[] update = concat(new String[] {"update"}, java.util.Arrays.copyOfRange(common, 1, common.length));
        Result updated = run(concat(update, "--undecoded-inputs"));
        assertEquals(0, updated.exit(), updated.err());
        assertTrue(
                updated.out().startsWith("bin/pulsar-admin --admin-url http://pulsar:8080 functions update "),
                updated.out());
        assertTrue(
                updated.out()
                        .contains(
                                " --input-specs '{\"in-1\":{\"schemaType\":\"io.pulsarwasm.schema.UndecodedAutoConsume\"},"),
                updated.out());
        Result noInputs = run(
                "update",
                "--dir",
                dir.toString(),
                "--dry-run",
                "--jar",
                dir.resolve("f.nar").toString(),
                "--classname",
                "io.pulsarwasm.function.WasmRecordFunction",
                "--undecoded-inputs");
        assertEquals(2, noInputs.exit());
        assertEquals(
                "pulsar-wasm update: --undecoded-inputs needs the inputs: give --inputs (or \"inputs\" in "
                        + "pulsar-wasm.json)\n",
                noInputs.err());
    }

    @Test
    void aSubscriptionPositionIsPrintedWhenItIsNotPulsarsDefault() throws IOException {
        Path dir = javaScriptProject("export function process(input) { return input; }");
        Files.writeString(dir.resolve("f.nar"), "a NAR");
        String[] common = {
            "deploy",
            "--dir",
            dir.toString(),
            "--dry-run",
            "--jar",
            dir.resolve("f.nar").toString(),
            "--classname",
            "C",
            "--inputs",
            "in"
        };
        Result earliest = run(concat(common, "--subs-position", "earliest"));
        assertEquals(0, earliest.exit(), earliest.err());
        assertTrue(earliest.out().endsWith(" --subs-position Earliest\n"), earliest.out());
        Result latest = run(concat(common, "--subs-position", "Latest"));
        assertTrue(!latest.out().contains("--subs-position"), latest.out());
        Result wrong = run(concat(common, "--subs-position", "middle"));
        assertEquals(2, wrong.exit());
        assertEquals(
                "pulsar-wasm deploy: --subs-position: unknown position 'middle': Latest or Earliest\n", wrong.err());
    }

    @Test
    void onlyJavaScriptAndGoProjectsCompileHugeMethodsByDefault() {
        for (Language language : Language.values()) {
            assertEquals(
                    language == Language.JAVASCRIPT || language == Language.GO ? "-XX:-DontCompileHugeMethods" : null,
                    Submission.defaultRuntimeFlags(language),
                    language.name());
        }
    }

    @Test
    void aJavaScriptProjectsInstancesCompileHugeMethodsUnlessTheFlagsSayOtherwise() throws IOException {
        genericNarIntoHome();
        Path dir = javaScriptProject("export function process(input) { return input; }");
        String[] common = {"deploy", "--dir", dir.toString(), "--dry-run", "--inputs", "in"};
        Result byDefault = run(common);
        assertEquals(0, byDefault.exit(), byDefault.err());
        assertTrue(byDefault.out().endsWith(" --runtime-flags -XX:-DontCompileHugeMethods\n"), byDefault.out());
        Result none = run(concat(common, "--runtime-flags", ""));
        assertEquals(0, none.exit(), none.err());
        assertTrue(!none.out().contains("--runtime-flags"), none.out());
        Result own = run(concat(common, "--runtime-flags", "-XX:+UseSerialGC -Xss2m", "--ram", "268435456"));
        assertEquals(0, own.exit(), own.err());
        assertTrue(own.out().endsWith(" --ram 268435456 --runtime-flags '-XX:+UseSerialGC -Xss2m'\n"), own.out());
        // update sends flags and resources only when given: the deployed ones stay
        Result update = run("update", "--dir", dir.toString(), "--dry-run", "--ram", "268435456");
        assertEquals(0, update.exit(), update.err());
        assertTrue(update.out().contains(" functions update "), update.out());
        assertTrue(update.out().endsWith(" --ram 268435456\n"), update.out());
        assertTrue(!update.out().contains("--runtime-flags") && !update.out().contains("--cpu"), update.out());
        // on update a value equal to Pulsar's default is sent, so the line says it
        Result updateCpu = run("update", "--dir", dir.toString(), "--dry-run", "--cpu", "1.0");
        assertEquals(0, updateCpu.exit(), updateCpu.err());
        assertTrue(updateCpu.out().endsWith(" --cpu 1.0\n"), updateCpu.out());
        // a NAR of one's own: no language known, no default
        Files.writeString(dir.resolve("own.nar"), "a NAR");
        Result jar = run(concat(common, "--jar", dir.resolve("own.nar").toString(), "--classname", "C"));
        assertEquals(0, jar.exit(), jar.err());
        assertTrue(!jar.out().contains("--runtime-flags"), jar.out());
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void aWindowFunctionDeploysWithPulsarsWindowFlagsAndOtherTypesAreRefusedThem() throws IOException {
        Path nar = genericNarIntoHome();
        Path dir = javaScriptProject("export function process(records) { return String(records.length); }");
        String project = Files.readString(dir.resolve("pulsar-wasm.json"));
        Files.writeString(dir.resolve("pulsar-wasm.json"), project.replace("\"string\"", "\"window\""));
        Result window = run(
                "deploy",
                "--dir",
                dir.toString(),
                "--dry-run",
                "--admin-url",
                "http://pulsar:8080",
                "--inputs",
                "in",
                "--window-length-count",
                "10",
                "--sliding-interval-count",
                "5");
        assertEquals(0, window.exit(), window.err());
        assertEquals(
                "bin/pulsar-admin --admin-url http://pulsar:8080 functions create --jar " + dir.resolve("f.nar")
                        + " --classname io.pulsarwasm.function.WasmWindowFunction --tenant public --namespace default"
                        + " --name f --inputs in --user-config '{\"suffix\":\"!\"}' --window-length-count 10"
                        + " --sliding-interval-count 5 --runtime-flags -XX:-DontCompileHugeMethods\n",
                window.out());
        Files.writeString(dir.resolve("pulsar-wasm.json"), project);
        Result refused =
                run("deploy", "--dir", dir.toString(), "--dry-run", "--inputs", "in", "--window-length-count", "10");
        assertEquals(2, refused.exit());
        assertTrue(
                refused.err()
                        .endsWith(
                                "pulsar-wasm deploy: the window flags need a window function: \"type\": \"window\" in "
                                        + "pulsar-wasm.json (WasmWindowFunction), not string\n"),
                refused.err());
        assertTrue(Files.isRegularFile(nar));
    }

    @Test
    void eventTimeWindowsGoInTheUserConfigWithManualAcknowledgements() throws IOException {
        genericNarIntoHome();
        Path dir = javaScriptProject("export function process(records) { return String(records.length); }");
        String project = Files.readString(dir.resolve("pulsar-wasm.json"));
        Files.writeString(dir.resolve("pulsar-wasm.json"), project.replace("\"string\"", "\"window\""));
        String[] deploy = {
            "deploy", "--dir", dir.toString(), "--dry-run", "--admin-url", "http://pulsar:8080", "--inputs", "in"
        };
        Result eventTime = run(concat(
                deploy,
                "--window-length-duration-ms",
                "10000",
                "--sliding-interval-duration-ms",
                "5000",
                "--event-time",
                "json",
                "--max-lag-ms",
                "2000",
                "--max-future-ms",
                "60000",
                "--late-data-topic",
                "persistent://t/n/late"));
        assertEquals(0, eventTime.exit(), eventTime.err());
        assertEquals(
                "bin/pulsar-admin --admin-url http://pulsar:8080 functions create --jar " + dir.resolve("f.nar")
                        + " --classname io.pulsarwasm.function.WasmWindowFunction --tenant public --namespace default"
                        + " --name f --inputs in --user-config '{\"suffix\":\"!\",\"wasm.window.length-ms\":10000,"
                        + "\"wasm.window.slide-ms\":5000,\"wasm.window.max-lag-ms\":2000,\"wasm.window.max-future-ms\":60000,"
                        + "\"wasm.window.time\":\"json\","
                        + "\"wasm.window.late-topic\":\"persistent://t/n/late\"}' --processing-guarantees MANUAL"
                        + " --runtime-flags -XX:-DontCompileHugeMethods\n",
                eventTime.out());

        List<String[]> refused = List.of(
                concat(deploy, "--event-time", "json"),
                concat(deploy, "--event-time", "xml", "--window-length-duration-ms", "10"),
                concat(deploy, "--event-time", "message", "--window-length-count", "10"),
                concat(deploy, "--window-length-duration-ms", "10", "--max-lag-ms", "10"),
                concat(
                        deploy,
                        "--event-time",
                        "message",
                        "--window-length-duration-ms",
                        "10",
                        "--processing-guarantees",
                        "ATLEAST_ONCE"));
        List<String> reasons = List.of(
                "--event-time needs a window: --window-length-duration-ms",
                "--event-time: unknown place 'xml': message or json",
                "--event-time windows are lengths of time: --window-length-duration-ms and "
                        + "--sliding-interval-duration-ms, not counts",
                "--max-lag-ms, --max-future-ms and --late-data-topic go with --event-time",
                "--event-time windows acknowledge each message once its last window is out: --processing-guarantees "
                        + "must be MANUAL, not ATLEAST_ONCE");
        for (int i = 0; i < refused.size(); i++) {
            Result result = run(refused.get(i));
            assertEquals(2, result.exit(), result.err());
            assertTrue(result.err().endsWith("pulsar-wasm deploy: " + reasons.get(i) + "\n"), result.err());
        }
    }

    @Test
    void aWindowFunctionsTestCaseIsAWindowOfOne() throws IOException {
        Path dir = javaScriptProject("""
                export function process(records) {
                  return records.map((r) => r.text + "@" + r.key).join("|") + " (" + records.length + ")";
                }
                """);
        String project = Files.readString(dir.resolve("pulsar-wasm.json"));
        Files.writeString(dir.resolve("pulsar-wasm.json"), project.replace("\"string\"", "\"window\""));
        Files.writeString(dir.resolve("tests.json"), """
                {"cases": [{"name": "one", "input": "a", "key": "k", "expect": "a@k (1)"}]}
                """);
        Result result = run("test", "--dir", dir.toString(), "--no-native");
        assertEquals(0, result.exit(), result.err());
        assertEquals("ok    one\ntests.json: 1 passed, 0 failed\n", result.out());
    }

    /** The generic NAR the build made, where an installation has it: package needs one. */
    private Path genericNarIntoHome() throws IOException {
        Path target = Path.of("..", "pulsar-wasm-function", "target");
        Path built;
        try (var files = Files.list(target)) {
            built = files.filter(f -> f.getFileName().toString().endsWith("-nar.nar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no generic NAR in " + target + ": build pulsar-wasm-function"));
        }
        Path nar = Files.createDirectories(home.resolve("nar")).resolve("pulsar-wasm-function-nar.nar");
        Files.copy(built, nar);
        return nar;
    }

    @Test
    void deployWithoutInputsSaysSo() throws IOException {
        Path dir = javaScriptProject("export function process(input) { return input; }");
        Result result = run("deploy", "--dir", dir.toString(), "--dry-run");
        assertEquals(2, result.exit());
        assertEquals(
                "pulsar-wasm deploy: which topics does it read? give --inputs (or \"inputs\" in pulsar-wasm.json)\n",
                result.err());
    }

    @Test
    void anUnreachableAdminServiceIsNamed() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        Result result = run("status", "--name", "f", "--admin-url", "http://localhost:" + port);
        assertEquals(5, result.exit(), result.err());
        assertTrue(
                result.err()
                        .startsWith("pulsar-wasm status: cannot read the status of public/default/f: Pulsar's admin "
                                + "service at http://localhost:" + port + " is unreachable ("),
                result.err());
        assertTrue(result.err().endsWith("); set --admin-url or PULSAR_ADMIN_URL\n"), result.err());
    }

    @Test
    void replayTimesAreInstantsOrTimesAgo() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        assertEquals(Instant.parse("2026-12-07T11:58:30Z"), ReplayCommand.time("--since", "90s", now));
        assertEquals(Instant.parse("2026-12-07T11:45:00Z"), ReplayCommand.time("--since", "15m", now));
        assertEquals(Instant.parse("2026-12-07T10:00:00Z"), ReplayCommand.time("--since", "2h", now));
        assertEquals(Instant.parse("2026-12-06T12:00:00Z"), ReplayCommand.time("--since", "1d", now));
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), ReplayCommand.time("--until", "2026-12-01T00:00:00Z", now));
        CliException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                CliException.class, () -> ReplayCommand.time("--since", "yesterday", now));
        assertEquals(
                "--since: 'yesterday' is neither an instant (2026-12-07T06:00:00Z) nor a time ago (90s, 15m, 2h, 1d)",
                thrown.getMessage());
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Result result = run("--help");
        assertEquals(0, result.exit());
        for (String command :
                List.of("new", "build", "test", "package", "deploy", "update", "status", "logs", "delete", "replay")) {
            assertTrue(result.out().contains("\n  " + command + " "), command + " missing in:\n" + result.out());
        }
        assertTrue(result.out().contains("  5   Pulsar was unreachable, or refused the request"), result.out());
    }

    private Path javaScriptProject(String source) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("f"));
        Files.writeString(dir.resolve("f.js"), source);
        Files.writeString(dir.resolve("pulsar-wasm.json"), """
                {"name": "f", "language": "javascript", "type": "string", "module": "f.js", "tests": "tests.json",
                 "userConfig": {"suffix": "!"}}
                """);
        return dir;
    }
}
