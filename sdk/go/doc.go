// Package pulsarwasm writes Apache Pulsar functions in Go, run by pulsar-wasm as WebAssembly
// inside the worker's JVM, sandboxed (bounded memory, a deadline per message).
//
// A function is a Handler passed to Run from main:
//
//	func main() {
//		pulsarwasm.Run(func(ctx *pulsarwasm.Context, input []byte) ([]byte, error) {
//			return bytes.ToUpper(input), nil
//		})
//	}
//
// Build it with GOOS=wasip1 GOARCH=wasm (Go 1.23). Go 1.23 cannot export functions from wasm,
// so the module is a WASI command: its main loops in Run on the host import
// pulsar.next_input, which answers the previous message and waits for the next (the ABI's
// command entry, docs/abi.md).
//
// A handler returns the output, nil for no output (the message is filtered out; an empty,
// non-nil slice is an empty output), or an error, which fails the message (Pulsar retries or
// dead-letters it). A panic in the handler fails the message the same way.
//
// Outside wasip1 the same package builds natively with an in-memory host, TestHost, so a
// handler is unit-tested with go test and no wasm runtime.
package pulsarwasm
