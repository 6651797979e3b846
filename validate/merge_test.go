package validate_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/types"
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

// TestCoverageMergeOfParts: the parts of the triggers merge as the whole
// counts them, the order of the operands does not matter, a report read
// back from JSON merges the same, and a part this build's registry does
// not have (a report of another version, or a hand-edited one) is left
// out rather than invented.
func TestCoverageMergeOfParts(t *testing.T) {
	banned := `{"trigger":"group_member_banned","data":{"group":{"guid":"g","name":"G","type":"public"},"members":{"a":{"uid":"a","name":"A","lastActiveAt":1700000000}},"by":{"uid":"o","name":"O"}}}`
	bannedBare := `{"trigger":"group_member_banned","data":{"group":{"guid":"g","name":"G","type":"public"},"members":{"b":{"uid":"b","name":"B"},"c":{"uid":"c","name":"C"}},"by":{"uid":"o","name":"O"}}}`
	joined := `{"trigger":"group_member_joined","data":{"group":{"guid":"g","name":"G","type":"public","icon":"https://example.com/g.png"},"members":{"d":{"uid":"d","name":"D","lastActiveAt":1700000000}}}}`
	whole := coverageOf(t, "h.ndjson", banned+"\n"+bannedBare+"\n"+joined)
	a := coverageOf(t, "h.ndjson", banned+"\n"+joined)
	b := coverageOf(t, "h.ndjson", bannedBare)
	if len(whole.Parts) != 5 {
		t.Fatalf("whole: %d parts, want 5: %s", len(whole.Parts), mustJSON(t, whole.Parts))
	}
	for _, m := range []validate.CoverageReport{a.Merge(b), b.Merge(a)} {
		if got, want := mustJSON(t, m), mustJSON(t, whole); got != want {
			t.Errorf("merged parts differ from the whole:\n got %s\nwant %s", got, want)
		}
	}
	var back validate.CoverageReport
	if err := json.Unmarshal([]byte(mustJSON(t, b)), &back); err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, a.Merge(back)), mustJSON(t, whole); got != want {
		t.Errorf("a report read back from JSON merges differently:\n got %s\nwant %s", got, want)
	}
	members := whole.Parts[1]
	if members.Title() != "group_member_banned /data/members/* (user)" || members.Entities != 3 {
		t.Errorf("whole's members part: %s", mustJSON(t, members))
	}

	foreign := validate.CoverageReport{Parts: []validate.PartCoverage{
		{Trigger: "group_member_banned", Part: "/data/elsewhere", Kind: types.KindUser, Entities: 4},
		{Trigger: "group_member_banned", Part: "/data/members/*", Kind: types.KindGroup, Entities: 4},
		{Trigger: "no_such_trigger", Part: "/data/members/*", Kind: types.KindUser, Entities: 4},
		{Trigger: "call_started", Part: "/data", Kind: types.KindCall, Entities: 4},
		{Trigger: "message_sent", Part: "/data/message", Kind: types.KindUser, Entities: 4},
		{Trigger: "group_member_banned", Part: "/data/members/*", Kind: types.KindUser, Entities: 1,
			Fields: []validate.FieldCount{{Pointer: "/uid", Count: 1}, {Pointer: "/shoeSize", Count: 1}}},
	}}
	m := whole.Merge(foreign)
	if len(m.Parts) != len(whole.Parts) {
		t.Fatalf("foreign parts were kept: %s", mustJSON(t, m.Parts))
	}
	got := m.Parts[1]
	if got.Entities != 4 || len(got.Fields) != len(members.Fields) {
		t.Errorf("the members part, merged with one more: %s", mustJSON(t, got))
	}
	for i, f := range got.Fields {
		want := members.Fields[i].Count
		if f.Pointer == "/uid" {
			want++
		}
		if f.Count != want {
			t.Errorf("%s: %d, want %d", f.Pointer, f.Count, want)
		}
	}
}
