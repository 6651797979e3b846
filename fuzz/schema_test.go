package fuzz

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FuzzSchemaDecoder holds the decoder against the schemas, which are both
// made from the same Go types.
//
// One direction holds exactly, for any bytes: a document that the schema of
// kind K in profile P accepts decodes without error as K in P, and encoding
// that value gives a document the schema accepts again. The schemas are at
// least as strict as the decoder about structure (exact keys, no others,
// JSON types), so nothing they accept can trip it. The one exception is a
// repeated key, which a schema cannot see (it reads the last value), and
// which the validator reports as a violation of its own: such documents are
// left out.
//
// The other direction does not hold for arbitrary bytes: the decoder checks
// structure, not values. It accepts an enum value the model does not list,
// a missing required field (as a zero value), a malformed URL, a timestamp
// in milliseconds, and every cross-field disagreement, all of which the
// validator rejects. What holds is its restriction to what the generator
// produces: a generated document that the decoder accepts as its kind,
// encoded again by encoding/json, validates clean. The seed and index
// arguments drive that half.
func FuzzSchemaDecoder(f *testing.F) {
	for i, doc := range append(fixtures(f), generated(f, 2)...) {
		f.Add(doc, uint64(i), uint16(i))
	}
	set, err := schema.Compiled()
	if err != nil {
		f.Fatal(err)
	}
	strict := map[types.Profile]*validate.Validator{}
	for _, p := range types.Profiles() {
		strict[p], _ = validate.New(validate.Options{Profile: p, Strict: true})
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, index uint16) {
		// Exact: schema accepts => decoder accepts, and round-trips.
		if inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data)); err == nil && !repeatsKey(data) {
			for _, p := range types.Profiles() {
				for _, k := range types.Kinds() {
					if set.Schema(p, string(k)).Validate(inst) != nil {
						continue
					}
					doc, err := types.DecodeAs(data, k, p)
					if err != nil {
						t.Fatalf("the %s schema accepts it, the decoder refuses it as %s: %v\n%s", p, k, err, data)
					}
					again, err := json.Marshal(doc)
					if err != nil {
						t.Fatalf("a %s/%s the schema accepts does not encode: %v", p, k, err)
					}
					inst2, err := jsonschema.UnmarshalJSON(bytes.NewReader(again))
					if err != nil || set.Schema(p, string(k)).Validate(inst2) != nil {
						t.Fatalf("the %s schema accepts it, but not its round trip as %s\nin:  %s\nout: %s", p, k, data, again)
					}
				}
			}
		}

		// Restricted: generated, decoded as its kind, encoded => clean.
		p := types.Profiles()[seed%2]
		g, err := generate.New(generate.Options{Seed: seed, Profile: p, Optional: generate.Optional(seed / 2 % 3)})
		if err != nil {
			t.Fatal(err)
		}
		k := types.Kinds()[int(index)%len(types.Kinds())]
		raw, err := json.Marshal(g.Document(k, int(index)))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := types.DecodeAs(raw, k, p)
		if err != nil {
			t.Fatalf("the decoder refuses a generated %s/%s (seed %d, index %d): %v", p, k, seed, index, err)
		}
		again, _ := json.Marshal(doc)
		if vd := strict[p].Check(again); !vd.OK() || vd.Kind != k {
			t.Fatalf("a generated %s/%s (seed %d, index %d), decoded and encoded again, is a %s with %v\n%s", p, k, seed, index, vd.Kind, vd.Violations, again)
		}
	})
}

// repeatsKey reports whether any object in data repeats a key.
func repeatsKey(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return false
				}
				key, _ := k.(string)
				if seen[key] {
					return true
				}
				seen[key] = true
				if walk() {
					return true
				}
			}
			dec.Token()
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			dec.Token()
		}
		return false
	}
	return walk()
}
