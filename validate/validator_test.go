package validate_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// TestSchemaViolations checks that schema faults become violations with the
// right rule, pointer and a message a person reads.
func TestSchemaViolations(t *testing.T) {
	v := newValidator(t, validate.Options{})
	cases := []struct {
		name, fixture string
		mutate        func(map[string]any)
		rule, pointer string
		message       string
	}{
		{"missing required", "docs/user-online.json", del("/name"), "required", "/name", "required field is missing"},
		{"missing nested required", "docs/textMessage-user-offline.json", del("/sender/status"), "required", "/sender/status", "required field is missing"},
		{"enum", "docs/textMessage-user-offline.json", set("/sender/status", "away"), "enum", "/sender/status", `"away" is not one of online, offline`},
		{"enum case", "docs/textMessage-group-online.json", set("/receiverType", "GROUP"), "enum", "/receiverType", `did you mean "group"?`},
		{"const", "docs/textMessage-user-offline.json", set("/data/entities/sender/entityType", "group"), "enum", "/data/entities/sender/entityType", `"group" is not "user"`},
		{"call status in capitals", "docs/call-initiated.json", set("/data/on/entity/status", "CANCELLED"), "enum", "/data/on/entity/status", `did you mean "cancelled"?`},
		{"type", "docs/textMessage-user-offline.json", set("/sentAt", "1547017662"), "type", "/sentAt", "expected integer, found string"},
		{"id as number", "rest/textMessage.json", set("/id", 1), "type", "/id", "expected string, found number"},
		{"nullable file", "docs/mediaMessage-user-offline.json", set("/file", 7), "type", "/file", "expected string or null, found number"},
		{"format", "docs/user-online.json", set("/avatar", "not a url"), "format", "/avatar", `"not a url" is not a valid uri`},
		{"empty uid", "docs/user-online.json", set("/uid", ""), "value", "/uid", "must not be empty"},
		{"negative timestamp", "docs/user-online.json", set("/lastActiveAt", -1), "value", "/lastActiveAt", "below the minimum 0"},
		{"media without url", "rest/mediaMessage.json", both(del("/data/url"), del("/data/attachments")), "required", "/data", "needs one of url or attachments"},
		{"entity type decides the entity", "rest/customMessage.json", del("/data/entities/receiver/entity/guid"), "required", "/data/entities/receiver/entity/guid", "missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := load(t, c.fixture)
			c.mutate(doc)
			raw, _ := json.Marshal(doc)
			vd := v.Check(raw)
			if len(vd.Violations) != 1 {
				t.Fatalf("want one violation, got %v", vd.Violations)
			}
			got := vd.Violations[0]
			if got.Rule != c.rule || got.Pointer != c.pointer || !strings.Contains(got.Message, c.message) {
				t.Errorf("got %s at %s: %q; want %s at %s containing %q", got.Rule, got.Pointer, got.Message, c.rule, c.pointer, c.message)
			}
		})
	}
}

func TestStrictReportsUndocumentedFields(t *testing.T) {
	doc := load(t, "docs/user-online.json")
	doc["nickname"] = "shellhead"
	doc["metadata"].(map[string]any)["anything"] = "free-form, never undocumented"
	raw, _ := json.Marshal(doc)

	lax := newValidator(t, validate.Options{}).Check(raw)
	if !lax.OK() || len(lax.Undocumented) != 1 || lax.Undocumented[0] != "/nickname" {
		t.Errorf("without strict: want valid with /nickname counted, got %v, undocumented %v", lax.Violations, lax.Undocumented)
	}
	strict := newValidator(t, validate.Options{Strict: true}).Check(raw)
	if len(strict.Violations) != 1 || strict.Violations[0].Rule != "unknown-field" || strict.Violations[0].Pointer != "/nickname" {
		t.Errorf("with strict: want one unknown-field at /nickname, got %v", strict.Violations)
	}
	// A REST-only field is undocumented in the sdk profile.
	doc = load(t, "docs/user-online.json")
	doc["conversationId"] = "a_user_b"
	raw, _ = json.Marshal(doc)
	sdk := newValidator(t, validate.Options{Strict: true, Profile: types.ProfileDocs}).Check(raw)
	rest := newValidator(t, validate.Options{Strict: true, Profile: types.ProfileREST}).Check(raw)
	if sdk.OK() || !rest.OK() {
		t.Errorf("conversationId: sdk %v, rest %v; want a violation in sdk only", sdk.Violations, rest.Violations)
	}
}

func TestDocumentFaults(t *testing.T) {
	v := newValidator(t, validate.Options{})
	user := `{"uid":"a","name":"A","status":"online"}`
	cases := []struct {
		name, doc, rule, pointer, message string
	}{
		{"empty", "", "json", "", "empty document"},
		{"malformed", `{"uid":"a",,}`, "json", "", "malformed JSON at column 12"},
		{"malformed second line", "{\n\"uid\": tru}", "json", "", "line 2 of the document"},
		{"truncated", `{"uid":"a","name":"A`, "json", "", "truncated JSON"},
		{"two values", user + user, "json", "", "more than one JSON value"},
		{"array", `[1]`, "type", "", "the document is an array"},
		{"string", `"hi"`, "type", "", "a string"},
		{"no kind", `{"name":"A"}`, "kind", "", "cannot tell the kind"},
		{"unknown category", `{"category":"poll"}`, "kind", "/category", `unknown category "poll"`},
		{"type not for category", `{"category":"message","type":"sticker"}`, "kind", "/type", `"sticker" is not valid for category "message"`},
		{"duplicate key", `{"uid":"a","name":"A","status":"online","name":"B"}`, "duplicate-key", "/name", "appears twice"},
		{"duplicate escaped key", `{"uid":"a","name":"A","status":"online","n\u0061me":"B"}`, "duplicate-key", "/name", "appears twice"},
		{"duplicate nested key", `{"uid":"a","name":"A","status":"online","metadata":{"k":[{"x":1,"x":2}]}}`, "duplicate-key", "/metadata/k/0/x", "appears twice"},
		{"invalid UTF-8", "{\"uid\":\"a\",\"name\":\"A\xff\",\"status\":\"online\"}", "json", "", "invalid UTF-8 at byte 20"},
		{"number beyond 64 bits", `{"uid":"a","name":"A","status":"online","lastActiveAt":123456789012345678901234567890}`, "value", "/lastActiveAt", "above the maximum"},
		{"deep nesting", `{"uid":"a","name":"A","status":"online","metadata":` + strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10002), "json", "", "exceeded max depth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vd := v.Check([]byte(c.doc))
			if len(vd.Violations) != 1 {
				t.Fatalf("want one violation, got %v", vd.Violations)
			}
			got := vd.Violations[0]
			if got.Rule != c.rule || got.Pointer != c.pointer || !strings.Contains(got.Message, c.message) {
				t.Errorf("got %s at %q: %q; want %s at %q containing %q", got.Rule, got.Pointer, got.Message, c.rule, c.pointer, c.message)
			}
		})
	}
	// A byte-order mark is tolerated.
	if vd := v.Check(append([]byte{0xEF, 0xBB, 0xBF}, user...)); !vd.OK() {
		t.Errorf("BOM: %v", vd.Violations)
	}
}

// TestDetectedProfileFits checks that a user, group or member that looks
// the same in both profiles is checked against the one it fits: a REST
// password group carries no password.
func TestDetectedProfileFits(t *testing.T) {
	v := newValidator(t, validate.Options{})
	vd := v.Check([]byte(`{"guid":"g","name":"G","type":"password","createdAt":1}`))
	if !vd.OK() || vd.Profile != types.ProfileREST {
		t.Errorf("a password group without a password: profile %s, %v; want rest and valid", vd.Profile, vd.Violations)
	}
	vd = newValidator(t, validate.Options{Profile: types.ProfileDocs}).Check([]byte(`{"guid":"g","name":"G","type":"password","createdAt":1}`))
	if vd.OK() {
		t.Error("checked as sdk, a password group without a password conforms")
	}
}

func TestForcedKindAndProfile(t *testing.T) {
	raw, _ := json.Marshal(load(t, "docs/mediaMessage-user-offline.json"))
	vd := newValidator(t, validate.Options{Kind: types.KindTextMessage}).Check(raw)
	if vd.Kind != types.KindTextMessage {
		t.Fatalf("kind %s, want textMessage", vd.Kind)
	}
	found := false
	for _, x := range vd.Violations {
		if x.Rule == "category-type" && x.Pointer == "/type" {
			found = true
		}
	}
	if !found {
		t.Errorf("a media message checked as a text message: want category-type at /type, got %v", vd.Violations)
	}
	rest := newValidator(t, validate.Options{Profile: types.ProfileREST}).Check(raw)
	if rest.Profile != types.ProfileREST || rest.OK() {
		t.Errorf("an sdk media message checked as rest: profile %s, violations %v", rest.Profile, rest.Violations)
	}
	if _, err := validate.New(validate.Options{Kind: "sticker"}); err == nil {
		t.Error("New accepted kind sticker")
	}
	if _, err := validate.New(validate.Options{Pointer: "rawMessage"}); err == nil || !strings.Contains(err.Error(), "starts with /") {
		t.Errorf("New with pointer rawMessage: %v", err)
	}
}

// TestCallCanceledBothSpellings checks that a call canceled with one l, as
// CometChat's message structure page spells it and as clients send it, is
// a call status like cancelled, in both profiles.
func TestCallCanceledBothSpellings(t *testing.T) {
	v := newValidator(t, validate.Options{})
	for _, c := range []struct {
		fixture string
		paths   []string
	}{
		{"docs/call-initiated.json", []string{"/status", "/action", "/data/on/entity/status", "/data/action"}},
		{"rest/call.json", []string{"/data/entities/on/entity/status", "/data/action"}},
	} {
		for _, status := range []string{"cancelled", "canceled"} {
			m := load(t, c.fixture)
			for _, p := range c.paths {
				set(p, status)(m)
			}
			b, _ := json.Marshal(m)
			if vd := v.Check(b); !vd.OK() {
				t.Errorf("%s with status %q: %v", c.fixture, status, vd.Violations)
			}
		}
	}
}

// Messages nested in messages cost the square of their depth to check: a
// document nested past MaxDocumentDepth gets one size verdict, on either
// path, while deep free-form metadata is still checked.
func TestDeepDocumentsAreRefused(t *testing.T) {
	v := newValidator(t, validate.Options{})
	msg := func(inner string) string {
		return `{"category":"action","type":"message","sender":"a","receiver":"b","receiverType":"user","id":"1","sentAt":1,"data":{"action":"edited","entities":{"on":{"entityType":"message","entity":` + inner + `}}}}`
	}
	for _, levels := range []int{40, 200} { // the tape reads 40 (160 deep); 200 (800) goes to the reference
		doc := `{"category":"message","type":"text","sender":"a","receiver":"b","receiverType":"user","id":"0","sentAt":1,"data":{"text":"x"}}`
		for i := 0; i < levels; i++ {
			doc = msg(doc)
		}
		vd := v.Check([]byte(doc))
		if len(vd.Violations) != 1 || vd.Violations[0].Rule != validate.RuleSize || !strings.Contains(vd.Violations[0].Message, "levels deep") {
			t.Errorf("%d nested messages: %v, want one size violation", levels, vd.Violations)
		}
	}
	meta := `{"uid":"a","name":"A","status":"online","metadata":` + strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000) + "}"
	if vd := v.Check([]byte(meta)); !vd.OK() {
		t.Errorf("deep metadata: %v, want valid", vd.Violations)
	}
}

// An SDK object keeps copies of the wire message (rawMessage): a wrong
// timestamp there is not reported again, and a string receiver does not
// hide an SDK object's receiverId.
func TestSDKCopiesAreNotCheckedTwice(t *testing.T) {
	raw, err := os.ReadFile("../fixtures/sdk/textMessage-sdk4.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	m["rawMessage"].(map[string]any)["sentAt"] = 1638423490000
	b, _ := json.Marshal(m)
	v := newValidator(t, validate.Options{})
	if vd := v.Check(b); !vd.OK() {
		t.Errorf("a millisecond sentAt inside rawMessage: %v, want valid", vd.Violations)
	}
	m["receiver"] = "cometchat-uid-5"
	b, _ = json.Marshal(m)
	if vd := v.Check(b); vd.Profile != types.ProfileSDK || len(vd.Violations) != 1 || vd.Violations[0].Pointer != "/receiver" {
		t.Errorf("a string receiver beside receiverId: %s %v, want sdk and one violation at /receiver", vd.Profile, vd.Violations)
	}
}

// An avatar is a URL or empty (CometChat's System user has ""): the fast
// path's shortcut for that conditional judges as the reference does.
func TestEmptyAvatarOnBothPaths(t *testing.T) {
	fast := newValidator(t, validate.Options{})
	ref := newValidator(t, validate.Options{ReferenceOnly: true})
	for avatar, ok := range map[string]bool{`""`: true, `"https://x.example/a.png"`: true, `"not a url"`: false, `" "`: false, `"é"`: false} {
		doc := []byte(`{"uid":"a","name":"A","status":"online","avatar":` + avatar + `}`)
		f, r := fast.Check(doc), ref.Check(doc)
		if f.OK() != ok || r.OK() != ok || len(f.Violations) != len(r.Violations) {
			t.Errorf("avatar %s: fast %v, reference %v; want valid %v on both", avatar, f.Violations, r.Violations, ok)
		}
	}
	if ps := fast.PathStats(); ps.ReferenceValid != 0 {
		t.Errorf("%d valid avatars went to the reference path", ps.ReferenceValid)
	}
}
