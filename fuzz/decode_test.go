package fuzz

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ccconform/ccconform/types"
)

// FuzzDecode feeds arbitrary bytes to the polymorphic decoder. It must not
// panic; when it decodes, encoding the value and decoding it again gives an
// equal value, of the same kind and profile.
func FuzzDecode(f *testing.F) {
	for _, doc := range fixtures(f) {
		f.Add(doc)
	}
	for _, doc := range generated(f, 4) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := types.Decode(data)
		if err != nil {
			if doc != nil {
				t.Fatalf("Decode returned a document and an error: %v", err)
			}
			return
		}
		kind, profile, err := types.Detect(data)
		if err != nil || kind != doc.Kind() {
			t.Fatalf("Decode gave a %s, Detect %s (%v)", doc.Kind(), kind, err)
		}
		again, err := json.Marshal(doc)
		if err != nil {
			t.Fatalf("a decoded %s does not encode: %v", kind, err)
		}
		doc2, err := types.Decode(again)
		if err != nil {
			t.Fatalf("a decoded %s, encoded, does not decode: %v\nin:  %s\nout: %s", kind, err, data, again)
		}
		if !reflect.DeepEqual(doc, doc2) {
			t.Fatalf("the round trip changed the %s\nin:    %s\nout:   %s\nfirst: %#v\nthen:  %#v", kind, data, again, doc, doc2)
		}
		// The kind is stable. So is a message's profile (its sender is a
		// uid or an object); that of a user, group or member is inferred
		// from its REST-only fields, and one that is present but empty
		// ({"guid":"","scope":""}) is left out when encoded, so it may go.
		kind2, profile2, err := types.Detect(again)
		if err != nil || kind2 != kind || kind.IsMessage() && profile2 != profile {
			t.Fatalf("the round trip changed the kind or profile: %s/%s, then %s/%s (%v)", kind, profile, kind2, profile2, err)
		}
	})
}
