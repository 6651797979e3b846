package types

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// MaxTimestamp is the largest timestamp the model accepts: 2^53-1, the
// largest integer a JavaScript client (the CometChat SDK) reads exactly.
const MaxTimestamp = 1<<53 - 1

// Timestamp is a point in time as whole seconds since the Unix epoch, the unit
// every timestamp of the model uses.
type Timestamp int64

// JSONSchema describes a timestamp: a non-negative integer.
func (Timestamp) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "integer", Minimum: "0", Maximum: json.Number(strconv.Itoa(MaxTimestamp))}
}

// UnmarshalJSON reads an integer, also when written with a fraction of zero
// (1547011919.0), as JSON Schema counts that an integer too.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*t = Timestamp(n)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > MaxTimestamp {
		return &json.UnmarshalTypeError{Value: jsonValue(b), Type: reflect.TypeOf(*t)}
	}
	*t = Timestamp(f)
	return nil
}

// Metadata is free-form data that the model carries without looking inside.
type Metadata map[string]any

// JSONSchema describes metadata: any JSON object.
func (Metadata) JSONSchema() *jsonschema.Schema { return &jsonschema.Schema{Type: "object"} }

// Flag is a yes-or-no value that the documentation writes as "0" or "1" and
// servers send as a boolean. It accepts 0, 1, "0", "1", false and true, and is
// written back as a boolean.
type Flag bool

// JSONSchema describes a flag.
func (Flag) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Enum: []any{false, true, 0, 1, "0", "1"}}
}

// UnmarshalJSON reads any of the flag's spellings.
func (f *Flag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", "1", `"1"`:
		*f = true
	case "false", "0", `"0"`:
		*f = false
	case "null":
	default:
		return &json.UnmarshalTypeError{Value: jsonValue(b), Type: reflect.TypeOf(*f)}
	}
	return nil
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
