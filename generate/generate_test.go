package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func count() int {
	if testing.Short() || raceOn {
		return 1000 // .ci/run checks 10,000 without the race detector
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

// TestProfileDefault checks that an empty profile means rest.
func TestProfileDefault(t *testing.T) {
	g, err := generate.New(generate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g.Profile() != types.ProfileREST {
		t.Fatalf("profile %q, want rest", g.Profile())
	}
	if _, ok := g.Document(types.KindTextMessage, 0).(*types.RESTTextMessage); !ok {
		t.Fatal("the default profile does not make rest messages")
	}
}

// TestMessageActions checks the actions about messages in every profile:
// about one action in four, edited or deleted, about an earlier message of
// the same conversation that says so.
func TestMessageActions(t *testing.T) {
	for _, p := range types.Profiles() {
		g, _ := generate.New(generate.Options{Seed: 3, Profile: p})
		seen := map[types.MemberAction]int{}
		scoped := 0
		n := 400
		for i := 0; i < n; i++ {
			b, _ := json.Marshal(g.Document(types.KindAction, i))
			var m map[string]any
			json.Unmarshal(b, &m)
			data := m["data"].(map[string]any)
			ents := data
			if p != types.ProfileDocs {
				ents = data["entities"].(map[string]any)
			}
			action := types.MemberAction(data["action"].(string))
			if action == types.ActionScopeChanged && p != types.ProfileDocs {
				x, _ := data["extras"].(map[string]any)
				sc, _ := x["scope"].(map[string]any)
				if sc["new"] == nil || sc["old"] == nil || sc["new"] == sc["old"] {
					t.Fatalf("%s: scopeChanged without extras.scope old and new: %s", p, b)
				}
				scoped++
			}
			if m["type"] != string(types.ActionMessage) {
				continue
			}
			seen[action]++
			on := ents["on"].(map[string]any)
			msg := on["entity"].(map[string]any)
			if on["entityType"] != "message" || msg["conversationId"] != nil && m["conversationId"] != nil && msg["conversationId"] != m["conversationId"] {
				t.Fatalf("%s: the message is not one of the action's conversation: %s", p, b)
			}
			if msg["receiver"] != m["receiver"] && msg["receiver"] != m["receiverId"] {
				t.Fatalf("%s: the message went to %v, the action to %v", p, msg["receiver"], m["receiver"])
			}
			id, _ := strconv.Atoi(msg["id"].(string))
			aid, _ := strconv.Atoi(m["id"].(string))
			sent, at := msg["sentAt"].(float64), m["sentAt"].(float64)
			if id >= aid || sent >= at {
				t.Fatalf("%s: the message (id %d, sent %v) is not before its action (id %d, sent %v)", p, id, sent, aid, at)
			}
			stamp := "editedAt"
			if action == types.ActionDeleted {
				stamp = "deletedAt"
				if _, ok := msg["data"].(map[string]any)["text"]; ok {
					t.Fatalf("%s: a deleted message kept its text: %s", p, b)
				}
			}
			if msg[stamp] != at {
				t.Fatalf("%s: the message's %s is %v, the action's sentAt %v", p, stamp, msg[stamp], at)
			}
			if p == types.ProfileSDK {
				ao := m["actionOn"].(map[string]any)
				if ao["receiverId"] == nil || ao["rawMessage"] == nil || m["message"] != "" {
					t.Fatalf("sdk: actionOn is not a decoded message, or message is not empty: %s", b)
				}
			}
		}
		if seen[types.ActionEdited]+seen[types.ActionDeleted] < n/8 || seen[types.ActionEdited] == 0 || seen[types.ActionDeleted] == 0 {
			t.Errorf("%s: %v actions about messages of %d", p, seen, n)
		}
		if p != types.ProfileDocs && scoped == 0 {
			t.Errorf("%s: no scopeChanged action", p)
		}
	}
}

// TestConversations checks that conversations name their parties, carry a
// last message of theirs, and write the unread count as each profile does.
func TestConversations(t *testing.T) {
	for _, p := range types.Profiles() {
		g, _ := generate.New(generate.Options{Seed: 5, Profile: p})
		var users, groups, strs, nulls int
		kinds := map[string]int{}
		err := g.Stream(context.Background(), types.KindConversation, 300, false, func(it generate.Item) error {
			var c map[string]any
			json.Unmarshal(it.JSON, &c)
			with := c["conversationWith"].(map[string]any)
			id := c["conversationId"].(string)
			switch c["conversationType"] {
			case "group":
				groups++
				if id != "group_"+with["guid"].(string) || with["hasJoined"] != true {
					t.Fatalf("%s: %s", p, it.JSON)
				}
			case "user":
				users++
				a, b, ok := strings.Cut(id, "_user_")
				if !ok || a > b || a != with["uid"] && b != with["uid"] {
					t.Fatalf("%s: conversationId %q does not name %v", p, id, with["uid"])
				}
			}
			if _, ok := c["unreadMessageCount"].(string); ok {
				strs++
			}
			_, created := c["createdAt"]
			if created == (p == types.ProfileSDK) {
				t.Fatalf("%s: createdAt present %v: %s", p, created, it.JSON)
			}
			lm, has := c["lastMessage"]
			switch {
			case lm == nil && has:
				nulls++
			case lm != nil:
				m := lm.(map[string]any)
				kinds[m["category"].(string)]++
				if cid, ok := m["conversationId"]; ok && cid != id {
					t.Fatalf("%s: lastMessage of %v in %s", p, cid, id)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if users == 0 || groups == 0 || len(kinds) < 4 {
			t.Errorf("%s: %d user and %d group conversations, last messages %v", p, users, groups, kinds)
		}
		if (strs > 0) != (p == types.ProfileREST) {
			t.Errorf("%s: %d unread counts written as strings", p, strs)
		}
		if (nulls > 0) != (p == types.ProfileSDK) {
			t.Errorf("%s: %d null last messages", p, nulls)
		}
	}
}

// TestSDKShapes checks the sdk profile's users: short users in messages,
// raw users (wire status) in actions, full users at the top level.
func TestSDKShapes(t *testing.T) {
	g, _ := generate.New(generate.Options{Seed: 9, Profile: types.ProfileSDK, Optional: generate.OptionalAll})
	check := func(u map[string]any, short, raw bool, where string) {
		t.Helper()
		for _, k := range []string{"hasBlockedMe", "blockedByMe", "deactivatedAt"} {
			if _, ok := u[k]; !ok {
				t.Fatalf("%s: no %s: %v", where, k, u)
			}
		}
		if st := u["status"]; !raw && st != "online" && st != "offline" {
			t.Fatalf("%s: status %v", where, st)
		}
		if _, ok := u["email"]; short && ok {
			t.Fatalf("%s: a short user with an email: %v", where, u)
		}
	}
	available := 0
	for i := 0; i < 200; i++ {
		for _, k := range []types.Kind{types.KindTextMessage, types.KindAction, types.KindUser, types.KindGroup} {
			b, _ := json.Marshal(g.Document(k, i))
			var m map[string]any
			json.Unmarshal(b, &m)
			switch k {
			case types.KindTextMessage:
				check(m["sender"].(map[string]any), true, false, "sender")
				if m["threadSubscribed"] != false || m["receiverId"] == nil || m["text"] != m["data"].(map[string]any)["text"] {
					t.Fatalf("text message: %s", b)
				}
				raw := m["rawMessage"].(map[string]any)
				if _, ok := raw["rawMessage"]; ok || raw["threadSubscribed"] != nil || raw["id"] != m["id"] {
					t.Fatalf("rawMessage: %v", raw)
				}
			case types.KindAction:
				by := m["actionBy"].(map[string]any)
				check(by, false, true, "actionBy")
				if by["status"] == "available" {
					available++
				}
			case types.KindUser:
				check(m, false, false, "user")
			case types.KindGroup:
				for _, k := range []string{"hasJoined", "membersCount", "isBanned"} {
					if _, ok := m[k]; !ok {
						t.Fatalf("group without %s: %s", k, b)
					}
				}
			}
		}
	}
	if available == 0 {
		t.Error("no action keeps the wire's available status")
	}
}
