module github.com/pulsar-wasm/pulsar-wasm/sdk/go

go 1.23
