package validate_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

// TestLocationCompare pins the order coverage names first places by:
// source, then page, line and index as numbers.
func TestLocationCompare(t *testing.T) {
	ordered := []validate.Location{
		{Source: "a.ndjson", Line: 2, Index: -1},
		{Source: "a.ndjson", Line: 10, Index: -1},
		{Source: "a.ndjson", Line: 10, Index: 0},
		{Source: "a.ndjson", Line: 10, Index: 9},
		{Source: "b.json", Line: 1, Index: -1},
		{Source: "https://h/users", Page: 1, Line: 1, Index: 3},
		{Source: "https://h/users", Page: 2, Line: 1, Index: 0},
	}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// TestCoverageMergeKeepsItsInputs: Merge returns a new report and changes
// neither input, and the empty report is its identity.
func TestCoverageMergeKeepsItsInputs(t *testing.T) {
	a := coverageOf(t, "a.ndjson", `{"uid":"a","name":"A","status":"online","shoe":1}`+"\n"+`{"uid":"b","name":"B","status":"away"}`)
	b := coverageOf(t, "b.ndjson", `{"uid":"c","name":"C","status":"offline","shoe":2}`)
	before := mustJSON(t, a) + mustJSON(t, b)
	m := a.Merge(b)
	if mustJSON(t, a)+mustJSON(t, b) != before {
		t.Error("Merge changed its inputs")
	}
	if got := (validate.CoverageReport{}).Merge(a); !reflect.DeepEqual(got, a) {
		t.Errorf("the empty report is not the identity:\n%s\n%s", mustJSON(t, got), mustJSON(t, a))
	}
	users := m.Kinds[0]
	if users.Documents != 3 || len(users.Undocumented) != 1 || users.Undocumented[0].Count != 2 || users.Undocumented[0].First.Source != "a.ndjson" {
		t.Errorf("merged users: %s", mustJSON(t, users))
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// coverageOf validates an NDJSON corpus named name with coverage.
func coverageOf(t *testing.T, name, corpus string) validate.CoverageReport {
	t.Helper()
	v, err := validate.New(validate.Options{Coverage: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Stream(context.Background(), validate.Input{Name: name, R: strings.NewReader(corpus), Format: validate.FormatNDJSON},
		func(validate.Verdict) error { return nil }); err != nil {
		t.Fatal(err)
	}
	return v.Coverage().Report()
}
