package report_test

import (
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// TestSummaryMergeCounts merges two summaries by hand: counts add up,
// Interrupted ORs, o is left as it was, and a summary read from JSON
// (maps nil) merges as well.
func TestSummaryMergeCounts(t *testing.T) {
	a, b := report.NewSummary(), report.NewSummary()
	a.Add(validate.Verdict{Kind: "user", Profile: "rest"})
	a.Add(validate.Verdict{Kind: "webhook", Profile: "rest", Trigger: "message_sent"})
	b.Add(validate.Verdict{Kind: "webhook", Profile: "rest", Trigger: "message_sent", Violations: []validate.Violation{{Rule: "required"}}})
	b.Add(validate.Verdict{Kind: "webhook", Profile: "rest", Trigger: "no_such_trigger"})
	b.Errors, b.Interrupted = 1, true
	before, _ := json.Marshal(b)
	var s report.Summary // as read from JSON: no maps
	s.Merge(a)
	s.Merge(b)
	if after, _ := json.Marshal(b); string(after) != string(before) {
		t.Error("Merge changed its argument")
	}
	if s.Documents != 4 || s.Valid != 3 || s.Invalid != 1 || s.Errors != 1 || !s.Interrupted {
		t.Errorf("merged counts: %+v", s)
	}
	if s.ByTrigger["message_sent"] != 2 || s.ByTrigger[report.OtherTriggers] != 1 || len(s.ByTrigger) != 2 {
		t.Errorf("byTrigger: %v", s.ByTrigger)
	}
	if s.ByKind["webhook"] != 3 || s.ByRule["required"] != 1 || s.InvalidKind["webhook"] != 1 || s.ByProfile["rest"] != 4 {
		t.Errorf("by kind, rule, profile: %v %v %v %v", s.ByKind, s.ByRule, s.InvalidKind, s.ByProfile)
	}
}
