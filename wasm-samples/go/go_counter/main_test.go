package main

import (
	"reflect"
	"testing"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

func TestCountsPerKeyAndPublishesToTheAuditTopic(t *testing.T) {
	host := pulsarwasm.NewTestHost()
	host.Config["audit-topic"] = "audit"
	var outputs []string
	for _, key := range []string{"a", "b", "a"} {
		k := key
		host.Key = &k
		out, err := host.Call(count, []byte("m-"+key))
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, string(out))
	}
	host.Key = nil
	out, err := host.Call(count, []byte("no key"))
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(out))
	if want := []string{"a=1", "b=1", "a=2", "(none)=1"}; !reflect.DeepEqual(outputs, want) {
		t.Fatalf("outputs %v, want %v", outputs, want)
	}
	if !reflect.DeepEqual(host.Metrics, map[string][]float64{"input-bytes": {3, 3, 3, 6}}) ||
		host.Logs[2] != "INFO a counted 2 times" {
		t.Fatalf("metrics %v, logs %v", host.Metrics, host.Logs)
	}
	if len(host.Published) != 4 || host.Published[2].Properties["count"] != "2" || *host.Published[3].Key != "(none)" {
		t.Fatalf("published %+v", host.Published)
	}
}

func TestWithoutAnAuditTopicNothingIsPublished(t *testing.T) {
	host := pulsarwasm.NewTestHost()
	if _, err := host.Call(count, []byte("x")); err != nil || len(host.Published) != 0 {
		t.Fatalf("err %v, published %+v", err, host.Published)
	}
}
