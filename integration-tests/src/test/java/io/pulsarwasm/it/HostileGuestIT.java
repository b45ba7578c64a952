package io.pulsarwasm.it;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The worst five hostile guests on the shared standalone, in the process runtime (each instance its
 * own JVM); {@link ThreadRuntimeIT} runs them inside the worker's JVM.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Order(4) // the order the two workers take the classes in (integration-tests/pom.xml)
class HostileGuestIT extends RealPulsarTest {

    @Test
    void theWorstFiveLeaveTheWorkerAndTheirNeighbourUntouched() throws Exception {
        HostileGuests.runTheWorstFive(pulsar, client, admin, "hostile-");
    }
}
