// go_counter counts the messages of each key in a state counter, answers "<key>=<count>", and,
// when user config "audit-topic" names a topic, publishes each input there under its key with the
// property "count". A message without a key counts under "(none)". It records each input's size
// as the metric "input-bytes" and logs the count.
package main

import (
	"strconv"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

func count(ctx *pulsarwasm.Context, input []byte) ([]byte, error) {
	key, ok := ctx.Key()
	if !ok {
		key = "(none)"
	}
	if err := ctx.IncrCounter("count:"+key, 1); err != nil {
		return nil, err
	}
	n, err := ctx.Counter("count:" + key)
	if err != nil {
		return nil, err
	}
	ctx.RecordMetric("input-bytes", float64(len(input)))
	ctx.Infof("%s counted %d times", key, n)
	if topic, ok := ctx.Config("audit-topic"); ok {
		err := ctx.Publish(topic, input, pulsarwasm.WithKey(key),
			pulsarwasm.WithProperties(map[string]string{"count": strconv.FormatInt(n, 10)}))
		if err != nil {
			return nil, err
		}
	}
	return []byte(key + "=" + strconv.FormatInt(n, 10)), nil
}

func main() {
	pulsarwasm.Run(count)
}
