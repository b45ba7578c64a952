package pulsarwasm

import (
	"encoding/binary"
	"fmt"
)

// WindowRecord is one record of a window, as a window function (Java's WasmWindowFunction) gets
// it: every record of the window reaches the handler's input, oldest first, in the ABI's window
// input (docs/abi.md, "Window input"); DecodeWindow reads it.
type WindowRecord struct {
	// Value is the message value (empty for a message without one).
	Value []byte
	// Key is the message key; HasKey says whether it has one.
	Key    string
	HasKey bool
	// EventTime is the event time in epoch milliseconds; HasEventTime says whether there is one.
	EventTime    int64
	HasEventTime bool
	// MessageID is the message id in Pulsar's serialized form; nil when unknown.
	MessageID []byte
	// Topic is the topic the message came from; HasTopic says whether it is known.
	Topic    string
	HasTopic bool
	// Properties are the message properties (empty, not nil, when it has none).
	Properties map[string]string
}

const windowMagic = 0x4E495750 // "PWIN", little-endian

// windowError is an error of DecodeWindow known in advance: a constant, so that a module that
// never decodes a window carries none of this file (no package initialization).
type windowError string

func (e windowError) Error() string { return string(e) }

// ErrNotAWindow is the error of DecodeWindow for an input that is not a window input.
const ErrNotAWindow = windowError("the input is not a window: deploy with WasmWindowFunction")

// DecodeWindow reads the records of a window function's input; a malformed input is an error
// naming the record, and nothing is read past the input's end.
func DecodeWindow(input []byte) ([]WindowRecord, error) {
	if len(input) < 8 || binary.LittleEndian.Uint32(input) != windowMagic {
		return nil, ErrNotAWindow
	}
	count := binary.LittleEndian.Uint32(input[4:])
	r := windowReader{in: input, at: 8}
	// never trust a count for an allocation: each record takes at least 12 bytes
	records := make([]WindowRecord, 0, min(int(count), (len(input)-8)/12))
	for i := uint32(0); i < count; i++ {
		record, err := r.record()
		if err != nil {
			return nil, fmt.Errorf("window record %d: %w", i, err)
		}
		records = append(records, record)
	}
	if r.at != len(input) {
		return nil, fmt.Errorf("the window has %d bytes after its %d records", len(input)-r.at, count)
	}
	return records, nil
}

// EncodeWindow writes records as the host passes a window (for tests of a window handler).
// Properties are written in sorted order of their names.
func EncodeWindow(records []WindowRecord) []byte {
	out := binary.LittleEndian.AppendUint32(nil, windowMagic)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(records)))
	chunk := func(b []byte) {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(b)))
		out = append(out, b...)
	}
	for _, r := range records {
		var flags uint32
		if r.HasKey {
			flags |= 1
		}
		if r.HasEventTime {
			flags |= 2
		}
		if r.MessageID != nil {
			flags |= 4
		}
		if r.HasTopic {
			flags |= 8
		}
		out = binary.LittleEndian.AppendUint32(out, flags)
		if r.HasKey {
			chunk([]byte(r.Key))
		}
		if r.HasEventTime {
			out = binary.LittleEndian.AppendUint64(out, uint64(r.EventTime))
		}
		if r.MessageID != nil {
			chunk(r.MessageID)
		}
		if r.HasTopic {
			chunk([]byte(r.Topic))
		}
		out = append(out, encodeMap(r.Properties)...)
		chunk(r.Value)
	}
	return out
}

type windowReader struct {
	in []byte
	at int
}

func (r *windowReader) take(n uint64) ([]byte, error) {
	if uint64(len(r.in)-r.at) < n {
		return nil, fmt.Errorf("cut short at byte %d (wanted %d more)", r.at, n)
	}
	part := r.in[r.at : r.at+int(n)]
	r.at += int(n)
	return part, nil
}

func (r *windowReader) u32() (uint32, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (r *windowReader) chunk() ([]byte, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	return r.take(uint64(n))
}

func (r *windowReader) record() (WindowRecord, error) {
	var rec WindowRecord
	flags, err := r.u32()
	if err != nil {
		return rec, err
	}
	if flags&1 != 0 {
		key, err := r.chunk()
		if err != nil {
			return rec, err
		}
		rec.Key, rec.HasKey = string(key), true
	}
	if flags&2 != 0 {
		b, err := r.take(8)
		if err != nil {
			return rec, err
		}
		rec.EventTime, rec.HasEventTime = int64(binary.LittleEndian.Uint64(b)), true
	}
	if flags&4 != 0 {
		id, err := r.chunk()
		if err != nil {
			return rec, err
		}
		rec.MessageID = append([]byte{}, id...)
	}
	if flags&8 != 0 {
		topic, err := r.chunk()
		if err != nil {
			return rec, err
		}
		rec.Topic, rec.HasTopic = string(topic), true
	}
	count, err := r.u32()
	if err != nil {
		return rec, err
	}
	rec.Properties = make(map[string]string, min(int(count), (len(r.in)-r.at)/8))
	for i := uint32(0); i < count; i++ {
		name, err := r.chunk()
		if err != nil {
			return rec, err
		}
		value, err := r.chunk()
		if err != nil {
			return rec, err
		}
		rec.Properties[string(name)] = string(value)
	}
	value, err := r.chunk()
	if err != nil {
		return rec, err
	}
	rec.Value = append([]byte{}, value...)
	return rec, nil
}
