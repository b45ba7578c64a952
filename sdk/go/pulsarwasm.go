package pulsarwasm

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Handler processes one message: the input's bytes in, the output's bytes out (nil for none), or
// an error that fails the message.
type Handler func(ctx *Context, input []byte) ([]byte, error)

// Level is a log level, as Pulsar's function logger has them.
type Level int32

// The log levels, numbered as the ABI's log import takes them.
const (
	Trace Level = iota
	Debug
	Info
	Warn
	Error
)

// Context is the function's world for the message being processed: its config and secrets, the
// record's metadata, state and counters, publishing, metrics and logging.
type Context struct {
	h host
}

// Run serves messages with handler until the instance closes. Call it from main; it returns
// when the host has no more messages for this instance.
func Run(handler Handler) {
	h := wasmHost()
	ctx := &Context{h: h}
	status := int32(0)
	for {
		input, ok := h.nextInput(status)
		if !ok {
			return
		}
		status = serve(ctx, handler, input)
	}
}

// RunJSON serves a record function (WasmRecordFunction): each record arrives as JSON and is
// decoded into In; the handler's *Out is encoded as the output record, or nil for none.
func RunJSON[In any, Out any](handler func(ctx *Context, in In) (*Out, error)) {
	Run(JSONHandler(handler))
}

// JSONHandler is the Handler RunJSON serves, for testing a record function with TestHost.
func JSONHandler[In any, Out any](handler func(ctx *Context, in In) (*Out, error)) Handler {
	return func(ctx *Context, input []byte) ([]byte, error) {
		var in In
		if err := json.Unmarshal(input, &in); err != nil {
			return nil, fmt.Errorf("the input is not the JSON of a %T: %w", in, err)
		}
		out, err := handler(ctx, in)
		if err != nil || out == nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}

// serve runs the handler on one message and hands its outcome to the host: status 0, or 1 with
// the error (a panic included) as the reason.
func serve(ctx *Context, handler Handler, input []byte) int32 {
	output, err := call(ctx, handler, input)
	if err != nil {
		ctx.h.setError(err.Error())
		return 1
	}
	if output != nil {
		ctx.h.setOutput(output)
	}
	return 0
}

func call(ctx *Context, handler Handler, input []byte) (output []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			output, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return handler(ctx, input)
}

// Config returns the user config value of key (as text; JSON for a non-text value) and whether
// it is set.
func (c *Context) Config(key string) (string, bool) { return c.h.config(key) }

// Secret returns the secret of that name and whether there is one.
func (c *Context) Secret(name string) (string, bool) { return c.h.secret(name) }

// Key returns the message's key and whether it has one ("" is a key).
func (c *Context) Key() (string, bool) { return c.h.key() }

// Topic returns the topic the message came from.
func (c *Context) Topic() (string, bool) { return c.h.topic() }

// Property returns one property of the message and whether it has it.
func (c *Context) Property(name string) (string, bool) { return c.h.property(name) }

// Properties returns the message's properties; an empty map for none.
func (c *Context) Properties() map[string]string { return c.h.properties() }

// EventTime returns the message's event time in epoch milliseconds and whether it has one.
func (c *Context) EventTime() (int64, bool) { return c.h.eventTime() }

// MessageID returns the message's id as Pulsar serializes it.
func (c *Context) MessageID() ([]byte, bool) { return c.h.messageID() }

// Schema returns the record's schema as the ABI's schema JSON, and whether it has one.
func (c *Context) Schema() (string, bool) { return c.h.schema() }

// Tenant returns the function's tenant.
func (c *Context) Tenant() string { return c.h.tenant() }

// Namespace returns the function's namespace.
func (c *Context) Namespace() string { return c.h.namespace() }

// FunctionName returns the function's name.
func (c *Context) FunctionName() string { return c.h.functionName() }

// InstanceID returns this instance's id, from 0.
func (c *Context) InstanceID() int32 { return c.h.instanceID() }

// NumInstances returns the function's parallelism.
func (c *Context) NumInstances() int32 { return c.h.numInstances() }

// RedeliveryCount returns how many times Pulsar delivered this message before.
func (c *Context) RedeliveryCount() int32 { return c.h.redeliveryCount() }

// Log writes a line to the function's log at level.
func (c *Context) Log(level Level, format string, args ...any) {
	c.h.log(level, fmt.Sprintf(format, args...))
}

// Infof writes a line at level Info.
func (c *Context) Infof(format string, args ...any) { c.Log(Info, format, args...) }

// Warnf writes a line at level Warn.
func (c *Context) Warnf(format string, args ...any) { c.Log(Warn, format, args...) }

// State returns the value stored under key, whether there is one, and the host's failure if it
// could not read it (state storage off, a store error).
func (c *Context) State(key string) ([]byte, bool, error) { return c.h.stateGet(key) }

// PutState stores value under key; the message is acknowledged only once it is stored.
func (c *Context) PutState(key string, value []byte) error { return c.h.statePut(key, value) }

// DeleteState deletes key.
func (c *Context) DeleteState(key string) error { return c.h.stateDelete(key) }

// IncrCounter adds amount to the counter key.
func (c *Context) IncrCounter(key string, amount int64) error { return c.h.counterIncr(key, amount) }

// Counter returns the counter key (0 if never incremented).
func (c *Context) Counter(key string) (int64, error) { return c.h.counterGet(key) }

// PublishOption sets the key or properties of a published message.
type PublishOption func(*publication)

type publication struct {
	key        *string
	properties map[string]string
}

// WithKey gives a published message a key.
func WithKey(key string) PublishOption {
	return func(p *publication) { p.key = &key }
}

// WithProperties gives a published message properties.
func WithProperties(properties map[string]string) PublishOption {
	return func(p *publication) { p.properties = properties }
}

// Publish sends value to topic; the input is acknowledged only after it is stored, and a publish
// that fails later fails the message.
func (c *Context) Publish(topic string, value []byte, options ...PublishOption) error {
	var p publication
	for _, option := range options {
		option(&p)
	}
	return c.h.publish(topic, value, p.key, p.properties)
}

// RecordMetric records a value of the user metric name.
func (c *Context) RecordMetric(name string, value float64) { c.h.recordMetric(name, value) }

// encodeMap writes the ABI's string map: a little-endian u32 count, then each entry's key and
// value, each a u32 length and UTF-8 bytes; keys in order, so equal maps encode equally.
func encodeMap(m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(keys)))
	for _, k := range keys {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(k)))
		out = append(out, k...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(m[k])))
		out = append(out, m[k]...)
	}
	return out
}

var errMalformedMap = errors.New("pulsarwasm: malformed string map from the host")

// decodeMap reads the ABI's string map; anything shorter than a count is no properties.
func decodeMap(b []byte) (map[string]string, error) {
	m := map[string]string{}
	if len(b) < 4 {
		return m, nil
	}
	n := binary.LittleEndian.Uint32(b)
	b = b[4:]
	for i := uint32(0); i < n; i++ {
		var k, v string
		var ok bool
		if k, b, ok = field(b); !ok {
			return nil, errMalformedMap
		}
		if v, b, ok = field(b); !ok {
			return nil, errMalformedMap
		}
		m[k] = v
	}
	return m, nil
}

func field(b []byte) (string, []byte, bool) {
	if len(b) < 4 {
		return "", nil, false
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(len(b)-4) < uint64(n) {
		return "", nil, false
	}
	return string(b[4 : 4+n]), b[4+n:], true
}
