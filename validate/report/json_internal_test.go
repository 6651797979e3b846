package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// TestJSONConformingLine checks that the line written directly for a
// conforming document is the encoder's, byte for byte.
func TestJSONConformingLine(t *testing.T) {
	locs := []validate.Location{
		{Source: "payloads/users.ndjson", Line: 3, Index: -1},
		{Source: "a.json", Line: 1, Index: 0},
		{Source: "https://x.example/v3/users?page=2&perPage=100", Line: 1, Index: 7, Page: 2},
		{Source: "odd \"name\" <&> \u2028 \x01.json", Index: -1},
		{Source: "-"},
	}
	for _, loc := range locs {
		for _, vd := range []validate.Verdict{
			{Location: loc, Kind: types.KindTextMessage, Profile: types.ProfileREST},
			{Location: loc, Kind: types.KindUser},
			{Location: loc},
		} {
			var got bytes.Buffer
			w := newJSONWriter(&got, Options{})
			if err := w.Verdict(vd); err != nil {
				t.Fatal(err)
			}
			w.bw.Flush()
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			vd.Violations = []validate.Violation{}
			enc.Encode(jsonVerdict{vd, true})
			if got.String() != want.String() {
				t.Errorf("got  %s\nwant %s", got.String(), want.String())
			}
		}
	}
}
