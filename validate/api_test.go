package validate_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

// recorder is a testing.TB that keeps what Conforms reports.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Error(args ...any)         { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Fatal(args ...any)         { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }

func TestConforms(t *testing.T) {
	good, _ := os.ReadFile("../fixtures/rest/envelopes/messages.json")
	r := &recorder{TB: t}
	if !validate.Conforms(r, good) || len(r.errors) != 0 {
		t.Errorf("a conforming envelope: %v", r.errors)
	}
	bad := []byte(`[{"uid":"a","name":"A","status":"online"},{"uid":"b","status":"away"}]`)
	r = &recorder{TB: t}
	if validate.Conforms(r, bad) || len(r.errors) != 1 {
		t.Fatalf("want one failure, got %v", r.errors)
	}
	for _, want := range []string{"document [1] (user, sdk profile) does not conform", "name: required field is missing [required]", `status: "away" is not one of online, offline [enum]`} {
		if !strings.Contains(r.errors[0], want) {
			t.Errorf("failure lacks %q:\n%s", want, r.errors[0])
		}
	}
}

func TestResponse(t *testing.T) {
	body, _ := os.ReadFile("../fixtures/rest/envelopes/users.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3/users" {
			w.Write(body)
			return
		}
		w.Write([]byte(`{"data":{"uid":"x"}}`))
	}))
	defer srv.Close()
	v := newValidator(t, validate.Options{})
	for path, wantOK := range map[string]bool{"/v3/users": true, "/v3/users/x": false} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		vds, err := v.Response(resp)
		if err != nil {
			t.Fatal(err)
		}
		for _, vd := range vds {
			if vd.OK() != wantOK || vd.Location.Source != srv.URL+path {
				t.Errorf("%s: ok %v at %s: %v", path, vd.OK(), vd.Location, vd.Violations)
			}
		}
	}
}
