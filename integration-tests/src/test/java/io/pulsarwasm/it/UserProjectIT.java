package io.pulsarwasm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A user's own project, outside this repository, that depends only on the published artifacts as
 * the README says ({@code io.pulsarwasm:pulsar-wasm-testing}, test scope, after {@code ./mvnw
 * install}), runs a record function's unit test. The reactor's own build cannot show what such a
 * project resolves: there every version comes from our parent's dependencyManagement, which a
 * user's project does not inherit (that hid a jackson-core 2.14 beside jackson-databind 2.17).
 *
 * <p>The artifacts are laid out in a fresh local repository as {@code install} lays them out: each
 * module's jar beside its POM as published, and the parent POM. Everything else comes from the
 * build's own local repository (read as a remote one, so nothing of ours leaks in) or Maven Central.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(8) // the order the two workers take the classes in (integration-tests/pom.xml)
class UserProjectIT {

    private static final List<String> PUBLISHED =
            List.of("pulsar-wasm-engine", "pulsar-wasm-function", "pulsar-wasm-testing");

    @Test
    void aRecordFunctionTestPassesInAUsersProjectThatHasOnlyThePublishedArtifacts() throws Exception {
        Path repo = Artifacts.repoDir();
        String version = property("pulsarwasm.version");
        Path scratch = Files.createTempDirectory("user-project-");
        Path project = scratch.resolve("user-records");
        Path localRepo = scratch.resolve("repository");
        copyTree(repo.resolve("integration-tests/src/test/user-project"), project);
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("@PULSAR_WASM_VERSION@", version));
        Files.createDirectories(project.resolve("src/test/resources"));
        Files.copy(Artifacts.sample("records.wasm"), project.resolve("src/test/resources/records.wasm"));

        Path group = localRepo.resolve("io/pulsarwasm");
        install(repo.resolve("pom.xml"), null, group.resolve("pulsar-wasm-parent"), "pulsar-wasm-parent", version);
        for (String module : PUBLISHED) {
            Path jar = repo.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
            assertTrue(Files.isRegularFile(jar), jar + " is not built");
            install(repo.resolve(module).resolve("pom.xml"), jar, group.resolve(module), module, version);
        }
        Path settings = scratch.resolve("settings.xml");
        Files.writeString(settings, settings(Path.of(property("pulsarwasm.localRepository"))));

        Path log = scratch.resolve("build.log");
        Process build = new ProcessBuilder(
                        repo.resolve("mvnw").toString(),
                        "-B",
                        "-s",
                        settings.toString(),
                        "-Dmaven.repo.local=" + localRepo,
                        "test")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(8, TimeUnit.MINUTES)) {
            build.descendants().forEach(ProcessHandle::destroyForcibly);
            build.destroyForcibly();
            throw new AssertionError("the user project's build did not finish in 8 minutes\n" + tail(log));
        }
        String output = Files.readString(log);
        assertEquals(0, build.exitValue(), () -> "the user project's build failed (" + project + ")\n" + tail(log));
        assertTrue(output.contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0"), () -> tail(log));
        deleteRecursively(scratch); // kept when the test fails
    }

    /** What {@code install} leaves: {@code <artifact>-<version>.pom} (and the jar) under the artifact's folder. */
    private static void install(Path pom, Path jar, Path dir, String artifact, String version) throws IOException {
        Path versionDir = Files.createDirectories(dir.resolve(version));
        Files.copy(pom, versionDir.resolve(artifact + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, versionDir.resolve(artifact + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The build's local repository as a (read-only) remote repository first, then Maven Central as usual. */
    private static String settings(Path buildRepository) {
        String url = buildRepository.toUri().toString();
        return "<settings><profiles><profile><id>build-cache</id>"
                + "<repositories><repository><id>build-cache</id><url>" + url + "</url>"
                + "<snapshots><enabled>false</enabled></snapshots></repository></repositories>"
                + "<pluginRepositories><pluginRepository><id>build-cache</id><url>" + url + "</url>"
                + "<snapshots><enabled>false</enabled></snapshots></pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>build-cache</activeProfile></activeProfiles></settings>";
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static String property(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set (the build passes it)");
        }
        return value;
    }
}
