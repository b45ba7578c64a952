package io.pulsarwasm.function;

import io.pulsarwasm.host.Host;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The host a window function's guest sees: its host, without a current message. A window's
 * records, with their keys, properties, event times and message ids, are the guest's input ({@link
 * io.pulsarwasm.engine.WindowInput}); what Pulsar calls the current record while a window is
 * processed is merely the latest to arrive (or, for a time window, whatever the instance is
 * reading meanwhile), so the calls about one message answer as for a message without that data,
 * except the redelivery count: the highest among the window's records, so that a guest (and a
 * failure report's attempt) can tell a window delivered again.
 */
final class WindowHost extends ForwardingHost {

    /** The highest redelivery count among the records of the window being processed. */
    private volatile int redeliveryCount;

    WindowHost(Host host) {
        super(host);
    }

    /**
     * Sets what {@link #redeliveryCount} answers while a window is processed.
     *
     * @param count the highest redelivery count among the window's records (0 for a first delivery)
     */
    void window(int count) {
        redeliveryCount = count;
    }

    @Override
    public Optional<String> key() {
        return Optional.empty();
    }

    @Override
    public Optional<String> topic() {
        return Optional.empty();
    }

    @Override
    public Map<String, String> properties() {
        return Map.of();
    }

    @Override
    public OptionalLong eventTime() {
        return OptionalLong.empty();
    }

    @Override
    public Optional<byte[]> messageId() {
        return Optional.empty();
    }

    @Override
    public Optional<String> schema() {
        return Optional.empty();
    }

    /** @return the highest redelivery count among the window's records: a window delivered again says so */
    @Override
    public int redeliveryCount() {
        return redeliveryCount;
    }
}
