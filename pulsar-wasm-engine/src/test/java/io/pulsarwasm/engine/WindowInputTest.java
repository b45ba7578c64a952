package io.pulsarwasm.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The ABI's window input: its exact bytes, read back, its JSON form for JavaScript, and its two bounds. */
class WindowInputTest {

    private static WindowInput.Entry bare(String value) {
        return new WindowInput.Entry(
                value.getBytes(StandardCharsets.UTF_8),
                Optional.empty(),
                OptionalLong.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of());
    }

    private static WindowInput.Entry full() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("a", "b");
        properties.put("", "");
        return new WindowInput.Entry(
                new byte[] {(byte) 0xff, 0},
                Optional.of("k"),
                OptionalLong.of(-2),
                Optional.of(new byte[] {8, 1}),
                Optional.of("t"),
                properties);
    }

    @Test
    void theEncodingIsTheOneTheAbiDocumentSpellsOut() {
        byte[] expected = HexFormat.of()
                .parseHex("5057494e" + "02000000"
                        // record 0: flags 15, key "k", event time -2, id {8,1}, topic "t", a=b and ""="", value ff 00
                        + "0f000000" + "01000000" + "6b" + "feffffffffffffff" + "02000000" + "0801" + "01000000" + "74"
                        + "02000000" + "01000000" + "61" + "01000000" + "62" + "00000000" + "00000000"
                        + "02000000" + "ff00"
                        // record 1: nothing, no properties, value "1"
                        + "00000000" + "00000000" + "01000000" + "31");
        byte[] encoded = WindowInput.encode(List.of(full(), bare("1")), Limits.DEFAULTS);
        assertArrayEquals(expected, encoded);
        assertArrayEquals(HexFormat.of().parseHex("5057494e00000000"), WindowInput.encode(List.of(), Limits.DEFAULTS));

        List<WindowInput.Entry> back = WindowInput.decode(encoded);
        assertEquals(2, back.size());
        assertArrayEquals(new byte[] {(byte) 0xff, 0}, back.get(0).value());
        assertEquals(Optional.of("k"), back.get(0).key());
        assertEquals(OptionalLong.of(-2), back.get(0).eventTime());
        assertArrayEquals(new byte[] {8, 1}, back.get(0).messageId().orElseThrow());
        assertEquals(Optional.of("t"), back.get(0).topic());
        assertEquals(List.of("a", ""), List.copyOf(back.get(0).properties().keySet()));
        assertEquals(Map.of("a", "b", "", ""), back.get(0).properties());
        assertEquals(Optional.empty(), back.get(1).key());
        assertEquals(OptionalLong.empty(), back.get(1).eventTime());
        assertEquals(Optional.empty(), back.get(1).messageId());
        assertEquals(Optional.empty(), back.get(1).topic());
        assertEquals(Map.of(), back.get(1).properties());
    }

    @Test
    void javaScriptGetsJsonWithTextHexIdsAndBytesOnlyForAValueThatIsNotUtf8() {
        byte[] encoded = WindowInput.encode(List.of(full(), bare("\"q\"\\\n\u0001é")), Limits.DEFAULTS);
        assertEquals(
                "[{\"text\":\"\uFFFD\\u0000\",\"bytes\":[255,0],\"key\":\"k\",\"eventTime\":-2,\"messageId\":\"0801\","
                        + "\"topic\":\"t\",\"properties\":{\"a\":\"b\",\"\":\"\"}},"
                        + "{\"text\":\"\\\"q\\\"\\\\\\u000a\\u0001é\",\"key\":null,\"eventTime\":null,\"messageId\":null,"
                        + "\"topic\":null,\"properties\":{}}]",
                new String(WindowInput.json(encoded), StandardCharsets.UTF_8));
        assertEquals(
                "[]",
                new String(WindowInput.json(WindowInput.encode(List.of(), Limits.DEFAULTS)), StandardCharsets.UTF_8));
    }

    @Test
    void aMalformedWindowIsRefusedSayingWhere() {
        assertEquals(
                "not a window input: it does not start with PWIN",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.decode("hello!!!".getBytes(StandardCharsets.UTF_8)))
                        .getMessage());
        assertEquals(
                "not a window input: 4294967295 records cannot fit in 0 bytes",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.decode(HexFormat.of().parseHex("5057494effffffff")))
                        .getMessage());
        assertEquals(
                "not a window input: cut short at byte 20",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.decode(HexFormat.of()
                                        .parseHex("5057494e01000000" + "00000000" + "00000000" + "ffffff7f")))
                        .getMessage());
        assertEquals(
                "not a window input: cut short at byte 0",
                assertThrows(IllegalArgumentException.class, () -> WindowInput.decode(new byte[3]))
                        .getMessage());
        assertEquals(
                "not a window input: 1 bytes follow its 0 records",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.decode(HexFormat.of().parseHex("5057494e0000000000")))
                        .getMessage());
    }

    @Test
    void bothBoundsAreCheckedBeforeAnythingIsEncoded() {
        Limits limits = Limits.DEFAULTS.with(Limit.MAX_WINDOW_RECORDS, 2).with(Limit.MAX_WINDOW_BYTES, 8 + 2 * 13);
        // two records of one byte each: 8 + 2 * (4 flags + 4 properties + 4 + 1 value) = 34 bytes
        assertEquals(34, WindowInput.encode(List.of(bare("1"), bare("2")), limits).length);
        assertEquals(
                "a window of 3 records is more than the limit of 2 records (user config wasm.max-window-records); "
                        + "nothing was passed to the guest",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.encode(List.of(bare("1"), bare("2"), bare("3")), limits))
                        .getMessage());
        assertEquals(
                "a window of 2 records takes more than the limit of 34 bytes (user config wasm.max-window-bytes) "
                        + "(over it by record 2); nothing was passed to the guest",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.encode(List.of(bare("1"), bare("22")), limits))
                        .getMessage());
        // a record of 2 GiB is not needed to pass the limit: a value counts with its length
        assertEquals(
                "a window of 1 records takes more than the limit of 4194304 bytes (user config wasm.max-window-bytes) "
                        + "(over it by record 1); nothing was passed to the guest",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> WindowInput.encode(
                                        List.of(new WindowInput.Entry(
                                                new byte[4 << 20],
                                                Optional.empty(),
                                                OptionalLong.empty(),
                                                Optional.empty(),
                                                Optional.empty(),
                                                Map.of())),
                                        Limits.DEFAULTS))
                        .getMessage());
    }
}
