package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func count() int {
	if testing.Short() {
		return 1000
	}
	return 10000
}

// TestValidFixturesConform generates fixtures of every kind in both
// profiles and every optional mode, and checks each with the validator
// (strict): no false alarms.
func TestValidFixturesConform(t *testing.T) {
	auto, err := validate.New(validate.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	forced := map[types.Profile]*validate.Validator{}
	for _, p := range types.Profiles() {
		forced[p], _ = validate.New(validate.Options{Strict: true, Profile: p})
	}
	for _, k := range types.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			n := count()
			for i := 0; i < n; i++ {
				opts := generate.Options{Seed: 7, Profile: types.Profiles()[i%3], Optional: generate.Optional(i / 3 % 3)}
				g, _ := generate.New(opts)
				doc := g.Document(k, i)
				raw, err := encode(doc)
				if err != nil {
					t.Fatal(err)
				}
				vd := forced[opts.Profile].Check(raw)
				if !vd.OK() || vd.Kind != k {
					t.Fatalf("%s #%d (%s, optional %d): kind %s: %v\n%s", k, i, opts.Profile, opts.Optional, vd.Kind, vd.Violations, raw)
				}
				// Detected, a message's profile is the generator's; a
				// user, group or member without REST-only fields is
				// also a valid sdk document.
				vd = auto.Check(raw)
				if !vd.OK() || (k.IsMessage() && vd.Profile != opts.Profile) {
					t.Fatalf("%s #%d (%s, optional %d), detected as %s: %v\n%s", k, i, opts.Profile, opts.Optional, vd.Profile, vd.Violations, raw)
				}
			}
		})
	}
}

// TestMutantsAreCaught checks that every mutant yields exactly its labelled
// violation: nothing missed, nothing extra.
func TestMutantsAreCaught(t *testing.T) {
	lax, strict := map[types.Profile]*validate.Validator{}, map[types.Profile]*validate.Validator{}
	for _, p := range types.Profiles() {
		lax[p], _ = validate.New(validate.Options{Profile: p})
		strict[p], _ = validate.New(validate.Options{Strict: true, Profile: p})
	}
	for _, k := range types.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			faults := map[string]int{}
			byProfile := map[types.Profile]map[string]int{}
			for i, n := 0, count(); i < n; i++ {
				g, _ := generate.New(generate.Options{Seed: 11, Profile: types.Profiles()[i%3], Optional: generate.Optional(i / 3 % 3)})
				m := g.Mutant(k, i)
				faults[m.Rule]++
				if byProfile[m.Profile] == nil {
					byProfile[m.Profile] = map[string]int{}
				}
				byProfile[m.Profile][m.Rule]++
				vd := strict[m.Profile].Check(m.JSON)
				if len(vd.Violations) != 1 || vd.Violations[0].Rule != m.Rule || vd.Violations[0].Pointer != m.Pointer {
					t.Fatalf("%s mutant #%d (%s): %s: want only %s at %q, got %v\n%s", k, i, m.Profile, m.Fault, m.Rule, m.Pointer, vd.Violations, m.JSON)
				}
				if m.Strict && !lax[m.Profile].Check(m.JSON).OK() {
					t.Fatalf("%s mutant #%d: %s is labelled strict-only but fails without --strict", k, i, m.Fault)
				}
			}
			t.Logf("%s: %v", k, faults)
			for _, rule := range []string{"required", "type", "enum", "timestamp-unit", "unknown-field", "duplicate-key", "json"} {
				if faults[rule] == 0 {
					t.Errorf("%s: no mutant with a %s fault", k, rule)
				}
			}
			// Every cross-field rule of the kind has mutants, in each
			// profile where it applies.
			for p, rules := range crossRules[k] {
				for _, rule := range rules {
					if byProfile[p][rule] == 0 {
						t.Errorf("%s: no %s mutant with a %s fault", k, p, rule)
					}
				}
			}
		})
	}
}

// crossRules lists, by kind and profile, the cross-field rules mutants
// must break.
var crossRules = map[types.Kind]map[types.Profile][]string{
	types.KindTextMessage: {
		types.ProfileSDK:  {"sender-entity", "receiver-entity", "timestamp-order", "text-data"},
		types.ProfileREST: {"sender-entity", "receiver-entity", "timestamp-order"},
		types.ProfileDocs: {"sender-entity", "receiver-entity", "timestamp-order", "text-data"},
	},
	types.KindMediaMessage: {
		types.ProfileSDK:  {"sender-entity", "receiver-entity", "text-data"},
		types.ProfileDocs: {"media-url"},
	},
	types.KindCustomMessage: {
		types.ProfileSDK:  {"sender-entity", "receiver-entity", "custom-data"},
		types.ProfileDocs: {"custom-data"},
	},
	types.KindAction: {
		types.ProfileSDK:  {"sender-entity", "receiver-entity", "action-data", "action-target", "message-action"},
		types.ProfileREST: {"action-target", "message-action"},
		types.ProfileDocs: {"action-data", "action-target", "message-action"},
	},
	types.KindCall: {
		types.ProfileSDK:  {"sender-entity", "receiver-entity", "call-entity", "call-parties"},
		types.ProfileREST: {"call-entity"},
		types.ProfileDocs: {"call-entity", "call-parties"},
	},
	types.KindConversation: {
		types.ProfileSDK:  {"conversation-id", "conversation-with"},
		types.ProfileREST: {"conversation-id", "conversation-with"},
		types.ProfileDocs: {"conversation-id", "conversation-with"},
	},
	types.KindGroup: {
		types.ProfileREST: {"group-password", "timestamp-order"},
		types.ProfileDocs: {"group-password"},
	},
}

func encode(doc types.Document) ([]byte, error) { return json.Marshal(doc) }

// TestDeterministic checks that the same seed gives the same bytes, whatever
// the number of cores, and another seed other bytes.
func TestDeterministic(t *testing.T) {
	run := func(seed uint64, procs int) []byte {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		g, _ := generate.New(generate.Options{Seed: seed, Profile: types.ProfileREST})
		var buf bytes.Buffer
		var mu sync.Mutex
		err := g.Stream(context.Background(), "", 500, false, func(it generate.Item) error {
			mu.Lock()
			defer mu.Unlock()
			buf.Write(it.JSON)
			buf.WriteByte('\n')
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b, c := run(42, 1), run(42, 4), run(43, 2)
	if !bytes.Equal(a, b) {
		t.Error("seed 42 gave different output on 1 and 4 cores")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 42 and 43 gave the same output")
	}
}

// TestAuthTokenOnlyOnCreatedUsers checks that an auth token, a credential
// CometChat returns only to whoever creates a user, appears on standalone
// user documents alone: never inside a message, a member or a world.
func TestAuthTokenOnlyOnCreatedUsers(t *testing.T) {
	for _, p := range types.Profiles() {
		g, err := generate.New(generate.Options{Seed: 7, Profile: p, Optional: generate.OptionalAll})
		if err != nil {
			t.Fatal(err)
		}
		standalone := 0
		for _, k := range types.Kinds() {
			for i := 0; i < 300; i++ {
				b, err := json.Marshal(g.Document(k, i))
				if err != nil {
					t.Fatal(err)
				}
				has := strings.Contains(string(b), `"authToken"`)
				if k == types.KindUser {
					if has {
						standalone++
					}
				} else if has {
					t.Fatalf("%s %s %d carries an authToken: %s", p, k, i, b)
				}
			}
		}
		if standalone == 0 {
			t.Errorf("%s: no standalone user of 300 carries an authToken; a created user does", p)
		}
		w, err := g.World(20, 3, 200)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(w)
		if strings.Contains(string(b), `"authToken"`) {
			t.Errorf("%s: a world carries an authToken", p)
		}
	}
}
