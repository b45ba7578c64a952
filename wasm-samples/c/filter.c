/*
 * Filter, a bytes function: drops every message that contains the user config value "blocked"
 * (counting the drops in the counter "dropped"), and passes the others through unchanged.
 */
#include "../../sdk/c/pulsar_wasm.h"

static pw_bytes blocked;

static void setup(void) {
    blocked = pw_config("blocked");
    if (pw_is_absent(blocked)) {
        pw_log(PW_WARN, "filter: user config 'blocked' is not set; passing every message");
    }
}

static int filter(pw_bytes input, pw_output *out) {
    if (!pw_is_absent(blocked) && pw_contains(input, blocked)) {
        pw_counter_incr("dropped", 1);
        return PW_OK;
    }
    return pw_set(out, input);
}

PULSAR_INIT(setup)
PULSAR_FUNCTION(filter)
