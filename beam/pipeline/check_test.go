package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// TestBundleCoverageNamesLinesOfTheFile checks two splits of one file in
// one bundle, the later split first: the bundle's coverage names the
// first place of each undocumented field on its line of the file, as a
// run of ccconform validate over the whole file does.
func TestBundleCoverageNamesLinesOfTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "drift.ndjson")
	var b bytes.Buffer
	for i := 0; i < 40; i++ {
		b.WriteString(`{"uid":"u","name":"n","status":"online","extra":1}` + "\n")
	}
	os.WriteFile(path, b.Bytes(), 0o644)
	splits := splitsOf(t, path, int64(b.Len()), int64(b.Len()/2))
	if len(splits) != 2 {
		t.Fatalf("splits: %+v", splits)
	}
	f := &checkFn{Check: Check{Coverage: true}, Dir: dir}
	if err := f.Setup(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var sums []*report.Summary
	emitSum := func(s *report.Summary) { sums = append(sums, s) }
	noFile := func(string) { t.Error("a file of verdicts for valid documents") }
	if err := f.StartBundle(ctx, noFile, emitSum); err != nil {
		t.Fatal(err)
	}
	for _, sp := range []Split{splits[1], splits[0]} {
		if err := f.ProcessElement(ctx, sp, noFile, emitSum); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.FinishBundle(ctx, noFile, emitSum); err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Documents != 40 || sums[0].Coverage == nil {
		t.Fatalf("summaries: %+v", sums)
	}
	var d *validate.Drift
	for _, k := range sums[0].Coverage.Kinds {
		for i := range k.Undocumented {
			d = &k.Undocumented[i]
		}
	}
	want := validate.Location{Source: path, Line: 1, Index: -1}
	if d == nil || d.First != want || d.Count != 40 || d.Sample != want.String()+" /extra" {
		got, _ := json.Marshal(d)
		t.Errorf("undocumented field: %s, want first at %s", got, want)
	}
}
