// {{name}}: a pulsar-wasm function. Upper-cases each message and appends the user config's
// "suffix"; an empty message has no output; one longer than maxLen bytes fails (Pulsar retries it,
// then dead-letters it with --max-message-retries and --dead-letter-topic).
package main

import (
	"fmt"
	"strings"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

// The longest message shouted; a longer one fails.
const maxLen = 16

func shout(ctx *pulsarwasm.Context, input []byte) ([]byte, error) {
	if len(input) == 0 {
		return nil, nil // no output: the message is filtered out
	}
	if len(input) > maxLen {
		return nil, fmt.Errorf("a message of %d bytes is longer than 16", len(input))
	}
	suffix, ok := ctx.Config("suffix")
	if !ok {
		suffix = "!"
	}
	ctx.Infof("shouting")
	return []byte(strings.ToUpper(string(input)) + suffix), nil
}

func main() { pulsarwasm.Run(shout) }
