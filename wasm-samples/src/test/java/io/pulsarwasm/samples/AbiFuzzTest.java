package io.pulsarwasm.samples;

import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.testing.TestRecord;
import io.pulsarwasm.testing.WasmFunctionTester;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random payloads through the samples' bytes ABI: the only failures allowed are the documented
 * ones, {@link WasmExecutionException} and its subclasses (a guest error, a trap, a timeout).
 */
class AbiFuzzTest {

    private static WasmFunctionTester<byte[], byte[]> probe;
    private static WasmFunctionTester<byte[], byte[]> filter;
    private static WasmFunctionTester<byte[], byte[]> router;
    private static WasmFunctionTester<String, String> enricher;
    private static WasmFunctionTester<String, String> wordcount;

    @BeforeContainer
    static void start() {
        probe = WasmFunctionTester.bytes("classpath:probe.wasm").config("colour", "blue");
        filter = WasmFunctionTester.bytes("classpath:filter.wasm").config("blocked", "spam");
        router = WasmFunctionTester.bytes("classpath:router.wasm")
                .config("topic-prefix", "persistent://public/default/r-");
        enricher = WasmFunctionTester.strings("classpath:enricher.wasm").config("prefix", "> ");
        wordcount = WasmFunctionTester.strings("classpath:wordcount.wasm")
                .config("every", 3.0)
                .config("summary-topic", "persistent://public/default/summaries");
    }

    @AfterContainer
    static void stop() {
        for (WasmFunctionTester<?, ?> tester :
                new WasmFunctionTester<?, ?>[] {probe, filter, router, enricher, wordcount}) {
            tester.close();
        }
    }

    @Property(tries = 1500, seed = "20261121")
    void randomBytesMeetOnlyDocumentedFailures(@ForAll @Size(max = 2048) byte[] payload, @ForAll String key) {
        TestRecord<byte[]> record = TestRecord.of(payload).withKey(key).withProperty(key, key);
        for (WasmFunctionTester<byte[], byte[]> tester : java.util.List.of(probe, filter, router)) {
            try {
                tester.process(record);
            } catch (WasmExecutionException documented) {
                // a guest error, trap or timeout: the message fails, the function goes on
            }
        }
    }

    @Property(tries = 1500, seed = "20261121")
    void randomTextMeetsOnlyDocumentedFailures(@ForAll @Size(max = 512) String text) {
        for (WasmFunctionTester<String, String> tester : java.util.List.of(enricher, wordcount)) {
            try {
                tester.process(text);
            } catch (WasmExecutionException documented) {
                // as above
            }
        }
    }
}
