package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pulsarwasm.testing.PublishedMessage;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C Trace Context: the header read as the specification's receiver rules say, and a function's
 * guest, publishes and output in the input's trace with a span of their own; a malformed header
 * changes nothing and is counted.
 */
@Timeout(120)
class TraceContextTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String HEADER = "00-" + TRACE + "-" + PARENT + "-01";

    @TempDir
    Path dir;

    @Test
    void theHeaderIsReadByTheSpecificationsRules() {
        assertEquals(Optional.of(new TraceContext(TRACE, PARENT, "01")), TraceContext.parse(HEADER));
        assertEquals(HEADER, TraceContext.parse(HEADER).orElseThrow().header());
        // a later version: its first four fields, if what follows starts with '-'; passed on as 00
        assertEquals(
                "00-" + TRACE + "-" + PARENT + "-01",
                TraceContext.parse("cc-" + TRACE + "-" + PARENT + "-01-what-the-future-holds")
                        .orElseThrow()
                        .header());
        for (String bad : List.of(
                "",
                "00-" + TRACE + "-" + PARENT,
                HEADER + "-",
                HEADER.toUpperCase(java.util.Locale.ROOT),
                "ff-" + TRACE + "-" + PARENT + "-01",
                "00-" + "0".repeat(32) + "-" + PARENT + "-01",
                "00-" + TRACE + "-" + "0".repeat(16) + "-01",
                "00-" + TRACE + "-" + PARENT + "-0g",
                "00_" + TRACE + "-" + PARENT + "-01",
                "cc-" + TRACE + "-" + PARENT + "-01x",
                "0-" + TRACE + "-" + PARENT + "-011")) {
            assertEquals(Optional.empty(), TraceContext.parse(bad), bad);
        }
        // a hostile later-version header of a megabyte: read by its first 55 characters, passed on as 55
        String huge = "cc-" + TRACE + "-" + PARENT + "-01-" + "x".repeat(1 << 20);
        assertEquals(55, TraceContext.parse(huge).orElseThrow().child().header().length());
        TraceContext child = TraceContext.parse(HEADER).orElseThrow().child();
        assertEquals(TRACE, child.traceId());
        assertEquals("01", child.flags());
        assertNotEquals(PARENT, child.spanId());
        assertTrue(child.spanId().matches("[0-9a-f]{16}") && !child.spanId().equals("0".repeat(16)), child.spanId());
        assertEquals(Optional.of(child), TraceContext.parse(child.header()));
    }

    @Test
    void theGuestAndItsPublishesAreInTheInputsTraceWithASpanOfTheirOwn() throws IOException {
        Path file = Files.writeString(
                dir.resolve("t.js"),
                "export function process(input, ctx) {\n"
                        + "  ctx.publish('persistent://public/default/side', input);\n"
                        + "  ctx.publish('persistent://public/default/side', 'own', { properties: { traceparent: 'mine' } });\n"
                        + "  return String(ctx.property('traceparent')) + ' ' + JSON.stringify(ctx.properties());\n"
                        + "}\n");
        try (WasmFunctionTester<String, String> tester =
                WasmFunctionTester.strings(file.toUri().toString())) {
            String out = tester.process(TestRecord.of("a")
                    .withProperty("traceparent", HEADER)
                    .withProperty("tracestate", "vendor=x")
                    .withProperty("p", "1"));
            String seen = out.substring(0, out.indexOf(' '));
            TraceContext span = TraceContext.parse(seen).orElseThrow();
            assertEquals(TRACE, span.traceId());
            assertNotEquals(PARENT, span.spanId());
            assertTrue(out.contains("\"tracestate\":\"vendor=x\"") && out.contains("\"p\":\"1\""), out);
            List<PublishedMessage> published = tester.host().published();
            assertEquals(
                    Map.of("traceparent", seen, "tracestate", "vendor=x"),
                    published.get(0).properties());
            assertEquals(Map.of("traceparent", "mine"), published.get(1).properties(), "the guest's own is kept");
            assertEquals(Map.of(), tester.host().metrics());

            // a second message gets a span of its own
            String again = tester.process(TestRecord.of("b").withProperty("traceparent", HEADER));
            assertNotEquals(seen, again.substring(0, again.indexOf(' ')));

            // malformed: left as it is, counted, nothing added to publishes
            assertEquals(
                    "garbage {\"traceparent\":\"garbage\"}",
                    tester.process(TestRecord.of("c").withProperty("traceparent", "garbage")));
            assertEquals(Map.of(), tester.host().published().get(4).properties());
            assertEquals(
                    Map.of("wasm_trace_malformed", List.of(1.0)), tester.host().metrics());

            // none: nothing at all
            assertEquals("null {}", tester.process("d"));
            assertEquals(Map.of(), tester.host().published().get(6).properties());
        }
        try (WasmFunctionTester<String, String> off =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.trace-context", false)) {
            assertEquals(
                    HEADER + " {\"traceparent\":\"" + HEADER + "\"}",
                    off.process(TestRecord.of("e").withProperty("traceparent", HEADER)));
            assertEquals(Map.of(), off.host().published().get(0).properties());
        }
        try (WasmFunctionTester<String, String> bad =
                WasmFunctionTester.strings(file.toUri().toString()).config("wasm.trace-context", "sometimes")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> bad.process("f"));
            assertEquals("user config wasm.trace-context must be true or false, not sometimes", e.getMessage());
        }
    }
}
