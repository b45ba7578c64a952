package io.pulsarwasm.engine;

import io.pulsarwasm.host.Host;
import io.pulsarwasm.host.LogLevel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The host calls, in Java terms, for every kind of guest: each {@link HostImport} mapped onto the
 * {@link Host} once, within the sandbox's limits. A wasm module reaches it through {@link
 * WasmImports}, a JavaScript function through {@link JsBridge}; both hand their arguments and take
 * their results through {@link #call}, the one dispatcher.
 *
 * <p>Serves one guest instance and, like it, is not thread-safe. An invocation of {@code process}
 * runs between {@link #begin} and {@link #finish}; its output and error are kept here, its writes
 * in {@link PendingWrites}, which are not waited for during the guest's run.
 */
final class HostCalls {

    private final String moduleName;
    private final Host host;
    private final ValueLimits bounds;
    private final CallBudget budget;
    private final Recovery recovery = new Recovery();
    private final PendingWrites writes;
    private final DistinctNames metricNames;
    private final DistinctNames topics;
    private String lastTopic;
    private EntryPoint entry;
    private byte[] output;
    private String error;

    HostCalls(String moduleName, Limits limits, Host host, DistinctNames metricNames, DistinctNames topics) {
        this.moduleName = moduleName;
        this.host = host;
        this.bounds = new ValueLimits(limits);
        this.budget = new CallBudget(limits);
        this.writes = new PendingWrites(moduleName, recovery, limits.intValue(Limit.MAX_WRITES_PER_CALL));
        this.metricNames = metricNames;
        this.topics = topics;
    }

    /**
     * What one invocation produced: its output (null when none), its error text, and a future that
     * completes with the output once its writes are stored.
     */
    record Outcome(byte[] output, String error, CompletableFuture<byte[]> stored) {}

    /** @return the bounds on single values */
    ValueLimits bounds() {
        return bounds;
    }

    /** @return which failures a guest may recover from */
    Recovery recovery() {
        return recovery;
    }

    /** Starts a call into the guest: its log and write budgets start again. */
    void beginCall() {
        budget.begin();
    }

    /** Starts an invocation of an entry point. */
    void begin(EntryPoint entry) {
        this.entry = entry;
        this.output = null;
        this.error = null;
        writes.begin();
    }

    /** Ends the invocation. */
    Outcome finish() {
        entry = null;
        return new Outcome(output, error, writes.stored(output));
    }

    /** Ends a call with no output to collect, waiting (under its deadline) until its writes are stored. */
    void awaitWrites() {
        entry = null;
        writes.await();
    }

    /**
     * Runs one host call.
     *
     * @param call the call
     * @param name the call as errors name it ({@code pulsar.state_get}, {@code ctx.stateGet})
     * @param a its arguments, as the guest passed them
     * @param out how the guest takes its result
     * @return the result, in the guest's terms
     */
    <R> R call(HostImport call, String name, CallArguments a, CallResults<R> out) {
        return switch (call) {
            case LOG -> {
                log(name, a);
                yield out.none();
            }
            case GET_CONFIG -> out.text(name, host.config(a.text(0)));
            case GET_SECRET -> out.text(name, host.secret(a.text(0)));
            case SET_OUTPUT -> {
                setOutput(name, a);
                yield out.none();
            }
            case SET_ERROR -> {
                setError(name, a.line(0).text());
                yield out.none();
            }
            case GET_KEY -> out.text(name, host.key());
            case GET_TOPIC -> out.text(name, host.topic());
            case GET_PROPERTY ->
                out.text(name, Optional.ofNullable(host.properties().get(a.text(0))));
            case GET_PROPERTIES -> out.map(name, host.properties());
            case GET_EVENT_TIME -> out.optionalNumber(host.eventTime());
            case GET_MESSAGE_ID -> out.bytes(name, host.messageId());
            case GET_SCHEMA -> out.text(name, host.schema());
            case GET_TENANT -> out.text(name, Optional.of(host.tenant()));
            case GET_NAMESPACE -> out.text(name, Optional.of(host.namespace()));
            case GET_FUNCTION_NAME -> out.text(name, Optional.of(host.functionName()));
            case GET_INSTANCE_ID -> out.number(host.instanceId());
            case GET_NUM_INSTANCES -> out.number(host.numInstances());
            case GET_REDELIVERY_COUNT -> out.number(host.redeliveryCount());
            case STATE_GET -> out.bytes(name, stateGet(name, a.text(0)));
            case STATE_PUT -> {
                statePut(name, a);
                yield out.none();
            }
            case STATE_DELETE -> {
                stateDelete(name, a);
                yield out.none();
            }
            case COUNTER_INCR -> {
                counterIncr(name, a);
                yield out.none();
            }
            case COUNTER_GET -> out.number(counterGet(name, a.text(0)));
            case PUBLISH -> {
                publish(name, a);
                yield out.none();
            }
            case RECORD_METRIC -> {
                recordMetric(name, a.text(0), a.f64(1));
                yield out.none();
            }
            case LAST_ERROR -> out.text(name, Optional.ofNullable(recovery.lastError()));
            case NEXT_INPUT, TAKE_RESULT ->
                throw new IllegalStateException(name + " is served by the guest's entry and its memory, not the host");
            case TRY_STATE_GET, TRY_STATE_PUT, TRY_STATE_DELETE, TRY_COUNTER_INCR, TRY_COUNTER_GET, TRY_PUBLISH ->
                throw new IllegalArgumentException(call + " is run as the call it recovers, through Recovery");
        };
    }

    // each call's own steps, a small method each (so the JIT inlines them into the dispatcher's callers)

    private void log(String name, CallArguments a) {
        LogLevel level = LogLevel.ofCode(a.i32(0));
        if (level == null) {
            throw new AbiViolationException(name + ": level " + a.i32(0)
                    + " is not one of 0 (trace), 1 (debug), 2 (info), 3 (warn), 4 (error)");
        }
        if (!budget.logSpent()) { // once the call's log budget is spent, lines are not even read
            logLine(level, a.line(1));
        }
    }

    private void setOutput(String name, CallArguments a) {
        checkOutput(name, a.length(0));
        setOutput(name, a.bytes(0));
    }

    private void statePut(String name, CallArguments a) {
        String key = a.text(0);
        long length = a.length(1);
        bounds.checkStateValue(name, length);
        budget.countWrite(name, length);
        byte[] value = a.bytes(1);
        writes.stateWrite(name, () -> host.statePut(key, value));
    }

    private void stateDelete(String name, CallArguments a) {
        String key = a.text(0);
        budget.countWrite(name, 0);
        writes.stateWrite(name, () -> host.stateDelete(key));
    }

    private void counterIncr(String name, CallArguments a) {
        String key = a.text(0);
        long amount = a.i64(1);
        budget.countWrite(name, 0);
        writes.stateWrite(name, () -> host.counterIncr(key, amount));
    }

    private void publish(String name, CallArguments a) {
        String topic = admitTopic(name, a.text(0));
        budget.countWrite(name, a.length(1) + a.length(3));
        byte[] value = a.bytes(1);
        String key = a.optionalText(2);
        Map<String, String> properties = a.map(3);
        writes.write(name, topic, () -> host.publish(topic, value, key, properties));
    }

    /**
     * Logs a line for the guest (the {@code log} call, WASI stdout and stderr) within the call's log
     * budget: a line longer than the line limit comes cut, and says so; once the budget is spent,
     * one line says so and the call's further lines are dropped.
     */
    void logLine(LogLevel level, ValueLimits.Line line) {
        if (budget.logSpent()) {
            return;
        }
        if (!budget.admitLogLine(line.fullBytes())) {
            host.log(
                    LogLevel.WARN,
                    "pulsar-wasm: wasm module '" + moduleName + "' logged more than "
                            + bounds.limits().limitOf(Limit.MAX_LOG_BYTES_PER_CALL)
                            + " in one call; its further lines in this call are dropped");
            return;
        }
        host.log(
                level,
                line.fullBytes() <= bounds.maxLogLineBytes()
                        ? line.text()
                        : line.text() + " [pulsar-wasm: a line of " + line.fullBytes() + " bytes, cut to "
                                + bounds.limits().limitOf(Limit.MAX_LOG_LINE_BYTES) + "]");
    }

    /** Refuses an output over {@link Limit#MAX_OUTPUT_BYTES}, or a second output of one invocation. */
    void checkOutput(String name, long length) {
        requireBytesInvocation(name);
        bounds.checkOutput(name, length);
        if (output != null) {
            throw new AbiViolationException(name + ": called twice in one invocation; a function has one output");
        }
    }

    /** Sets the invocation's output. */
    void setOutput(String name, byte[] value) {
        checkOutput(name, value.length);
        output = value;
    }

    /** The guest's error text, cut like a log line: it ends up in Pulsar's log and exception stats. */
    void setError(String name, String message) {
        requireBytesInvocation(name);
        error = message;
    }

    private void requireBytesInvocation(String name) {
        if (entry != EntryPoint.BYTES) {
            throw new AbiViolationException(name + ": only valid inside " + EntryPoint.BYTES.describe()
                    + (entry == EntryPoint.LONG ? "; the Long entry point returns its output" : ""));
        }
    }

    private void recordMetric(String name, String metric, double value) {
        if (!metricNames.admit(metric)) {
            throw new AbiViolationException(name + ": metric '" + metric + "' would be distinct metric name "
                    + (bounds.limits().get(Limit.MAX_METRIC_NAMES) + 1) + " of this function instance, more than "
                    + bounds.limits().limitOf(Limit.MAX_METRIC_NAMES));
        }
        host.recordMetric(metric, value);
    }

    /** @return the topic; the same String as the last publish's when it is the same topic */
    private String admitTopic(String name, String topic) {
        if (topic.equals(lastTopic)) {
            return lastTopic;
        }
        if (!topics.admit(topic)) {
            throw new AbiViolationException(name + ": topic '" + topic + "' would be distinct topic "
                    + (bounds.limits().get(Limit.MAX_PUBLISH_TOPICS) + 1) + " of this function instance, more than "
                    + bounds.limits().limitOf(Limit.MAX_PUBLISH_TOPICS));
        }
        lastTopic = topic;
        return topic;
    }

    /** Reads state after this instance's earlier writes (under the deadline). */
    private Optional<byte[]> stateGet(String name, String key) {
        writes.awaitStateWrites(name);
        return recovery.await(name, recovery.fromHost(name, null, () -> host.stateGet(key)));
    }

    private long counterGet(String name, String key) {
        writes.awaitStateWrites(name);
        return recovery.await(name, recovery.fromHost(name, null, () -> host.counterGet(key)));
    }
}
