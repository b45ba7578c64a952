package io.pulsarwasm.testing.pulsar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitAllStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;

/**
 * The whole start of a {@link PulsarWasmContainer} is under one deadline: Testcontainers' own wait
 * for Pulsar's HTTP port must not keep a shorter deadline of its own (it gave up after 30 seconds
 * on a busy machine, before the container's own four minutes applied). No Docker engine needed:
 * this checks the wait strategy the container starts with.
 */
class PulsarWasmContainerTest {

    @Test
    void everyWaitOfTheStartHasTheOneDeadline() throws Exception {
        Probe container = new Probe();
        container.withStartupTimeout(Duration.ofMinutes(7));
        container.configure();
        List<Duration> deadlines = deadlines(container.waitStrategy());
        assertFalse(deadlines.isEmpty());
        deadlines.forEach(deadline -> assertEquals(Duration.ofMinutes(7), deadline));
    }

    @Test
    void theDefaultIsFiveMinutesForEveryWait() throws Exception {
        Probe container = new Probe();
        assertEquals(Duration.ofMinutes(5), container.startupTimeout());
        container.configure();
        deadlines(container.waitStrategy()).forEach(deadline -> assertEquals(Duration.ofMinutes(5), deadline));
    }

    @Test
    void aDeadlineThatIsNotPositiveIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new PulsarWasmContainer().withStartupTimeout(Duration.ZERO));
        assertEquals("a start-up timeout must be positive, got PT0S", e.getMessage());
    }

    /** The container, with the wait strategy it starts with in view. */
    private static final class Probe extends PulsarWasmContainer {
        WaitStrategy waitStrategy() {
            return getWaitStrategy();
        }
    }

    /** The outer deadline and each inner strategy's, read from Testcontainers' fields. */
    private static List<Duration> deadlines(WaitStrategy strategy) throws Exception {
        List<Duration> found = new ArrayList<>();
        WaitAllStrategy all = assertInstanceOf(WaitAllStrategy.class, strategy);
        found.add((Duration) field(WaitAllStrategy.class, "timeout").get(all));
        @SuppressWarnings("unchecked")
        List<WaitStrategy> inner =
                (List<WaitStrategy>) field(WaitAllStrategy.class, "strategies").get(all);
        for (WaitStrategy each : inner) {
            found.add((Duration)
                    field(AbstractWaitStrategy.class, "startupTimeout").get(each));
        }
        return found;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
