package validate

import (
	"cmp"
	"strings"
	"unicode/utf8"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
)

// Compare orders locations: by source name (as given: a file's path, "-",
// a URL), then page, then line, then index, each as a number. It returns
// -1, 0 or +1. Coverage names the first place of an undocumented field by
// this order rather than by arrival, so that a run on many workers, and
// the merge of the runs of any split of a file set, name the same place:
// shards split files, so the file's name is the shard's key.
//
// Source names are compared as JSON carries them: each byte that is not
// part of valid UTF-8 as U+FFFD, as encoding/json writes it, so that a
// place read back from a summary sorts where it sorted in the run.
func (l Location) Compare(o Location) int {
	if l.Source != o.Source {
		if c := strings.Compare(asJSON(l.Source), asJSON(o.Source)); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(l.Page, o.Page); c != 0 {
		return c
	}
	if c := cmp.Compare(l.Line, o.Line); c != 0 {
		return c
	}
	return cmp.Compare(l.Index, o.Index)
}

// Merge returns the coverage of r's documents and o's together; neither is
// changed. Merging is associative and commutative, and merging the reports
// of the parts of any split of an input gives the report of the whole
// input, field for field:
//
//   - counts add up (those of each trigger's parts too: the registry
//     bounds them), and a field's first place is the lesser of the two
//     (Location.Compare, then Sample);
//   - every bound keeps the least entries by an order of the entries
//     themselves (undocumented paths by path, then kind and profile; enum
//     values, category/type pairs and triggers outside the model by name),
//     and counts the rest under UndocumentedOther or OtherValues. An entry
//     among the least of the whole is among the least of every part that
//     saw it, so every part kept it with its exact count and first place;
//     and what a part let go is counted where the whole counts it.
//
// Both reports are read against this build's model: a kind and profile it
// does not know, from a report of another version, is left out.
func (r CoverageReport) Merge(o CoverageReport) CoverageReport {
	m, err := theModel()
	if err != nil {
		// The embedded schemas compile, or nothing runs: a Validator
		// could not have been made to count either report.
		panic("validate: the model's schemas do not compile: " + err.Error())
	}
	t := newTally()
	t.addReport(m, r)
	t.addReport(m, o)
	return t.render(m)
}

// addReport adds what r counted to t.
func (t *tally) addReport(m *coverageModel, r CoverageReport) {
	t.unknown += r.Unknown
	for _, kc := range r.Kinds {
		sc := scope{kc.Kind, kc.Profile, kc.In}
		if _, known := m.scopeRank[sc]; !known && sc != webhookOther {
			continue
		}
		t.docs[sc] += kc.Documents
		if fs := m.sets[kp(sc.kind, sc.profile)]; fs != nil {
			if t.fields[sc] == nil {
				t.fields[sc] = map[string]int{}
			}
			for _, f := range kc.Fields {
				if f.Count > 0 {
					t.fields[sc][f.Pointer] += f.Count
				}
			}
			for _, e := range kc.Enums {
				for _, v := range e.Values {
					if v.Count > 0 {
						t.addEnum(sc, fs, e.Pointer, v.Name, v.Count)
					}
				}
			}
		}
		for _, d := range kc.Undocumented {
			t.addDrift(driftKey{d.Pointer, sc}, d.Count, d.First, d.Sample)
		}
		if kc.UndocumentedOther > 0 {
			t.driftOther[sc] += kc.UndocumentedOther
		}
	}
	for _, p := range r.Parts {
		k, fs, ok := m.partOf(p)
		if !ok || p.Entities <= 0 {
			continue
		}
		pc := t.addPart(k)
		pc.n += p.Entities
		for _, f := range p.Fields {
			if _, documented := fs.fields[f.Pointer]; documented && f.Count > 0 {
				pc.fields[f.Pointer] += f.Count
			}
		}
	}
	for _, p := range r.Pairs {
		if p.Count > 0 {
			addCapped(t.pairs, p.Name, p.Count, maxPairs, func(p string) bool { return m.pairSet[p] })
		}
	}
	for _, tr := range r.Triggers {
		if tr.Count > 0 {
			addCapped(t.triggers, tr.Name, tr.Count, maxOtherValues, func(n string) bool { return m.registry[n] })
		}
	}
}

// partOf reads the part p of a report against the model: its key and the
// fields of its kind, or false when this build's registry has no such
// part or the part holds no entity of that kind.
func (m *coverageModel) partOf(p PartCoverage) (partKey, *fieldSet, bool) {
	if _, ok := m.trigRank[p.Trigger]; !ok {
		return partKey{}, nil, false
	}
	tr, _ := webhook.Lookup(p.Trigger)
	fs := m.sets[kp(p.Kind, types.ProfileREST)]
	for i, part := range tr.Parts {
		if part.Pointer == p.Part && fs != nil && (part.Kind == p.Kind || part.Kind == "" && p.Kind.IsMessage()) {
			return partKey{p.Trigger, i, p.Kind}, fs, true
		}
	}
	return partKey{}, nil, false
}

// asJSON returns s as encoding/json writes and reads it back: each byte
// outside valid UTF-8 replaced by U+FFFD (strings.ToValidUTF8 would
// replace a run of them by one, which sorts differently).
func asJSON(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
