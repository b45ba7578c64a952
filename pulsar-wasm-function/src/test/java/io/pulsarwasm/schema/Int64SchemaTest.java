package io.pulsarwasm.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class Int64SchemaTest {

    @Test
    void encodesAndDescribesExactlyLikeTheBuiltInInt64() {
        Int64Schema schema = new Int64Schema();
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 1, 0}, schema.encode(256L));
        assertEquals(-5L, schema.decode(Schema.INT64.encode(-5L)));
        assertEquals(Schema.INT64.getSchemaInfo(), schema.getSchemaInfo());
        assertEquals(Schema.INT64.getSchemaInfo(), schema.clone().getSchemaInfo());
    }
}
