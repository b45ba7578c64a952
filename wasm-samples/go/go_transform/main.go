// go_transform is the Go side of the JSON transform benchmark (against JavaJsonTransform, Java with
// Jackson, and javascript/transform.js): it parses the message, upper-cases its name, adds one to
// its count, sums the lengths of its items (in UTF-16 units, as Java and JavaScript count), and
// writes it back with the total last.
package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

type document struct {
	Name  string   `json:"name"`
	Count int64    `json:"count"`
	Items []string `json:"items"`
	Note  *string  `json:"note"`
	Total int64    `json:"total"`
}

func transform(_ *pulsarwasm.Context, input []byte) ([]byte, error) {
	var d document
	if err := json.Unmarshal(input, &d); err != nil {
		return nil, err
	}
	d.Name = strings.ToUpper(d.Name)
	d.Count++
	d.Total = 0
	for _, item := range d.Items {
		d.Total += int64(len(utf16.Encode([]rune(item))))
	}
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false) // as Jackson and JSON.stringify write <, > and &
	if err := encoder.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

func main() {
	pulsarwasm.Run(transform)
}
