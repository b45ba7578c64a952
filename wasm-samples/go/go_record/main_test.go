package main

import (
	"testing"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

func TestUsersGetOlderAndNamelessOnesAreFilteredOut(t *testing.T) {
	handler := pulsarwasm.JSONHandler(older)
	host := pulsarwasm.NewTestHost()
	for input, want := range map[string]string{
		`{"name":"ada","age":36,"email":null}`:  `{"name":"ADA","age":37,"email":null}`,
		`{"name":"zoë","age":63,"email":"z@x"}`: `{"name":"ZOË","age":64,"email":"z@x"}`,
	} {
		out, err := host.Call(handler, []byte(input))
		if err != nil || string(out) != want {
			t.Fatalf("%s: got %s, %v; want %s", input, out, err, want)
		}
	}
	if out, err := host.Call(handler, []byte(`{"age":30}`)); out != nil || err != nil {
		t.Fatalf("nameless: got %s, %v; want no output", out, err)
	}
}
