package io.pulsarwasm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What a {@link TestRecord} refuses, with the error a test's author reads. */
class TestRecordTest {

    @Test
    void aNegativeRedeliveryCountIsRefused() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> TestRecord.of("x").withRedeliveryCount(-1));
        assertEquals("a redelivery count is at least 0, got -1", refused.getMessage());
    }
}
