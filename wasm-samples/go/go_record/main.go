// go_record is a record function (WasmRecordFunction), the Go twin of the Rust sample records:
// each user record {"name", "age", "email"} comes back with its name upper-cased and its age plus
// one, in the input's schema; a record without a name is filtered out.
package main

import (
	"strings"

	pulsarwasm "github.com/pulsar-wasm/pulsar-wasm/sdk/go"
)

type User struct {
	Name  string  `json:"name"`
	Age   int     `json:"age"`
	Email *string `json:"email"`
}

func older(_ *pulsarwasm.Context, user User) (*User, error) {
	if user.Name == "" {
		return nil, nil
	}
	user.Name = strings.ToUpper(user.Name)
	user.Age++
	return &user, nil
}

func main() {
	pulsarwasm.RunJSON(older)
}
