package validate_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

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
