//go:build !wasip1

package pulsarwasm

import (
	"errors"
	"reflect"
	"testing"
)

func TestAWindowReadsEveryPartOfEveryRecord(t *testing.T) {
	// written out by hand from docs/abi.md: record 0 with key "k", event time -2, id {8,1}, topic
	// "t", a=b, value "12"; record 1 with nothing and an empty value
	input := []byte("PWIN\x02\x00\x00\x00" +
		"\x0f\x00\x00\x00" + "\x01\x00\x00\x00k" + "\xfe\xff\xff\xff\xff\xff\xff\xff" + "\x02\x00\x00\x00\x08\x01" +
		"\x01\x00\x00\x00t" + "\x01\x00\x00\x00" + "\x01\x00\x00\x00a" + "\x01\x00\x00\x00b" + "\x02\x00\x00\x0012" +
		"\x00\x00\x00\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00")
	got, err := DecodeWindow(input)
	if err != nil {
		t.Fatal(err)
	}
	want := []WindowRecord{
		{Value: []byte("12"), Key: "k", HasKey: true, EventTime: -2, HasEventTime: true, MessageID: []byte{8, 1},
			Topic: "t", HasTopic: true, Properties: map[string]string{"a": "b"}},
		{Value: []byte{}, Properties: map[string]string{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeWindow = %+v, want %+v", got, want)
	}
	if back := EncodeWindow(want); string(back) != string(input) {
		t.Fatalf("EncodeWindow = %q, want %q", back, input)
	}
	empty, err := DecodeWindow([]byte("PWIN\x00\x00\x00\x00"))
	if err != nil || len(empty) != 0 {
		t.Fatalf("the empty window: %v, %v", empty, err)
	}
}

func TestAMalformedWindowIsRefusedNamingWhere(t *testing.T) {
	for _, c := range []struct {
		input string
		want  string
	}{
		{"hello", "the input is not a window: deploy with WasmWindowFunction"},
		{"PWIN\xff\xff\xff\xff", "window record 0: cut short at byte 8 (wanted 4 more)"},
		{"PWIN\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff", "window record 0: cut short at byte 20 (wanted 4294967295 more)"},
		{"PWIN\x01\x00\x00\x00\x02\x00\x00\x00\x01\x02", "window record 0: cut short at byte 12 (wanted 8 more)"},
		{"PWIN\x00\x00\x00\x00x", "the window has 1 bytes after its 0 records"},
	} {
		_, err := DecodeWindow([]byte(c.input))
		if err == nil || err.Error() != c.want {
			t.Errorf("DecodeWindow(%q) = %v, want %q", c.input, err, c.want)
		}
	}
	if _, err := DecodeWindow([]byte("PWI")); !errors.Is(err, ErrNotAWindow) {
		t.Errorf("a short input: %v", err)
	}
}
