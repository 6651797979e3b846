package validate_test

import (
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

// TestLocationCompareSurvivesJSON: sources that are not valid UTF-8 (file
// names are bytes) order the same before and after a JSON round trip,
// which writes each stray byte as U+FFFD; two stray bytes in a row are two
// U+FFFD, not one, and must sort so.
func TestLocationCompareSurvivesJSON(t *testing.T) {
	sources := []string{
		"a\xff\xfeb.ndjson", "a\xffc.ndjson", "a\xff.ndjson", "a\uFFFD\uFFFDb.ndjson", "a\uFFFDc.ndjson",
		"a\xed\xa0\x80.ndjson", "ab.ndjson", "a\xef\xbf.ndjson", "a\u00e9.ndjson", "z",
	}
	roundTrip := func(l validate.Location) validate.Location {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back validate.Location
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		return back
	}
	for _, a := range sources {
		for _, b := range sources {
			la, lb := validate.Location{Source: a, Line: 1, Index: -1}, validate.Location{Source: b, Line: 2, Index: -1}
			before, after := la.Compare(lb), roundTrip(la).Compare(roundTrip(lb))
			if before != after {
				t.Errorf("%q vs %q: %d in the run, %d after JSON", a, b, before, after)
			}
			if before != -lb.Compare(la) {
				t.Errorf("%q vs %q: not antisymmetric", a, b)
			}
		}
	}
}
