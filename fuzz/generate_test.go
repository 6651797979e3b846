package fuzz

import (
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// FuzzGenerate holds the generator to its word for any seed: a generated
// document of any kind validates clean (strictly) and decodes as its kind,
// and its one-fault mutant yields exactly the violation it is labelled with.
func FuzzGenerate(f *testing.F) {
	for i := range 16 {
		f.Add(uint64(i), uint16(i), uint8(i))
	}
	f.Add(uint64(0), uint16(0), uint8(0))
	f.Add(^uint64(0), ^uint16(0), ^uint8(0))
	type pair struct{ lax, strict *validate.Validator }
	vals := map[types.Profile]pair{}
	for _, p := range types.Profiles() {
		lax, _ := validate.New(validate.Options{Profile: p})
		strict, _ := validate.New(validate.Options{Profile: p, Strict: true})
		vals[p] = pair{lax, strict}
	}
	f.Fuzz(func(t *testing.T, seed uint64, index uint16, mode uint8) {
		p := types.Profiles()[mode%2]
		opt := generate.Optional(mode / 2 % 3)
		k := types.Kinds()[int(index)%len(types.Kinds())]
		g, err := generate.New(generate.Options{Seed: seed, Profile: p, Optional: opt})
		if err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(g.Document(k, int(index)))
		if err != nil {
			t.Fatal(err)
		}
		if vd := vals[p].strict.Check(raw); !vd.OK() || vd.Kind != k {
			t.Fatalf("seed %d, %s/%s #%d: a %s with %v\n%s", seed, p, k, index, vd.Kind, vd.Violations, raw)
		}
		if doc, err := types.Decode(raw); err != nil || doc.Kind() != k {
			t.Fatalf("seed %d, %s/%s #%d: decodes as %v, %v", seed, p, k, index, doc, err)
		}

		m := g.Mutant(k, int(index))
		v := vals[p].lax
		if m.Strict {
			v = vals[p].strict
		}
		vd := v.Check(m.JSON)
		if len(vd.Violations) != 1 || vd.Violations[0].Rule != m.Rule || vd.Violations[0].Pointer != m.Pointer {
			t.Fatalf("seed %d, %s/%s #%d: the mutant (%s) is labelled %s at %s, the validator says %+v\n%s",
				seed, p, k, index, m.Fault, m.Rule, m.Pointer, vd.Violations, m.JSON)
		}
	})
}
