package io.pulsarwasm.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pulsarwasm.testing.pulsar.PulsarWasmContainer;
import io.pulsarwasm.testing.pulsar.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The samples NAR, as this build packaged it, deployed on a real Pulsar in a container and fed
 * numbers: how a function's own project tests it end to end (see docs/testing.md, "Test on a real
 * Pulsar in your build"). Needs a Docker engine with the image; skipped without.
 */
class DoublerIT {

    /** The built-in INT64 schema under a class name the function runtime can load (docs/deploying.md, "Schema.INT64 topics"). */
    private static final String INT64 = "io.pulsarwasm.schema.Int64Schema";

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void doublesEveryNumberOnARealPulsar() {
        assumeTrue(
                PulsarWasmContainer.imagePresent(PulsarWasmContainer.DEFAULT_IMAGE),
                "no Docker engine, or it lacks " + PulsarWasmContainer.DEFAULT_IMAGE.asCanonicalNameString()
                        + " (docker pull it, or build it: scripts/pulsar-image.sh)");
        try (PulsarWasmContainer pulsar = new PulsarWasmContainer()) {
            pulsar.start();
            pulsar.deploy(
                    FunctionConfig.builder()
                            .name("doubler")
                            .className(Doubler.class.getName())
                            .inputSpecs(Map.of(
                                    "doubler-in",
                                    ConsumerConfig.builder().schemaType(INT64).build()))
                            .output("doubler-out")
                            .outputSchemaType(INT64)
                            .build(),
                    Path.of(System.getProperty("samples.nar")));
            try (TopicReader<Long> out = pulsar.read("doubler-out", Schema.INT64)) {
                pulsar.send("doubler-in", Schema.INT64, 1L, 21L, -4L, Long.MAX_VALUE / 2);
                // a wait that guards liveness, not speed: on a busy CI machine the instance's JVM starts slowly
                List<Long> doubled;
                try {
                    doubled = out.take(4, Duration.ofMinutes(5));
                } catch (AssertionError e) {
                    throw new AssertionError(
                            e.getMessage() + "\nfunction log:\n" + pulsar.functionLog("public", "default", "doubler"),
                            e);
                }
                assertEquals(List.of(2L, 42L, -8L, Long.MAX_VALUE - 1), doubled);
                out.assertNoMore(Duration.ofSeconds(2));
            }
        }
    }
}
