package generate

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// A team's own custom message types, given as JSON Schemas of their
// customData (Options.CustomData), get fixtures too: the generator fills
// each from its schema, following types, properties, required fields, enums
// and constants, formats (email, uri, date-time, date, uuid), lengths and
// bounds, and checks the value against the schema before it uses it.

// fillTries is how many values fill draws before it gives up on a schema.
const fillTries = 25

// typesOf returns the custom message types a generator makes: those of
// Options.CustomData, in order, or the built-in ones.
func typesOf(custom map[string]*jsonschema.Schema) []string {
	if len(custom) == 0 {
		return customTypes
	}
	ts := make([]string, 0, len(custom))
	for t := range custom {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	return ts
}

// CheckCustomData reports, for each custom type of the options, whether
// the generator can fill its customData from its schema: an error names a
// type whose schema it cannot satisfy (a pattern, say).
func (g *Generator) CheckCustomData() error {
	for _, t := range typesOf(g.opts.CustomData) {
		s := g.opts.CustomData[t]
		if s == nil {
			continue
		}
		src := g.src("custom-check/"+t, 0)
		if _, err := src.fill(s); err != nil {
			return fmt.Errorf("custom type %s: %v", t, err)
		}
	}
	return nil
}

// customDataFor returns the customData of a message of type t: from its
// schema when the options give one, else the built-in shapes.
func (s *src) customDataFor(t string) types.Metadata {
	if sc := s.custom[t]; sc != nil {
		v, err := s.fill(sc)
		if m, ok := v.(map[string]any); ok && err == nil {
			return types.Metadata(m)
		}
		return types.Metadata{}
	}
	return s.customData(t)
}

// fill draws values from schema sc until one validates, and returns it.
func (s *src) fill(sc *jsonschema.Schema) (any, error) {
	var last error
	for range fillTries {
		v := s.value(sc, 0)
		err := sc.Validate(v)
		if err == nil {
			return v, nil
		}
		last = err
	}
	return nil, fmt.Errorf("no value drawn in %d tries satisfies the schema; the last broke it thus: %v", fillTries, last)
}

// value draws one value for schema sc.
func (s *src) value(sc *jsonschema.Schema, depth int) any {
	if sc == nil || depth > 8 {
		return nil
	}
	if sc.Bool != nil {
		return s.f.Word()
	}
	if sc.Ref != nil && sc.Types == nil && len(sc.Properties) == 0 {
		return s.value(sc.Ref, depth+1)
	}
	if sc.Const != nil {
		return *sc.Const
	}
	if sc.Enum != nil && len(sc.Enum.Values) > 0 {
		return sc.Enum.Values[s.f.IntN(len(sc.Enum.Values))]
	}
	if len(sc.OneOf) > 0 {
		return s.value(sc.OneOf[s.f.IntN(len(sc.OneOf))], depth+1)
	}
	if len(sc.AnyOf) > 0 {
		return s.value(sc.AnyOf[s.f.IntN(len(sc.AnyOf))], depth+1)
	}
	if len(sc.AllOf) > 0 && sc.Types == nil && len(sc.Properties) == 0 {
		// Merge the objects the parts ask for.
		out := map[string]any{}
		for _, part := range sc.AllOf {
			if m, ok := s.value(part, depth+1).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	typ := "string"
	switch {
	case sc.Types != nil && !sc.Types.IsEmpty():
		ts := sc.Types.ToStrings()
		typ = ts[s.f.IntN(len(ts))]
	case len(sc.Properties) > 0 || len(sc.Required) > 0:
		typ = "object"
	case sc.Items2020 != nil || len(sc.PrefixItems) > 0:
		typ = "array"
	case sc.Minimum != nil || sc.Maximum != nil:
		typ = "number"
	}
	switch typ {
	case "object":
		out := map[string]any{}
		required := map[string]bool{}
		for _, r := range sc.Required {
			required[r] = true
		}
		names := make([]string, 0, len(sc.Properties))
		for n := range sc.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if required[n] || s.f.Float64() < 0.7 {
				out[n] = s.value(sc.Properties[n], depth+1)
			}
		}
		for _, r := range sc.Required {
			if _, ok := out[r]; !ok {
				out[r] = s.f.Word()
			}
		}
		return out
	case "array":
		lo, hi := 1, 3
		if sc.MinItems != nil {
			lo = *sc.MinItems
		}
		if sc.MaxItems != nil {
			hi = min(*sc.MaxItems, max(lo, 3))
		}
		hi = max(hi, lo)
		n := lo + s.f.IntN(hi-lo+1)
		out := make([]any, 0, n)
		for i := range n {
			item := sc.Items2020
			if i < len(sc.PrefixItems) {
				item = sc.PrefixItems[i]
			}
			out = append(out, s.value(item, depth+1))
		}
		return out
	case "integer", "number":
		lo, hi := 0.0, 1000.0
		if sc.Minimum != nil {
			lo, _ = sc.Minimum.Float64()
			if sc.Maximum == nil {
				hi = lo + 1000
			}
		}
		if sc.Maximum != nil {
			hi, _ = sc.Maximum.Float64()
			if sc.Minimum == nil {
				lo = hi - 1000
			}
		}
		if sc.ExclusiveMinimum != nil {
			lo, _ = sc.ExclusiveMinimum.Float64()
			lo += 1
		}
		if sc.ExclusiveMaximum != nil {
			hi, _ = sc.ExclusiveMaximum.Float64()
			hi -= 1
		}
		if hi < lo {
			hi = lo
		}
		v := lo + s.f.Float64()*(hi-lo)
		if typ == "integer" {
			return int64(math.Round(math.Max(math.Ceil(lo), math.Min(math.Floor(hi), v))))
		}
		return math.Round(v*10000) / 10000
	case "boolean":
		return s.f.Bool()
	case "null":
		return nil
	}
	return s.str(sc)
}

// str draws a string for sc: by its format, within its lengths.
func (s *src) str(sc *jsonschema.Schema) string {
	var v string
	format := ""
	if sc.Format != nil {
		format = sc.Format.Name
	}
	switch format {
	case "email":
		v = strings.ToLower(s.f.FirstName()) + "@example.com"
	case "uri", "url", "iri", "uri-reference":
		v = "https://example.com/" + slug(s.f.Noun())
	case "date-time":
		v = time.Unix(s.epoch(), 0).UTC().Format(time.RFC3339)
	case "date":
		v = time.Unix(s.epoch(), 0).UTC().Format("2006-01-02")
	case "time":
		v = time.Unix(s.epoch(), 0).UTC().Format("15:04:05Z")
	case "uuid":
		h := s.hex(32)
		v = h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
	case "hostname":
		v = slug(s.f.Noun()) + ".example.com"
	case "ipv4":
		v = fmt.Sprintf("10.%d.%d.%d", s.f.IntN(256), s.f.IntN(256), s.f.IntN(256))
	default:
		v = s.f.Word()
		if s.f.Bool() {
			v += " " + s.f.Word()
		}
	}
	if sc.MinLength != nil {
		for len([]rune(v)) < *sc.MinLength {
			v += "x"
		}
	}
	if sc.MaxLength != nil && len([]rune(v)) > *sc.MaxLength {
		v = string([]rune(v)[:*sc.MaxLength])
	}
	return v
}
