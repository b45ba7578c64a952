package main

import (
	"testing"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

func TestTransformWritesWhatJavaAndJavaScriptWrite(t *testing.T) {
	host := pulsarwasm.NewTestHost()
	for input, want := range map[string]string{
		`{"name":"user-7","count":7,"items":["a","bb","ccc","dddd"],"note":"some text here ok"}`: `{"name":"USER-7","count":8,"items":["a","bb","ccc","dddd"],"note":"some text here ok","total":10}`,
		`{"name":"été","count":-1,"items":[],"note":"<&>"}`:                                      `{"name":"ÉTÉ","count":0,"items":[],"note":"<&>","total":0}`,
		`{"name":"x","count":0,"items":["","🎉"],"note":null}`:                                    `{"name":"X","count":1,"items":["","🎉"],"note":null,"total":2}`,
	} {
		out, err := host.Call(transform, []byte(input))
		if err != nil || string(out) != want {
			t.Fatalf("%s: got %s, %v; want %s", input, out, err, want)
		}
	}
	if _, err := host.Call(transform, []byte("not json")); err == nil {
		t.Fatal("not JSON: no error")
	}
}
