package pulsarwasm

// host is what a Context talks to: the wasm host through the ABI's imports (imports_wasip1.go),
// or TestHost in a native build.
type host interface {
	nextInput(status int32) ([]byte, bool)
	setOutput(output []byte)
	setError(message string)
	log(level Level, line string)
	config(key string) (string, bool)
	secret(name string) (string, bool)
	key() (string, bool)
	topic() (string, bool)
	property(name string) (string, bool)
	properties() map[string]string
	eventTime() (int64, bool)
	messageID() ([]byte, bool)
	schema() (string, bool)
	tenant() string
	namespace() string
	functionName() string
	instanceID() int32
	numInstances() int32
	redeliveryCount() int32
	stateGet(key string) ([]byte, bool, error)
	statePut(key string, value []byte) error
	stateDelete(key string) error
	counterIncr(key string, amount int64) error
	counterGet(key string) (int64, error)
	publish(topic string, value []byte, key *string, properties map[string]string) error
	recordMetric(name string, value float64)
}
