//go:build wasip1

package pulsarwasm

import (
	"errors"
	"unsafe"
)

// The ABI's imports (docs/abi.md), as Go 1.23's wasip1 port declares them. Values the host
// returns are held by it (this module imports take_result and exports no alloc): a call returns
// the value's length, or -1 for none, and take_result copies it into a slice made here.

//go:wasmimport pulsar next_input
func importNextInput(status int32) int64

//go:wasmimport pulsar take_result
func importTakeResult(destination unsafe.Pointer)

//go:wasmimport pulsar set_output
func importSetOutput(ptr unsafe.Pointer, length int32)

//go:wasmimport pulsar set_error
func importSetError(ptr unsafe.Pointer, length int32)

//go:wasmimport pulsar log
func importLog(level int32, ptr unsafe.Pointer, length int32)

//go:wasmimport pulsar get_config
func importGetConfig(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar get_secret
func importGetSecret(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar get_key
func importGetKey() int64

//go:wasmimport pulsar get_topic
func importGetTopic() int64

//go:wasmimport pulsar get_property
func importGetProperty(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar get_properties
func importGetProperties() int64

//go:wasmimport pulsar get_event_time
func importGetEventTime() int64

//go:wasmimport pulsar get_message_id
func importGetMessageID() int64

//go:wasmimport pulsar get_schema
func importGetSchema() int64

//go:wasmimport pulsar get_tenant
func importGetTenant() int64

//go:wasmimport pulsar get_namespace
func importGetNamespace() int64

//go:wasmimport pulsar get_function_name
func importGetFunctionName() int64

//go:wasmimport pulsar get_instance_id
func importGetInstanceID() int32

//go:wasmimport pulsar get_num_instances
func importGetNumInstances() int32

//go:wasmimport pulsar get_redelivery_count
func importGetRedeliveryCount() int32

//go:wasmimport pulsar state_get
func importStateGet(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar state_put
func importStatePut(keyPtr unsafe.Pointer, keyLength int32, valuePtr unsafe.Pointer, valueLength int32)

//go:wasmimport pulsar state_delete
func importStateDelete(ptr unsafe.Pointer, length int32)

//go:wasmimport pulsar counter_incr
func importCounterIncr(ptr unsafe.Pointer, length int32, amount int64)

//go:wasmimport pulsar counter_get
func importCounterGet(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar publish
func importPublish(topicPtr unsafe.Pointer, topicLength int32, valuePtr unsafe.Pointer, valueLength int32, keyPtr unsafe.Pointer, keyLength int32, propsPtr unsafe.Pointer, propsLength int32)

//go:wasmimport pulsar record_metric
func importRecordMetric(ptr unsafe.Pointer, length int32, value float64)

//go:wasmimport pulsar try_state_get
func importTryStateGet(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar try_state_put
func importTryStatePut(keyPtr unsafe.Pointer, keyLength int32, valuePtr unsafe.Pointer, valueLength int32)

//go:wasmimport pulsar try_state_delete
func importTryStateDelete(ptr unsafe.Pointer, length int32)

//go:wasmimport pulsar try_counter_incr
func importTryCounterIncr(ptr unsafe.Pointer, length int32, amount int64)

//go:wasmimport pulsar try_counter_get
func importTryCounterGet(ptr unsafe.Pointer, length int32) int64

//go:wasmimport pulsar try_publish
func importTryPublish(topicPtr unsafe.Pointer, topicLength int32, valuePtr unsafe.Pointer, valueLength int32, keyPtr unsafe.Pointer, keyLength int32, propsPtr unsafe.Pointer, propsLength int32)

//go:wasmimport pulsar last_error
func importLastError() int64

type abiHost struct{}

func wasmHost() host { return abiHost{} }

func str(s string) (unsafe.Pointer, int32) {
	return unsafe.Pointer(unsafe.StringData(s)), int32(len(s))
}

func bytesOf(b []byte) (unsafe.Pointer, int32) {
	return unsafe.Pointer(unsafe.SliceData(b)), int32(len(b))
}

// take reads a value a call returned: -1 is none; any other result is the held value's length.
func take(result int64) ([]byte, bool) {
	if result == -1 {
		return nil, false
	}
	value := make([]byte, uint32(result))
	importTakeResult(unsafe.Pointer(unsafe.SliceData(value)))
	return value, true
}

func text(result int64) (string, bool) {
	value, ok := take(result)
	return string(value), ok
}

// lastError is the failure of the latest try_ call, or nil.
func lastError() error {
	if message, ok := text(importLastError()); ok {
		return errors.New(message)
	}
	return nil
}

func (abiHost) nextInput(status int32) ([]byte, bool) { return take(importNextInput(status)) }

func (abiHost) setOutput(output []byte) {
	ptr, n := bytesOf(output)
	importSetOutput(ptr, n)
}

func (abiHost) setError(message string) {
	ptr, n := str(message)
	importSetError(ptr, n)
}

func (abiHost) log(level Level, line string) {
	ptr, n := str(line)
	importLog(int32(level), ptr, n)
}

func (abiHost) config(key string) (string, bool) {
	ptr, n := str(key)
	return text(importGetConfig(ptr, n))
}

func (abiHost) secret(name string) (string, bool) {
	ptr, n := str(name)
	return text(importGetSecret(ptr, n))
}

func (abiHost) key() (string, bool)   { return text(importGetKey()) }
func (abiHost) topic() (string, bool) { return text(importGetTopic()) }

func (abiHost) property(name string) (string, bool) {
	ptr, n := str(name)
	return text(importGetProperty(ptr, n))
}

func (abiHost) properties() map[string]string {
	value, _ := take(importGetProperties())
	m, err := decodeMap(value)
	if err != nil {
		panic(err)
	}
	return m
}

func (abiHost) eventTime() (int64, bool) {
	t := importGetEventTime()
	return t, t != -1
}

func (abiHost) messageID() ([]byte, bool) { return take(importGetMessageID()) }
func (abiHost) schema() (string, bool)    { return text(importGetSchema()) }

func (abiHost) tenant() string {
	s, _ := text(importGetTenant())
	return s
}

func (abiHost) namespace() string {
	s, _ := text(importGetNamespace())
	return s
}

func (abiHost) functionName() string {
	s, _ := text(importGetFunctionName())
	return s
}

func (abiHost) instanceID() int32      { return importGetInstanceID() }
func (abiHost) numInstances() int32    { return importGetNumInstances() }
func (abiHost) redeliveryCount() int32 { return importGetRedeliveryCount() }

func (abiHost) stateGet(key string) ([]byte, bool, error) {
	ptr, n := str(key)
	value, ok := take(importTryStateGet(ptr, n))
	return value, ok, lastError()
}

func (abiHost) statePut(key string, value []byte) error {
	kp, kn := str(key)
	vp, vn := bytesOf(value)
	importTryStatePut(kp, kn, vp, vn)
	return lastError()
}

func (abiHost) stateDelete(key string) error {
	ptr, n := str(key)
	importTryStateDelete(ptr, n)
	return lastError()
}

func (abiHost) counterIncr(key string, amount int64) error {
	ptr, n := str(key)
	importTryCounterIncr(ptr, n, amount)
	return lastError()
}

func (abiHost) counterGet(key string) (int64, error) {
	ptr, n := str(key)
	value := importTryCounterGet(ptr, n)
	return value, lastError()
}

func (abiHost) publish(topic string, value []byte, key *string, properties map[string]string) error {
	tp, tn := str(topic)
	vp, vn := bytesOf(value)
	var kp unsafe.Pointer
	kn := int32(-1) // 0xffffffff: no key
	if key != nil {
		kp, kn = str(*key)
	}
	var pp unsafe.Pointer
	var pn int32
	if len(properties) > 0 {
		pp, pn = bytesOf(encodeMap(properties))
	}
	importTryPublish(tp, tn, vp, vn, kp, kn, pp, pn)
	return lastError()
}

func (abiHost) recordMetric(name string, value float64) {
	ptr, n := str(name)
	importRecordMetric(ptr, n, value)
}
