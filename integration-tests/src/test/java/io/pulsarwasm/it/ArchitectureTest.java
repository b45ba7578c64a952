package io.pulsarwasm.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries between the artifacts, checked on their classes as the build produced them: an
 * {@code internal} package is used only inside its own artifact, the engine knows nothing of
 * Pulsar, only the engine touches Endive, and no two packages depend on each other. A change that
 * crosses one fails here, naming the classes; so does a public type the PIP does not list.
 */
class ArchitectureTest {

    private static final String ENGINE = "io.pulsarwasm.engine..";
    private static final String HOST = "io.pulsarwasm.host..";
    private static final String FUNCTION = "io.pulsarwasm.function..";
    private static final String SCHEMA = "io.pulsarwasm.schema..";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // the main classes of every artifact on this module's class path: engine, function, testing, tools, and this
        // one's
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pulsarwasm");
    }

    @Test
    void everyArtifactIsThere() {
        for (String type : new String[] {
            "io.pulsarwasm.engine.WasmLoader",
            "io.pulsarwasm.function.WasmRecordFunction",
            "io.pulsarwasm.testing.WasmFunctionTester",
            "io.pulsarwasm.tools.NarPackager"
        }) {
            classes.get(type);
        }
    }

    @Test
    void theEnginesInternalsStayInTheEngine() {
        noClasses()
                .that()
                .resideOutsideOfPackages(ENGINE, HOST)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.pulsarwasm.engine.internal..")
                .check(classes);
    }

    @Test
    void theFunctionsInternalsStayInTheFunctionArtifact() {
        noClasses()
                .that()
                .resideOutsideOfPackages(FUNCTION, SCHEMA)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.pulsarwasm.function.internal..")
                .check(classes);
    }

    @Test
    void theEngineKnowsNothingOfPulsar() {
        noClasses()
                .that()
                .resideInAnyPackage(ENGINE, HOST)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.apache.pulsar..", FUNCTION, SCHEMA, "io.pulsarwasm.testing..", "io.pulsarwasm.tools..")
                .check(classes);
    }

    @Test
    void onlyTheEngineTouchesEndive() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ENGINE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("run.endive..", "io.roastedroot..")
                .check(classes);
    }

    @Test
    void thePublicTypesAreThoseThePipLists() throws IOException {
        Map<String, Set<String>> listed = new TreeMap<>();
        Matcher line = Pattern.compile("(?m)^- `(io\\.pulsarwasm[\\w.]*)`: (.+)$")
                .matcher(Files.readString(Path.of("..", "pip", "pip-331.md")));
        while (line.find()) {
            Set<String> types = new TreeSet<>();
            Matcher type = Pattern.compile("`(\\w+)`").matcher(line.group(2));
            while (type.find()) {
                types.add(type.group(1));
            }
            listed.put(line.group(1), types);
        }
        Map<String, Set<String>> built = new TreeMap<>();
        for (JavaClass type : classes) {
            if (type.isTopLevelClass()
                    && type.getModifiers().contains(JavaModifier.PUBLIC)
                    && !type.getPackageName().startsWith("io.pulsarwasm.it")) {
                built.computeIfAbsent(type.getPackageName(), p -> new TreeSet<>())
                        .add(type.getSimpleName());
            }
        }
        assertEquals(built, listed, "the public types built, and those pip/pip-331.md lists (\"The public API\")");
    }

    @Test
    void thePackagesHaveNoCycles() {
        slices().matching("io.pulsarwasm.(**)").should().beFreeOfCycles().check(classes);
    }
}
