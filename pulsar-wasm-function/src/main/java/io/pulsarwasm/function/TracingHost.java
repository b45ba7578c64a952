package io.pulsarwasm.function;

import io.pulsarwasm.function.internal.record.Encoded;
import io.pulsarwasm.host.Host;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The host of a function whose input's trace context is carried on ({@value TraceContext#KEY},
 * on by default): while a message with a valid {@code traceparent} is processed, the guest sees a
 * {@code traceparent} of the function's own span in the message's properties — same trace, a new
 * span id, the input's span its parent — and every publish that does not set one carries it, with
 * the input's {@code tracestate}. The function's output carries the same ({@link #outputProperties()}).
 * A {@code traceparent} that is not one is left as it is, and counted ({@value
 * TraceContext#MALFORMED_METRIC}); nothing fails for it.
 */
class TracingHost extends ForwardingHost {

    /** The current message's properties as the guest sees them, or null when it has no trace. */
    private Map<String, String> traced;

    TracingHost(Host host) {
        super(host);
    }

    /** @return a tracing host over the host, sending encoded values if the host does */
    static TracingHost over(Host host) {
        return host instanceof SchemaPublisher ? new Encoding(host) : new TracingHost(host);
    }

    /** Starts a message: reads its trace context and makes the span of this function's. */
    void begin() {
        traced = null;
        Map<String, String> properties = host.properties();
        String header = properties.get(TraceContext.TRACEPARENT);
        if (header == null) {
            return;
        }
        Optional<TraceContext> input = TraceContext.parse(header);
        if (input.isEmpty()) {
            host.recordMetric(TraceContext.MALFORMED_METRIC, 1);
            return;
        }
        Map<String, String> view = new HashMap<>(properties);
        view.put(TraceContext.TRACEPARENT, input.get().child().header());
        traced = Map.copyOf(view);
    }

    /** Ends a message. */
    void end() {
        traced = null;
    }

    /** @return the properties the output carries: the guest's view, when the message has a trace */
    Optional<Map<String, String>> outputProperties() {
        return Optional.ofNullable(traced);
    }

    @Override
    public Map<String, String> properties() {
        return traced != null ? traced : host.properties();
    }

    @Override
    public CompletableFuture<?> publish(String topic, byte[] value, String key, Map<String, String> properties) {
        return host.publish(topic, value, key, withTrace(properties));
    }

    /** @return the properties with this message's trace context, unless they have one or there is none */
    Map<String, String> withTrace(Map<String, String> properties) {
        if (traced == null || TraceContext.present(properties)) {
            return properties;
        }
        Map<String, String> with = new HashMap<>(properties);
        with.put(TraceContext.TRACEPARENT, traced.get(TraceContext.TRACEPARENT));
        String state = traced.get(TraceContext.TRACESTATE);
        if (state != null && !properties.containsKey(TraceContext.TRACESTATE)) {
            with.put(TraceContext.TRACESTATE, state);
        }
        return with;
    }

    /** Over a host that sends values in a schema of its own (Pulsar's), which a record function's publishes use. */
    private static final class Encoding extends TracingHost implements SchemaPublisher {

        Encoding(Host host) {
            super(host);
        }

        @Override
        public CompletableFuture<?> publish(String topic, Encoded encoded, String key, Map<String, String> properties) {
            return ((SchemaPublisher) host).publish(topic, encoded, key, withTrace(properties));
        }
    }
}
