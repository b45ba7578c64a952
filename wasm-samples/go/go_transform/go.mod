module example.com/go_transform

go 1.23

require github.com/pulsar-wasm/pulsar-wasm/sdk/go v0.0.0

replace github.com/pulsar-wasm/pulsar-wasm/sdk/go => ../../../sdk/go
