package report_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/internal/npmtest"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// sarifSchema fetches the SARIF 2.1.0 schema from the npm registry (the
// package @microsoft/jest-sarif 1.0.0-beta.0 ships it), into a temporary
// folder, and compiles it. Without npm or its registry the test is
// skipped with npm's reason, except in CI.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	tgz := npmtest.Pack(t, t.TempDir(), "@microsoft/jest-sarif@1.0.0-beta.0")
	f, err := os.Open(tgz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no SARIF schema in the package: %v", err)
		}
		if strings.HasSuffix(h.Name, "/sarif-2.1.0-rtm.5.json") {
			doc, err := jsonschema.UnmarshalJSON(tr)
			if err != nil {
				t.Fatal(err)
			}
			c := jsonschema.NewCompiler()
			c.AssertFormat()
			const id = "https://json.schemastore.org/sarif-2.1.0.json"
			if err := c.AddResource(id, doc); err != nil {
				t.Fatal(err)
			}
			s, err := c.Compile(id)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	}
}

func TestSARIFValidatesAgainstItsSchema(t *testing.T) {
	schema := sarifSchema(t)
	v, _ := validate.New(validate.Options{})
	var buf bytes.Buffer
	w, err := report.New("sarif", &buf, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum := report.NewSummary()
	violations := 0
	inputs := []validate.Input{
		{Name: "payloads/users.ndjson", R: strings.NewReader(`{"uid":"a","name":"A","status":"online"}` + "\n" + `{"uid":"b","status":"away"}` + "\n"), Format: validate.FormatNDJSON},
		{Name: "http://127.0.0.1:8686/v3/users?page=2", Page: 2, R: strings.NewReader(`{"data":[{"uid":"c"}]}`)},
		{Name: "-", R: strings.NewReader(`{"category":"message","type":"text","sender":"x"}`)},
		{Name: "GET /v3/messages?limit=10", R: strings.NewReader(`not json`)},
		{Name: "my payloads/one user.json", R: strings.NewReader(`{"uid":"d","name":"D","status":"gone"}`)},
	}
	for _, in := range inputs {
		err := v.Stream(context.Background(), in, func(vd validate.Verdict) error {
			sum.Add(vd)
			violations += len(vd.Violations)
			return w.Verdict(vd)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(sum); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the SARIF log is not JSON: %v", err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("the SARIF log breaks the SARIF 2.1.0 schema: %v\n%s", err, buf.Bytes())
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine int }
					} `json:"physicalLocation"`
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	results := log.Runs[0].Results
	if len(results) != violations || violations < 4 {
		t.Fatalf("%d results for %d violations", len(results), violations)
	}
	uris := map[string]bool{}
	for _, r := range results {
		uris[r.Locations[0].PhysicalLocation.ArtifactLocation.URI] = true
	}
	for _, want := range []string{"payloads/users.ndjson", "http://127.0.0.1:8686/v3/users?page=2", "stdin", "v3/messages?limit=10", "my%20payloads/one%20user.json"} {
		if !uris[want] {
			t.Errorf("no result located at %q: %v", want, uris)
		}
	}
	first := results[0].Locations[0].PhysicalLocation
	if first.ArtifactLocation.URI != "payloads/users.ndjson" || first.Region.StartLine != 2 {
		t.Errorf("the first result is at %+v, want payloads/users.ndjson line 2", first)
	}

	if inv := sarifInvocation(t, buf.String()); !inv.ExecutionSuccessful || len(inv.Notifications) != 0 {
		t.Errorf("a whole run's invocation says %+v", inv)
	}

	// An interrupted run's log says so in its invocation, and is SARIF too.
	var partial bytes.Buffer
	w, _ = report.New("sarif", &partial, report.Options{})
	sum = report.NewSummary()
	for _, vd := range v.Bytes([]byte(`{"uid":"b","status":"away"}`)) {
		sum.Add(vd)
		w.Verdict(vd)
	}
	sum.Interrupted, sum.Errors = true, 1
	if err := w.Close(sum); err != nil {
		t.Fatal(err)
	}
	inst, _ = jsonschema.UnmarshalJSON(bytes.NewReader(partial.Bytes()))
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("an interrupted run's SARIF log breaks the SARIF 2.1.0 schema: %v\n%s", err, partial.Bytes())
	}
	if inv := sarifInvocation(t, partial.String()); inv.ExecutionSuccessful || len(inv.Notifications) != 2 {
		t.Errorf("an interrupted run's invocation says %+v", inv)
	}

	// The check can fail: a log without its version breaks the schema.
	var broken map[string]any
	json.Unmarshal(buf.Bytes(), &broken)
	delete(broken, "version")
	b, _ := json.Marshal(broken)
	inst, _ = jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if schema.Validate(inst) == nil {
		t.Fatal("the SARIF schema accepts a log without a version: the check proves nothing")
	}
}

// TestSARIFMemoryStaysFlat checks that results are not held until Close:
// 50,000 of them once took some 35 MB of heap, and a million 3.4 GB.
func TestSARIFMemoryStaysFlat(t *testing.T) {
	w, err := report.New("sarif", io.Discard, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum := report.NewSummary()
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := heap()
	for i := range 50_000 {
		vd := validate.Verdict{Location: validate.Location{Source: "payloads/users.ndjson", Line: i + 1, Index: -1}, Kind: "user", Profile: "sdk",
			Violations: []validate.Violation{{Pointer: "/status", Rule: "enum", Message: `"away" is not one of online, offline ` + strings.Repeat(".", 150)}}}
		sum.Add(vd)
		if err := w.Verdict(vd); err != nil {
			t.Fatal(err)
		}
	}
	if grown := heap() - before; grown > 8<<20 {
		t.Errorf("the heap grew by %d MB over 50,000 results: they are held in memory", grown>>20)
	}
	if err := w.Close(sum); err != nil {
		t.Fatal(err)
	}
}
