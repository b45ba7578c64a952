package io.pulsarwasm.engine;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JavaScript function on the engine alone, as a string function runs it: the script's text, its
 * limits from a user config (which {@code ctx.config} also reads), a {@link TestHost}, and text in
 * and out through a {@link WasmSession}, which replaces the instance after a trap or a timeout.
 */
final class JsGuest implements AutoCloseable {

    static final String NAME = "f.js";

    private final String source;
    private final Map<String, Object> userConfig = new LinkedHashMap<>();
    private final TestHost host = new TestHost();
    private WasmSession session;

    JsGuest(String source) {
        this.source = source;
    }

    /**
     * Adds a user config entry: a {@code wasm.*} limit, or a value {@code ctx.config} reads.
     *
     * @return this guest; its first message starts the engine with the config so far
     */
    JsGuest config(String key, Object value) {
        userConfig.put(key, value);
        host.userConfig(key, value);
        return this;
    }

    /** @return the host the function's {@code ctx} reaches */
    TestHost host() {
        return host;
    }

    /**
     * Runs {@code process} on one message.
     *
     * @param input the message's text
     * @return the output's text, or null for none
     */
    String process(String input) {
        if (session == null) {
            Sandbox sandbox = WasmConfig.parse(userConfig).sandbox();
            session = new WasmSession(
                    WasmLoader.fromJavaScript(NAME, source.getBytes(StandardCharsets.UTF_8), sandbox)
                            .withJsInput(JsInput.TEXT),
                    host);
        }
        Invocation invocation = session.process(input.getBytes(StandardCharsets.UTF_8));
        invocation.stored().join();
        return invocation.text(NAME);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
