package io.pulsarwasm.function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pulsarwasm.engine.GuestErrorException;
import io.pulsarwasm.engine.Limit;
import io.pulsarwasm.engine.WasmExecutionException;
import io.pulsarwasm.engine.WasmSession;
import io.pulsarwasm.engine.WasmTimeoutException;
import io.pulsarwasm.function.internal.record.RecordEncodingException;
import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.MessageId;

/**
 * Failures that explain themselves: with {@value #TOPIC} set, every message whose guest call fails
 * (the guest's error, a trap, the deadline, a limit, an output that cannot be written) is also
 * published to that topic as a JSON record — which function, instance and module (by SHA-256), which
 * message and which attempt, what kind of failure, the limit's key when a limit was hit, the
 * error's text and the input's bytes (both bounded) — before the failure goes back to Pulsar, which
 * retries the message or dead-letters it as it does without this. {@code pip/pip-331.md}
 * ("Failure reports") and {@code docs/failures.md} have the record's fields.
 *
 * <p>A report that cannot be published within {@value #SEND_SECONDS} seconds is logged and left:
 * the message's own fate does not depend on it.
 */
final class FailureReports {

    /** User config key: the topic reports go to; unset or empty, none are made. */
    static final String TOPIC = "wasm.failure-topic";
    /** User config key: the most bytes of the input a report carries. */
    static final String MAX_INPUT_BYTES = "wasm.failure-max-input-bytes";
    /** User config key: the most characters of the error's text a report carries. */
    static final String MAX_ERROR_CHARS = "wasm.failure-max-error-chars";

    /** The keys this class reads, beside the engine's. */
    static final Set<String> KEYS = Set.of(TOPIC, MAX_INPUT_BYTES, MAX_ERROR_CHARS);

    static final int DEFAULT_MAX_INPUT_BYTES = 16 * 1024;
    static final int DEFAULT_MAX_ERROR_CHARS = 4 * 1024;
    /** The largest either bound may be: a report stays well under Pulsar's 5 MB message limit. */
    static final int MOST = 1024 * 1024;

    private static final long SEND_SECONDS = 30;
    private static final JsonFactory JSON = new JsonFactory();

    private final String topic;
    private final int maxInputBytes;
    private final int maxErrorChars;

    private FailureReports(String topic, int maxInputBytes, int maxErrorChars) {
        this.topic = topic;
        this.maxInputBytes = maxInputBytes;
        this.maxErrorChars = maxErrorChars;
    }

    /**
     * @param userConfig the function's user config
     * @return the reports it asks for (none without {@value #TOPIC})
     * @throws IllegalArgumentException naming a key whose value is wrong
     */
    static FailureReports parse(Map<String, ?> userConfig) {
        Object topic = userConfig.get(TOPIC);
        if (topic != null && !(topic instanceof String)) {
            throw new IllegalArgumentException("user config " + TOPIC + " must be a topic name, not " + topic);
        }
        return new FailureReports(
                topic == null || ((String) topic).isBlank() ? null : ((String) topic).strip(),
                bound(userConfig, MAX_INPUT_BYTES, DEFAULT_MAX_INPUT_BYTES),
                bound(userConfig, MAX_ERROR_CHARS, DEFAULT_MAX_ERROR_CHARS));
    }

    private static int bound(Map<String, ?> userConfig, String key, int fallback) {
        Object value = userConfig.get(key);
        if (value == null) {
            return fallback;
        }
        double number;
        try {
            number = value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString());
        } catch (NumberFormatException e) {
            number = Double.NaN;
        }
        if (!(number >= 0 && number <= MOST) || number != Math.rint(number)) {
            throw new IllegalArgumentException(
                    "user config " + key + " must be a whole number from 0 to " + MOST + ", not " + value);
        }
        return (int) number;
    }

    /** @return whether reports are made */
    boolean enabled() {
        return topic != null;
    }

    /**
     * Publishes the report of a failed call, and waits (a bounded time) until Pulsar has it.
     *
     * @param session the guest that failed
     * @param host the instance's host: its identity, the current message, and the publish
     * @param failure what the call threw
     * @param input the input's bytes as the guest got them
     */
    void report(WasmSession session, Host host, RuntimeException failure, byte[] input) {
        if (topic == null) {
            return;
        }
        byte[] report;
        try {
            report = render(session, host, failure, input);
        } catch (RuntimeException e) {
            host.log(LogLevel.WARN, "pulsar-wasm: could not make the failure report for " + TOPIC + ": " + e);
            return;
        }
        try {
            CompletableFuture<?> sent = host.publish(topic, report, host.key().orElse(null), Map.of());
            sent.get(SEND_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            host.log(
                    LogLevel.WARN,
                    "pulsar-wasm: the failure report did not reach " + topic + " (user config " + TOPIC + "): "
                            + (e instanceof ExecutionException ? e.getCause() : e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private byte[] render(WasmSession session, Host host, RuntimeException failure, byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("function", host.tenant() + "/" + host.namespace() + "/" + host.functionName());
            json.writeNumberField("instance", host.instanceId());
            json.writeStringField("module", session.moduleName());
            json.writeStringField("moduleSha256", session.moduleSha256().orElse(null));
            json.writeStringField("topic", host.topic().orElse(null));
            json.writeStringField(
                    "messageId", host.messageId().map(FailureReports::messageId).orElse(null));
            json.writeNumberField("attempt", host.redeliveryCount() + 1);
            json.writeStringField("kind", kind(failure));
            json.writeStringField("limit", limit(failure).map(Limit::key).orElse(null));
            String error = wellFormed(String.valueOf(failure.getMessage()));
            int cut = cutAt(error, maxErrorChars);
            json.writeStringField("error", error.substring(0, cut));
            json.writeBooleanField("errorTruncated", cut < error.length());
            json.writeNumberField("inputBytes", input.length);
            int kept = Math.min(input.length, maxInputBytes);
            json.writeStringField("input", Base64.getEncoder().encodeToString(Arrays.copyOf(input, kept)));
            json.writeBooleanField("inputTruncated", kept < input.length);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The failure's kind: {@code guest-error} (the guest reported one, or JavaScript threw), {@code
     * timeout}, {@code limit} (a {@code wasm.*} limit passed, memory included), {@code output} (an
     * output that is not UTF-8 or does not fit the output schema), {@code trap} (any other trap),
     * or {@code host} (something else failed on the host's side).
     */
    static String kind(RuntimeException failure) {
        if (failure instanceof GuestErrorException) {
            return "guest-error";
        }
        if (failure instanceof WasmTimeoutException) {
            return "timeout";
        }
        if (limit(failure).isPresent()) {
            return "limit";
        }
        if (failure.getCause() instanceof CharacterCodingException
                || failure.getCause() instanceof RecordEncodingException) {
            return "output";
        }
        return failure instanceof WasmExecutionException ? "trap" : "host";
    }

    /** @return the limit a failure names ({@code user config wasm.max-...}), if it names one */
    static Optional<Limit> limit(RuntimeException failure) {
        String message = failure.getMessage();
        if (message == null || failure instanceof GuestErrorException) {
            // a guest's own error text may name anything
            return Optional.empty();
        }
        Limit found = null;
        int at = Integer.MAX_VALUE;
        for (Limit limit : Limit.values()) {
            int where = message.indexOf("user config " + limit.key());
            int end = where + "user config ".length() + limit.key().length();
            boolean whole = where >= 0
                    && (end == message.length()
                            || !(Character.isLetterOrDigit(message.charAt(end)) || message.charAt(end) == '-'));
            if (whole && where < at) {
                found = limit;
                at = where;
            }
        }
        return Optional.ofNullable(found);
    }

    /** @return the message id as Pulsar prints it ({@code ledger:entry:partition}), or its bytes in base64 */
    private static String messageId(byte[] bytes) {
        try {
            return MessageId.fromByteArray(bytes).toString();
        } catch (IOException | RuntimeException e) {
            return Base64.getEncoder().encodeToString(bytes);
        }
    }

    /**
     * @return the text with each lone surrogate replaced by U+FFFD: JSON in UTF-8 cannot hold one,
     *     and a failure's text may quote what a guest gave
     */
    static String wellFormed(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
            if (!paired && out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (out != null) {
                out.append(paired ? c : '\uFFFD');
            }
        }
        return out == null ? text : out.toString();
    }

    /** @return where to cut text to at most {@code most} chars without splitting a surrogate pair */
    private static int cutAt(String text, int most) {
        if (text.length() <= most) {
            return text.length();
        }
        return most > 0 && Character.isHighSurrogate(text.charAt(most - 1)) ? most - 1 : most;
    }
}
