//go:build !wasip1

package pulsarwasm

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestStringMapEncodingIsTheAbis(t *testing.T) {
	// count 2, then "a" -> "", "bc" -> "d", keys in order: written out by hand from docs/abi.md
	want := []byte{2, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 0, 0, 0, 2, 0, 0, 0, 'b', 'c', 1, 0, 0, 0, 'd'}
	got := encodeMap(map[string]string{"bc": "d", "a": ""})
	if !bytes.Equal(got, want) {
		t.Fatalf("encodeMap = %v, want %v", got, want)
	}
	decoded, err := decodeMap(want)
	if err != nil || !reflect.DeepEqual(decoded, map[string]string{"a": "", "bc": "d"}) {
		t.Fatalf("decodeMap = %v, %v", decoded, err)
	}
}

func TestAStringMapShorterThanACountIsNoPropertiesAndATruncatedOneIsAnError(t *testing.T) {
	for _, b := range [][]byte{nil, {}, {0, 0, 0}} {
		if m, err := decodeMap(b); err != nil || len(m) != 0 {
			t.Fatalf("decodeMap(%v) = %v, %v; want an empty map", b, m, err)
		}
	}
	if _, err := decodeMap([]byte{1, 0, 0, 0, 5, 0, 0, 0, 'a'}); !errors.Is(err, errMalformedMap) {
		t.Fatalf("a truncated map: err = %v", err)
	}
}

func TestEmptyAndAbsentAreKeptApart(t *testing.T) {
	host := NewTestHost()
	empty := ""
	host.Key = &empty
	host.Config["blank"] = ""
	out, err := host.Call(func(ctx *Context, input []byte) ([]byte, error) {
		key, hasKey := ctx.Key()
		blank, hasBlank := ctx.Config("blank")
		_, hasMissing := ctx.Config("missing")
		_, hasTopic := ctx.Topic()
		_, hasTime := ctx.EventTime()
		if key != "" || !hasKey || blank != "" || !hasBlank || hasMissing || hasTopic || hasTime {
			return nil, errors.New("empty and absent mixed up")
		}
		if len(ctx.Properties()) != 0 {
			return nil, errors.New("properties of a message without any")
		}
		return []byte{}, nil
	}, nil)
	if err != nil || out == nil || len(out) != 0 {
		t.Fatalf("out = %v, err = %v; want an empty, non-nil output", out, err)
	}
}

func TestANilOutputIsNoOutputAndAPanicIsAnError(t *testing.T) {
	host := NewTestHost()
	out, err := host.Call(func(*Context, []byte) ([]byte, error) { return nil, nil }, []byte("x"))
	if out != nil || err != nil {
		t.Fatalf("filter: out = %v, err = %v", out, err)
	}
	_, err = host.Call(func(*Context, []byte) ([]byte, error) { panic("boom") }, []byte("x"))
	if err == nil || err.Error() != "panic: boom" {
		t.Fatalf("panic: err = %v", err)
	}
}

func TestStateCountersPublishesMetricsAndLogs(t *testing.T) {
	host := NewTestHost()
	handler := func(ctx *Context, input []byte) ([]byte, error) {
		if err := ctx.IncrCounter("seen", 2); err != nil {
			return nil, err
		}
		if err := ctx.PutState("last", input); err != nil {
			return nil, err
		}
		if err := ctx.Publish("side", input, WithKey("k"), WithProperties(map[string]string{"p": "v"})); err != nil {
			return nil, err
		}
		if err := ctx.Publish("plain", nil); err != nil {
			return nil, err
		}
		ctx.RecordMetric("size", float64(len(input)))
		ctx.Infof("got %d bytes", len(input))
		n, err := ctx.Counter("seen")
		return []byte{byte(n)}, err
	}
	out, err := host.Call(handler, []byte("abc"))
	if err != nil || !bytes.Equal(out, []byte{2}) {
		t.Fatalf("out = %v, err = %v", out, err)
	}
	key := "k"
	want := []Message{
		{Topic: "side", Value: []byte("abc"), Key: &key, Properties: map[string]string{"p": "v"}},
		{Topic: "plain", Value: []byte{}},
	}
	if !reflect.DeepEqual(host.Published, want) {
		t.Fatalf("published %+v, want %+v", host.Published, want)
	}
	if !bytes.Equal(host.State["last"], []byte("abc")) || host.Counters["seen"] != 2 {
		t.Fatalf("state %v, counters %v", host.State, host.Counters)
	}
	if !reflect.DeepEqual(host.Metrics, map[string][]float64{"size": {3}}) ||
		!reflect.DeepEqual(host.Logs, []string{"INFO got 3 bytes"}) {
		t.Fatalf("metrics %v, logs %v", host.Metrics, host.Logs)
	}
}

func TestAStateFailureIsReturnedNotThrown(t *testing.T) {
	host := NewTestHost()
	host.StateFailure = errors.New("pulsar.counter_incr: function state is not enabled on this cluster")
	got, err := host.Call(func(ctx *Context, _ []byte) ([]byte, error) {
		if err := ctx.IncrCounter("n", 1); err != nil {
			return []byte("no state: " + err.Error()), nil
		}
		return []byte("counted"), nil
	}, nil)
	if err != nil || string(got) != "no state: pulsar.counter_incr: function state is not enabled on this cluster" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestJSONHandlerDecodesAndEncodesRecords(t *testing.T) {
	type in struct {
		Name string `json:"name"`
	}
	type out struct {
		Greeting string `json:"greeting"`
	}
	handler := JSONHandler(func(_ *Context, r in) (*out, error) {
		if r.Name == "" {
			return nil, nil
		}
		return &out{Greeting: "hi " + r.Name}, nil
	})
	host := NewTestHost()
	got, err := host.Call(handler, []byte(`{"name":"ann"}`))
	if err != nil || string(got) != `{"greeting":"hi ann"}` {
		t.Fatalf("got %s, %v", got, err)
	}
	if got, err = host.Call(handler, []byte(`{}`)); got != nil || err != nil {
		t.Fatalf("no name: got %s, %v; want no output", got, err)
	}
	if _, err = host.Call(handler, []byte(`not json`)); err == nil ||
		err.Error() != "the input is not the JSON of a pulsarwasm.in: invalid character 'o' in literal null (expecting 'u')" {
		t.Fatalf("bad input: %v", err)
	}
}
