package validate_test

import (
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

func TestSuppressions(t *testing.T) {
	// One user breaks three rules: an enum, a timestamp unit, a field the
	// model does not document (strict).
	doc := `{"uid":"a","name":"A","status":"away","lastActiveAt":1547011919000,"nickname":"x"}`
	cases := []struct {
		name    string
		opts    validate.Options
		kept    string // the rules left, in the order of their pointers
		silence string // the rules suppressed
	}{
		{"nothing", validate.Options{}, "timestamp-unit,unknown-field,enum", ""},
		{"a rule disabled", validate.Options{Disable: []string{"timestamp-unit"}}, "unknown-field,enum", "timestamp-unit"},
		{"by pointer", validate.Options{Ignore: []validate.Suppression{{Pointer: "/status"}}}, "timestamp-unit,unknown-field", "enum"},
		{"by pattern", validate.Options{Ignore: []validate.Suppression{{Pointer: "/*"}}}, "", "timestamp-unit,unknown-field,enum"},
		{"by rule and kind", validate.Options{Ignore: []validate.Suppression{{Rule: "unknown-field", Kind: "user"}}}, "timestamp-unit,enum", "unknown-field"},
		{"another kind", validate.Options{Ignore: []validate.Suppression{{Rule: "enum", Kind: "group"}}}, "timestamp-unit,unknown-field,enum", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.opts.Strict = true
			v := newValidator(t, c.opts)
			vds := v.Bytes([]byte(doc))
			if len(vds) != 1 {
				t.Fatalf("%d verdicts", len(vds))
			}
			rules := func(xs []validate.Violation) string {
				var r []string
				for _, x := range xs {
					r = append(r, x.Rule)
				}
				return strings.Join(r, ",")
			}
			if got := rules(vds[0].Violations); got != c.kept {
				t.Errorf("kept %q, want %q", got, c.kept)
			}
			if got := rules(vds[0].Suppressed); got != c.silence {
				t.Errorf("suppressed %q, want %q", got, c.silence)
			}
			if vds[0].OK() != (c.kept == "") {
				t.Errorf("OK() = %v with %q left", vds[0].OK(), c.kept)
			}
		})
	}
	bad := []struct {
		opts validate.Options
		want string
	}{
		{validate.Options{Disable: []string{"timestamp"}}, `"timestamp" is not a rule id`},
		{validate.Options{Ignore: []validate.Suppression{{Reason: "why not"}}}, "an empty entry would silence everything"},
		{validate.Options{Ignore: []validate.Suppression{{Kind: "users"}}}, "users"},
		{validate.Options{Ignore: []validate.Suppression{{Pointer: "status"}}}, "starts with /"},
		{validate.Options{Ignore: []validate.Suppression{{Pointer: "/a/["}}}, "not a JSON Pointer pattern"},
	}
	for _, b := range bad {
		if _, err := validate.New(b.opts); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("New(%+v): %v, want an error with %q", b.opts, err, b.want)
		}
	}
}
