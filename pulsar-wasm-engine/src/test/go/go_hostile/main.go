// go_hostile is a Go function that misbehaves on request, for HostileGoTest. Its first program
// argument (user config wasm.wasi.args) chooses what main does before it serves messages:
// "never-ask" loops without asking for one, "exit-at-start" calls os.Exit(0). Each message then
// chooses what the handler does: "spin" starts a goroutine that never yields, "exit" calls
// os.Exit(3), "goroutine-panic" panics outside the handler, "panic" panics in it, "hog" allocates
// until memory runs out, "probe" answers with every context value the host gives (one per line);
// any other message is answered with itself.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

var kept [][]byte

// probe renders what the context gives, each value with whether it is there.
func probe(ctx *pulsarwasm.Context) string {
	var lines []string
	add := func(name string, value any, ok bool) {
		lines = append(lines, fmt.Sprintf("%s=%v/%v", name, value, ok))
	}
	v, ok := ctx.Config("greeting")
	add("config", v, ok)
	v, ok = ctx.Config("missing")
	add("config-missing", v, ok)
	v, ok = ctx.Secret("token")
	add("secret", v, ok)
	v, ok = ctx.Key()
	add("key", v, ok)
	v, ok = ctx.Topic()
	add("topic", v, ok)
	v, ok = ctx.Property("p")
	add("property", v, ok)
	properties := ctx.Properties()
	names := make([]string, 0, len(properties))
	for name, value := range properties {
		names = append(names, name+":"+value)
	}
	sort.Strings(names)
	add("properties", strings.Join(names, ","), true)
	t, ok := ctx.EventTime()
	add("event-time", t, ok)
	id, ok := ctx.MessageID()
	add("message-id", fmt.Sprintf("%x", id), ok)
	_, ok = ctx.Schema()
	add("schema", "", ok)
	add("identity", ctx.Tenant()+"/"+ctx.Namespace()+"/"+ctx.FunctionName(), true)
	add("instance", fmt.Sprintf("%d of %d", ctx.InstanceID(), ctx.NumInstances()), true)
	add("redelivery", ctx.RedeliveryCount(), true)
	state, ok, err := ctx.State("never-put")
	add("state-absent", fmt.Sprintf("%q %v", state, err), ok)
	return strings.Join(lines, "\n")
}

func handle(ctx *pulsarwasm.Context, input []byte) ([]byte, error) {
	switch string(input) {
	case "probe":
		return []byte(probe(ctx)), nil
	case "spin":
		go func() {
			for {
			}
		}()
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	case "exit":
		os.Exit(3)
	case "goroutine-panic":
		go func() { panic("from a goroutine") }()
		time.Sleep(time.Second)
	case "panic":
		panic("in the handler")
	case "hog":
		for {
			kept = append(kept, make([]byte, 1<<20))
		}
	}
	return input, nil
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "never-ask":
			for {
			}
		case "exit-at-start":
			os.Exit(0)
		}
	}
	pulsarwasm.Run(handle)
}
