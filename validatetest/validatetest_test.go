package validatetest_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validatetest"
)

// recorder is a testing.TB that keeps what it is told to report.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Error(args ...any)         { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Fatal(args ...any)         { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }

func TestConforms(t *testing.T) {
	good, err := os.ReadFile("../fixtures/rest/envelopes/messages.json")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{TB: t}
	if !validatetest.Conforms(r, good) || len(r.errors) != 0 {
		t.Errorf("a conforming envelope: %v", r.errors)
	}
	bad := []byte(`[{"uid":"a","name":"A","status":"online"},{"uid":"b","status":"away"}]`)
	r = &recorder{TB: t}
	if validatetest.Conforms(r, bad) || len(r.errors) != 1 {
		t.Fatalf("want one failure, got %v", r.errors)
	}
	for _, want := range []string{"document [1] (user, docs profile) does not conform", "name: required field is missing [required]", `status: "away" is not one of online, offline [enum]`} {
		if !strings.Contains(r.errors[0], want) {
			t.Errorf("failure lacks %q:\n%s", want, r.errors[0])
		}
	}
	r = &recorder{TB: t}
	if validatetest.Conforms(r, []byte("{\"uid\":\"a\"}\n{\"uid\":")) || len(r.errors) != 2 {
		t.Fatalf("want two failures for NDJSON with a missing name and a broken document, got %v", r.errors)
	}
	if !strings.Contains(r.errors[0], "document at line 1 ") || !strings.Contains(r.errors[1], "document at line 2 (its kind not told)") {
		t.Errorf("failures do not name their lines: %q", r.errors)
	}
	r = &recorder{TB: t}
	if validatetest.Conforms(r, nil) || len(r.errors) != 1 || !strings.Contains(r.errors[0], "document in the input (its kind not told) does not conform") {
		t.Errorf("an empty input: %q", r.errors)
	}
}

func TestConformsToUsesTheValidatorsOptions(t *testing.T) {
	doc := []byte(`{"uid": "a", "name": "A", "status": "online", "nickname": "ay"}`)
	r := &recorder{TB: t}
	if !validatetest.Conforms(r, doc) {
		t.Errorf("by default an undocumented field is allowed: %v", r.errors)
	}
	strict, err := validate.New(validate.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	r = &recorder{TB: t}
	if validatetest.ConformsTo(r, strict, doc) || len(r.errors) != 1 || !strings.Contains(r.errors[0], "nickname: ") {
		t.Errorf("a strict validator should fail the document at /nickname, got %v", r.errors)
	}
}
