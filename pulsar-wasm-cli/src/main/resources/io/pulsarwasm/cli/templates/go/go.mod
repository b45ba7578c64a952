module example.com/{{ident}}

go 1.23

require github.com/pulsar-wasm/pulsar-wasm/sdk/go v0.0.0

// the guest SDK of the pulsar-wasm installation that made this project
replace github.com/pulsar-wasm/pulsar-wasm/sdk/go => {{sdk}}/go
