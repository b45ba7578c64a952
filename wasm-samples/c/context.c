/*
 * Context, a bytes function that reads the whole context and answers with one line of text
 * describing it; it also keeps the previous input in state, counts messages, publishes the input
 * to the topic in user config "echo-topic" (with a property) and records its length as a metric.
 * The C SDK's tour; SamplesTest checks every field.
 */
#include "../../sdk/c/pulsar_wasm.h"

#define LINE_CAPACITY 4096

static pw_bytes line;

/* Appends to the line, cut at its capacity: keys, topics and properties are the producer's to choose. */
static void add(pw_bytes bytes) {
    uint32_t room = LINE_CAPACITY - line.len;
    uint32_t len = bytes.len < room ? bytes.len : room;
    memcpy(line.ptr + line.len, bytes.ptr, len);
    line.len += len;
}

static void add_text(const char *text) { add(pw_str(text)); }

static void add_or_dash(pw_bytes bytes) {
    if (pw_is_absent(bytes)) add_text("-"); else add(bytes);
}

static void add_number(int64_t value) {
    uint8_t digits[20];
    uint32_t at = sizeof digits;
    uint64_t rest = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[--at] = (uint8_t)('0' + rest % 10);
        rest /= 10;
    } while (rest);
    if (value < 0) add_text("-");
    pw_bytes text = {digits + at, sizeof digits - at};
    add(text);
}

static int context(pw_bytes input, pw_output *out) {
    if (input.len > 256) return pw_fail(out, "input longer than 256 bytes");
    pw_bytes previous = pw_state_get("previous");
    pw_state_put("previous", input);
    pw_state_delete("never-set");
    pw_counter_incr("messages", 1);

    line.ptr = pw_alloc(LINE_CAPACITY);
    line.len = 0;
    add(pw_tenant());
    add_text("/");
    add(pw_namespace());
    add_text("/");
    add(pw_function_name());
    add_text(" instance ");
    add_number(pw_instance_id());
    add_text(" of ");
    add_number(pw_num_instances());
    add_text(" key=");
    add_or_dash(pw_key());
    add_text(" topic=");
    add_or_dash(pw_topic());
    add_text(" time=");
    add_number(pw_event_time());
    add_text(" id=");
    add_number(pw_message_id().len);
    add_text("B props:");
    pw_bytes properties = pw_properties();
    pw_entry entry;
    for (uint32_t i = 0; pw_map_entry(properties, i, &entry); i++) {
        add_text(" ");
        add(entry.key);
        add_text("=");
        add(entry.value);
    }
    add_text(" lang=");
    add_or_dash(pw_property("lang"));
    add_text(" previous=");
    add_or_dash(previous);
    add_text(" messages=");
    add_number(pw_counter_get("messages"));

    pw_bytes echo = pw_config("echo-topic");
    if (!pw_is_absent(echo)) {
        char *topic = pw_alloc(echo.len + 1);
        memcpy(topic, echo.ptr, echo.len);
        topic[echo.len] = 0;
        const char *from[] = {"from", "context.c"};
        pw_publish_with(topic, input, pw_key(), pw_map_of(1, from));
    }
    pw_metric("input-bytes", (double)input.len);
    return pw_set(out, line);
}

PULSAR_FUNCTION(context)
