// go_hostile is a Go function that misbehaves on request, for HostileGoTest. Its first program
// argument (user config wasm.wasi.args) chooses what main does before it serves messages:
// "never-ask" loops without asking for one, "exit-at-start" calls os.Exit(0). Each message then
// chooses what the handler does: "spin" starts a goroutine that never yields, "exit" calls
// os.Exit(3), "goroutine-panic" panics outside the handler, "panic" panics in it, "hog" allocates
// until memory runs out; any other message is answered with itself.
package main

import (
	"os"
	"runtime"
	"time"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

var kept [][]byte

func handle(_ *pulsarwasm.Context, input []byte) ([]byte, error) {
	switch string(input) {
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
