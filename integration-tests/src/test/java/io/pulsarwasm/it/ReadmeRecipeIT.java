package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

/**
 * The "Write a function in Rust, C, AssemblyScript or Go" recipes the README links to, run as written:
 * for each SDK the test reads its subsection of {@code docs/guest-languages.md} (no copy of a recipe
 * is kept here), saves
 * the source blocks that name their file ({@code // shout.c}), runs the first {@code bash} block
 * in an empty folder with {@code REPO} set, then deploys the module with the recipe's own
 * {@code bin/pulsar-admin functions create} line (or, where the recipe ends at packaging, the
 * command {@code scripts/package-wasm.sh} printed), under a name and topics of its own, sends one
 * message and checks the answer and the counter the handler keeps.
 */
@org.junit.jupiter.api.Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(23) // the order the two workers take the classes in (integration-tests/pom.xml)
class ReadmeRecipeIT extends RealPulsarTest {

    /** Where the recipes are: the README's page on guest languages. */
    private static final String RECIPES = "docs/guest-languages.md";

    private static final String SECTION = "## Write a function in Rust, C, AssemblyScript or Go";
    private static final String DEPLOY_PRINTED = "Deploy it with:";
    /** A fenced block's first line naming the file it is, e.g. {@code // shout.c}. */
    private static final Pattern FILE_COMMENT = Pattern.compile("^(?://|#|/\\*)\\s*([\\w.-]+\\.\\w+)\\s*(?:\\*/)?$");

    private static final Duration RECIPE_TIMEOUT = Duration.ofMinutes(10);

    @Test
    void rustRecipeRunsFromAnEmptyFolderToADeployedFunction() throws Exception {
        // Shout: upper-cases and appends the suffix from the recipe's --user-config ("!!")
        deployAndAnswer("Rust", "readme-rust", "hello from the readme", "HELLO FROM THE README!!");
    }

    @Test
    void cRecipeRunsFromAnEmptyFolderToADeployedFunction() throws Exception {
        // shout.c: upper-cases ASCII letters, no suffix
        deployAndAnswer("C", "readme-c", "hello from the readme", "HELLO FROM THE README");
    }

    @Test
    void assemblyScriptRecipeRunsFromAnEmptyFolderToADeployedFunction() throws Exception {
        // shout.ts: upper-cases and appends "!"
        deployAndAnswer("AssemblyScript", "readme-as", "hello from the readme", "HELLO FROM THE README!");
    }

    @Test
    void goRecipeRunsFromAnEmptyFolderToADeployedFunction() throws Exception {
        // main.go: upper-cases and appends "!"
        deployAndAnswer("Go", "readme-go", "hello from the readme", "HELLO FROM THE README!");
    }

    /** The tool each recipe starts with, and the Debian packages that provide its toolchain. */
    private static final Map<String, List<String>> TOOLCHAINS = Map.of(
            "Rust", List.of("/usr/bin/cargo", "rustc cargo libstd-rust-dev-wasm32 lld-14"),
            "C", List.of("clang-14", "clang-14 lld-14"),
            "AssemblyScript", List.of("npx", "nodejs npm (Node.js 20)"),
            "Go", List.of("/usr/lib/go-1.23/bin/go", "golang-1.23-go (from bookworm-backports)"));

    /** A missing toolchain fails with what to install, not with the recipe's first failing line. */
    private static void requireToolchain(String sdk) {
        List<String> toolchain = TOOLCHAINS.get(sdk);
        String tool = toolchain.get(0);
        boolean found = tool.startsWith("/")
                ? Files.isExecutable(Path.of(tool))
                : Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
        if (!found) {
            throw new AssertionError("the " + sdk + " recipe needs " + tool + ", which is not installed: run the "
                    + "README's test command, scripts/verify.sh, which installs it (or apt-get install "
                    + toolchain.get(1) + ")");
        }
    }

    private void deployAndAnswer(String sdk, String name, String input, String expected) throws Exception {
        requireToolchain(sdk);
        Recipe recipe = recipe(Files.readString(Artifacts.repoDir().resolve(RECIPES)), sdk);
        // a folder of the user's, outside the repository (inside it, cargo would take the
        // repository's workspace for the recipe's)
        Path scratch = Files.createTempDirectory("readme-recipe-" + sdk.toLowerCase() + "-");
        Path dir = Files.createDirectory(scratch.resolve("recipe"));
        List<String> create = run(recipe, dir);

        String in = NS + name + "-in";
        String out = NS + name + "-out";
        List<String> args = deployArguments(create, dir, name, in, out);
        System.out.println("ReadmeRecipeIT: " + sdk + ": pulsar-admin " + String.join(" ", args));
        try {
            String answer = classNameOf(args).endsWith("BytesFunction")
                    ? new String(
                            answer(args, Schema.BYTES, in, out, input.getBytes(StandardCharsets.UTF_8), name),
                            StandardCharsets.UTF_8)
                    : answer(args, Schema.STRING, in, out, input, name);
            assertEquals(expected, answer);
            // the handler counts with counter_incr: function state works on the suite's Pulsar
            assertEquals(
                    1L,
                    admin.functions()
                            .getFunctionState("public", "default", name, "shouted")
                            .getNumberValue());
        } finally {
            Functions.delete(admin, name);
        }
        deleteRecursively(scratch); // kept when the test fails
    }

    /** Deploys the function, sends one value in the schema of its class, and returns the one answer. */
    private static <T> T answer(List<String> args, Schema<T> schema, String in, String out, T input, String name)
            throws Exception {
        try (Consumer<T> outputs = Messages.subscribe(client, out, schema)) {
            pulsar.pulsarAdmin(args.toArray(String[]::new)).orFail("pulsar-admin " + String.join(" ", args));
            try (Producer<T> producer = client.newProducer(schema).topic(in).create()) {
                producer.send(input);
            }
            try {
                return Messages.receive(outputs, 1, LIVENESS).get(0).getValue();
            } catch (IllegalStateException e) {
                throw new AssertionError(
                        name + " did not answer: " + e.getMessage() + "\nfunction log:\n"
                                + pulsar.functionLog("public", "default", name),
                        e);
            }
        }
    }

    /**
     * The recipe of one SDK: the first {@code bash} block of its subsection under
     * {@value #SECTION}, and the blocks before it that name their file.
     */
    record Recipe(String sdk, List<String> bash, Map<String, String> files) {}

    static Recipe recipe(String readme, String sdk) {
        List<String> lines = readme.lines().toList();
        int section = lines.indexOf(SECTION);
        if (section < 0) {
            throw new AssertionError(RECIPES + " has no heading '" + SECTION + "'");
        }
        int start = -1;
        boolean fenced = false;
        for (int i = section + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.startsWith("## ")) {
                break;
            } else if (!fenced && (line.equals("### " + sdk) || line.startsWith("### " + sdk + " "))) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new AssertionError(RECIPES + " has no subsection '### " + sdk + "' under '" + SECTION + "'");
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = start + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                break; // the next heading: fenced blocks are skipped whole below
            }
            if (!line.startsWith("```")) {
                continue;
            }
            String language = line.substring(3).strip();
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new AssertionError(
                        RECIPES + ": the " + language + " block at line " + (i + 1) + " is not closed");
            }
            List<String> block = lines.subList(i + 1, end);
            if (language.equals("bash")) {
                return new Recipe(sdk, block, files);
            }
            Matcher file =
                    block.isEmpty() ? null : FILE_COMMENT.matcher(block.get(0).strip());
            if (file != null && file.matches()) {
                files.put(file.group(1), String.join("\n", block) + "\n");
            }
            i = end;
        }
        throw new AssertionError(RECIPES + "'s subsection '### " + sdk + "' has no ```bash block");
    }

    /**
     * Runs the recipe in an empty folder (its script, output and expanded arguments go next to
     * it, not in it): everything before its {@code bin/pulsar-admin} line with
     * {@code bash} ({@code set -euo pipefail}, {@code REPO} the repository), then that line's
     * arguments expanded by the same shell, in the folder the recipe ended in.
     *
     * @return the {@code pulsar-admin} arguments: the recipe's, or those {@code package-wasm.sh} printed
     */
    private static List<String> run(Recipe recipe, Path dir) throws IOException, InterruptedException {
        List<String> before = new ArrayList<>();
        List<String> admin = new ArrayList<>();
        for (String line : recipe.bash()) {
            if (admin.isEmpty() && !line.startsWith("bin/pulsar-admin ")) {
                before.add(line);
            } else if (admin.isEmpty() || admin.get(admin.size() - 1).endsWith("\\")) {
                admin.add(line);
            } else if (!line.isBlank()) {
                throw new AssertionError(
                        recipe.sdk() + " recipe: a command follows its bin/pulsar-admin line: " + line);
            }
        }
        for (Map.Entry<String, String> file : recipe.files().entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
        Path argsFile = dir.resolveSibling("recipe.args");
        Path script = dir.resolveSibling("recipe.sh");
        Path log = dir.resolveSibling("recipe.log");
        StringBuilder text = new StringBuilder("set -euo pipefail\n");
        before.forEach(line -> text.append(line).append('\n'));
        if (!admin.isEmpty()) {
            // bash itself splits and expands the line ($PWD: the folder the recipe is in by now)
            text.append("set --")
                    .append(admin.get(0).substring("bin/pulsar-admin".length()))
                    .append('\n');
            admin.subList(1, admin.size()).forEach(line -> text.append(line).append('\n'));
            text.append("printf '%s\\0' \"$@\" > \"$RECIPE_ARGS\"\n");
        }
        Files.writeString(script, text);

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("REPO", Artifacts.repoDir().toAbsolutePath().toString());
        builder.environment().put("RECIPE_ARGS", argsFile.toString());
        // npm: the cache first (a machine that ran `npm ci` for wasm-samples has the compiler in
        // it), the registry only for what it lacks; without this, `npm install` offline retries
        // the registry for minutes before it falls back to the cache
        builder.environment().put("npm_config_prefer_offline", "true");
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(RECIPE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(recipe.sdk() + " recipe did not finish in " + RECIPE_TIMEOUT + "\n" + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(recipe.sdk() + " recipe (" + script + ") exited " + process.exitValue() + " in "
                    + dir + "\n" + tail(log));
        }
        System.out.printf(
                "ReadmeRecipeIT: %s recipe ran in %d s (%s)%n",
                recipe.sdk(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), log);
        if (!admin.isEmpty()) {
            String expanded = Files.readString(argsFile);
            return Arrays.asList(expanded.substring(0, expanded.length() - 1).split("\0", -1));
        }
        // the recipe ends at packaging: deploy with the command package-wasm.sh printed for it
        List<String> output = Files.readAllLines(log);
        for (int i = output.size() - 2; i >= 0; i--) {
            if (output.get(i).endsWith(DEPLOY_PRINTED)) {
                String command = output.get(i + 1).strip();
                if (!command.startsWith("bin/pulsar-admin ")) {
                    throw new AssertionError("package-wasm.sh printed an unexpected command: " + command);
                }
                return List.of(command.substring("bin/pulsar-admin ".length()).split("\\s+"));
            }
        }
        throw new AssertionError(recipe.sdk() + " recipe has no bin/pulsar-admin line, and printed no '"
                + DEPLOY_PRINTED + "' command\n" + tail(log));
    }

    /** The recipe's {@code functions create} arguments with this test's name, topics and the worker's view of the NAR. */
    private static List<String> deployArguments(List<String> create, Path dir, String name, String in, String out) {
        if (create.size() < 2
                || !create.get(0).equals("functions")
                || !create.get(1).equals("create")) {
            throw new AssertionError("not a functions create command: " + create);
        }
        List<String> args = new ArrayList<>(create);
        for (int i = 2; i < args.size() - 1; i++) {
            String value = switch (args.get(i)) {
                case "--name" -> name;
                case "--inputs" -> in;
                case "--output" -> out;
                case "--jar" -> pulsar.visibleToWorker(dir.resolve(args.get(i + 1)));
                default -> null;
            };
            if (value != null) {
                args.set(++i, value);
            }
        }
        for (String option : List.of("--jar", "--classname", "--name", "--inputs", "--output")) {
            if (!args.contains(option)) {
                throw new AssertionError("the recipe's functions create has no " + option + ": " + create);
            }
        }
        if (!args.contains("--subs-position")) {
            // an instance reports "running" before it has subscribed: start at the first message
            args.addAll(List.of("--subs-position", "Earliest"));
        }
        return args;
    }

    private static String classNameOf(List<String> args) {
        return args.get(args.indexOf("--classname") + 1);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
