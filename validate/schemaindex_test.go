package validate

import (
	"testing"

	"github.com/ccconform/ccconform/types"
)

// The table of schemas has a place for every profile and kind of the
// model, each its own.
func TestSchemaTableIndices(t *testing.T) {
	if len(types.Profiles()) != numProfiles || len(types.Kinds()) != numKinds {
		t.Fatalf("the model has %d profiles and %d kinds; the table %d and %d", len(types.Profiles()), len(types.Kinds()), numProfiles, numKinds)
	}
	seen := map[int]types.Profile{}
	for _, p := range types.Profiles() {
		i := profileIndex(p)
		if q, dup := seen[i]; dup || i < 0 || i >= numProfiles {
			t.Errorf("profile %s at %d (%s there too)", p, i, q)
		}
		seen[i] = p
	}
	kinds := map[int]types.Kind{}
	for _, k := range types.Kinds() {
		i := kindIndex(k)
		if q, dup := kinds[i]; dup || i < 0 || i >= numKinds {
			t.Errorf("kind %s at %d (%s there too)", k, i, q)
		}
		kinds[i] = k
	}
	if kindIndex(types.KindWebhook) != -1 || profileIndex("") != -1 {
		t.Error("a kind or profile outside the model has a place")
	}
}
