package types

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// MaxTimestamp is the largest timestamp the model accepts: 2^53-1, the
// largest integer a JavaScript client (the CometChat SDK) reads exactly.
const MaxTimestamp = 1<<53 - 1

// Timestamp is a point in time as whole seconds since the Unix epoch, the unit
// every timestamp of the model uses.
type Timestamp int64

// UnmarshalJSON reads an integer, also when written with a fraction of zero
// (1547011919.0), as JSON Schema counts that an integer too. The range is
// the schema's to judge.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	n, err := integer(b, reflect.TypeOf(*t))
	if err == nil {
		*t = Timestamp(n)
	}
	return err
}

// Integer is a whole number, such as a count of credits or members.
type Integer int64

// UnmarshalJSON reads an integer, also when written with a fraction of zero.
func (i *Integer) UnmarshalJSON(b []byte) error {
	n, err := integer(b, reflect.TypeOf(*i))
	if err == nil {
		*i = Integer(n)
	}
	return err
}

// integer parses b as a JSON number with an integer value that fits in 64
// bits; null leaves n at 0. The error names type t, for encoding/json to
// place.
func integer(b []byte, t reflect.Type) (int64, error) {
	if bytes.Equal(b, []byte("null")) {
		return 0, nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, &json.UnmarshalTypeError{Value: jsonValue(b), Type: t}
	}
	return int64(f), nil
}

// Metadata is free-form data that the model carries without looking inside.
// Numbers in it are kept as json.Number, so that they survive a round trip
// digit for digit.
type Metadata map[string]any

// UnmarshalJSON reads any JSON object, keeping numbers as written.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*m = nil
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		if _, ok := err.(*json.UnmarshalTypeError); ok {
			return &json.UnmarshalTypeError{Value: jsonValue(b), Type: reflect.TypeOf(*m)}
		}
		return err
	}
	*m = v
	return nil
}

// Flag is a yes-or-no value that the documentation writes as "0" or "1" and
// servers send as a boolean. It accepts 0, 1, "0", "1", false and true, and is
// written back as a boolean.
type Flag bool

// UnmarshalJSON reads any of the flag's spellings.
func (f *Flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"1"`:
		*f = true
		return nil
	case "false", `"0"`:
		*f = false
		return nil
	case "null":
		return nil
	}
	// Numbers compare by value, as in JSON Schema: 1, 1.0 and 1e0 are one.
	if n, err := strconv.ParseFloat(string(b), 64); err == nil && (n == 0 || n == 1) {
		*f = n == 1
		return nil
	}
	return &json.UnmarshalTypeError{Value: jsonValue(b), Type: reflect.TypeOf(*f)}
}

// jsonValue describes a JSON value for an error message: its type, and the
// value itself when short.
func jsonValue(b []byte) string {
	t := strings.TrimPrefix(strings.TrimPrefix(jsonTypeOf(b), "a "), "an ")
	if len(b) > 24 || t == "object" || t == "array" {
		return t
	}
	return t + " " + string(b)
}

// Count is a whole number of things that may be written as a JSON number or
// as a string of digits, as CometChat's REST examples write unread counts.
type Count int64

// UnmarshalJSON reads a number or a string of digits.
func (c *Count) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("count %q is not a whole number", s)
		}
		*c = Count(n)
		return nil
	}
	var i Integer
	if err := i.UnmarshalJSON(b); err != nil {
		return err
	}
	*c = Count(i)
	return nil
}
