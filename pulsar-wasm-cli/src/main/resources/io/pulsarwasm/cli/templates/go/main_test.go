package main

import (
	"testing"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

// Native tests (go test, or pulsar-wasm test): the SDK's in-memory host, no wasm runtime.
func TestShoutsWithTheConfiguredSuffix(t *testing.T) {
	host := pulsarwasm.NewTestHost()
	host.Config["suffix"] = "?!"
	out, err := host.Call(shout, []byte("hi"))
	if err != nil || string(out) != "HI?!" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestAnEmptyMessageHasNoOutputAndALongOneFails(t *testing.T) {
	host := pulsarwasm.NewTestHost()
	if out, err := host.Call(shout, nil); out != nil || err != nil {
		t.Fatalf("empty: got %q, %v", out, err)
	}
	_, err := host.Call(shout, []byte("xxxxxxxxxxxxxxxxx"))
	if err == nil || err.Error() != "a message of 17 bytes is longer than 16" {
		t.Fatalf("long: got %v", err)
	}
}
