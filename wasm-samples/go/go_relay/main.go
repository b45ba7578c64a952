// go_relay answers every message with its input: the Go twin of the relay benchmarks.
package main

import pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"

func main() {
	pulsarwasm.Run(func(_ *pulsarwasm.Context, input []byte) ([]byte, error) {
		return input, nil
	})
}
