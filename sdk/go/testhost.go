//go:build !wasip1

package pulsarwasm

import (
	"fmt"
	"sort"
)

// Message is a message a handler published through a TestHost.
type Message struct {
	Topic      string
	Value      []byte
	Key        *string
	Properties map[string]string
}

// TestHost is an in-memory host for unit tests of a handler, in a native build (go test): the
// message's metadata and the function's config are what its fields say, and state, counters,
// publishes, metrics and log lines are kept in its fields for the test to check.
//
//	host := pulsarwasm.NewTestHost()
//	host.Config["greeting"] = "hi"
//	out, err := host.Call(handler, []byte("x"))
type TestHost struct {
	Config       map[string]string
	Secrets      map[string]string
	Key          *string
	Topic        *string
	Properties   map[string]string
	EventTime    *int64
	MessageID    []byte
	Schema       *string
	Tenant       string
	Namespace    string
	FunctionName string
	InstanceID   int32
	NumInstances int32
	Redeliveries int32
	State        map[string][]byte
	Counters     map[string]int64
	Published    []Message
	Metrics      map[string][]float64
	Logs         []string
	// StateFailure, when set, is the error every state and counter call returns (as a cluster
	// without state storage makes the wasm host do); PublishFailure likewise for publishes.
	StateFailure   error
	PublishFailure error
}

// NewTestHost returns a host with empty maps, in tenant public, namespace default, function
// "test", instance 0 of 1.
func NewTestHost() *TestHost {
	return &TestHost{
		Config:       map[string]string{},
		Secrets:      map[string]string{},
		Properties:   map[string]string{},
		Tenant:       "public",
		Namespace:    "default",
		FunctionName: "test",
		NumInstances: 1,
		State:        map[string][]byte{},
		Counters:     map[string]int64{},
		Metrics:      map[string][]float64{},
	}
}

// Call runs handler on one message as the wasm host would, a panic turned into an error: it
// returns the output (nil for none) or the error that would fail the message.
func (t *TestHost) Call(handler Handler, input []byte) ([]byte, error) {
	return call(&Context{h: t}, handler, input)
}

func wasmHost() host {
	panic("pulsarwasm.Run serves messages only in a wasip1 build (GOOS=wasip1 GOARCH=wasm); test handlers with TestHost.Call")
}

func (t *TestHost) nextInput(int32) ([]byte, bool) { return nil, false }
func (t *TestHost) setOutput([]byte)               {}
func (t *TestHost) setError(string)                {}

func (t *TestHost) log(level Level, line string) {
	t.Logs = append(t.Logs, fmt.Sprintf("%s %s", [...]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}[level], line))
}

func lookup(m map[string]string, key string) (string, bool) {
	v, ok := m[key]
	return v, ok
}

func optional(s *string) (string, bool) {
	if s == nil {
		return "", false
	}
	return *s, true
}

func (t *TestHost) config(key string) (string, bool)    { return lookup(t.Config, key) }
func (t *TestHost) secret(name string) (string, bool)   { return lookup(t.Secrets, name) }
func (t *TestHost) key() (string, bool)                 { return optional(t.Key) }
func (t *TestHost) topic() (string, bool)               { return optional(t.Topic) }
func (t *TestHost) property(name string) (string, bool) { return lookup(t.Properties, name) }
func (t *TestHost) schema() (string, bool)              { return optional(t.Schema) }
func (t *TestHost) tenant() string                      { return t.Tenant }
func (t *TestHost) namespace() string                   { return t.Namespace }
func (t *TestHost) functionName() string                { return t.FunctionName }
func (t *TestHost) instanceID() int32                   { return t.InstanceID }
func (t *TestHost) numInstances() int32                 { return t.NumInstances }
func (t *TestHost) redeliveryCount() int32              { return t.Redeliveries }

func (t *TestHost) properties() map[string]string {
	copied := map[string]string{}
	for k, v := range t.Properties {
		copied[k] = v
	}
	return copied
}

func (t *TestHost) eventTime() (int64, bool) {
	if t.EventTime == nil {
		return 0, false
	}
	return *t.EventTime, true
}

func (t *TestHost) messageID() ([]byte, bool) { return t.MessageID, t.MessageID != nil }

func (t *TestHost) stateGet(key string) ([]byte, bool, error) {
	if t.StateFailure != nil {
		return nil, false, t.StateFailure
	}
	v, ok := t.State[key]
	return v, ok, nil
}

func (t *TestHost) statePut(key string, value []byte) error {
	if t.StateFailure != nil {
		return t.StateFailure
	}
	t.State[key] = append([]byte{}, value...)
	return nil
}

func (t *TestHost) stateDelete(key string) error {
	if t.StateFailure != nil {
		return t.StateFailure
	}
	delete(t.State, key)
	return nil
}

func (t *TestHost) counterIncr(key string, amount int64) error {
	if t.StateFailure != nil {
		return t.StateFailure
	}
	t.Counters[key] += amount
	return nil
}

func (t *TestHost) counterGet(key string) (int64, error) {
	if t.StateFailure != nil {
		return 0, t.StateFailure
	}
	return t.Counters[key], nil
}

func (t *TestHost) publish(topic string, value []byte, key *string, properties map[string]string) error {
	if t.PublishFailure != nil {
		return t.PublishFailure
	}
	// through the ABI's encoding, so what a test sees is what the host would get
	decoded, err := decodeMap(encodeMap(properties))
	if err != nil {
		return err
	}
	if len(decoded) == 0 {
		decoded = nil
	}
	t.Published = append(t.Published, Message{Topic: topic, Value: append([]byte{}, value...), Key: key, Properties: decoded})
	return nil
}

func (t *TestHost) recordMetric(name string, value float64) {
	t.Metrics[name] = append(t.Metrics[name], value)
}

// MetricNames returns the names of the metrics recorded so far, in order.
func (t *TestHost) MetricNames() []string {
	names := make([]string, 0, len(t.Metrics))
	for name := range t.Metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
