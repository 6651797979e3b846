package types_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/types"
)

// wantType is the concrete type each kind decodes to, by profile.
var wantType = map[types.Profile]map[types.Kind]types.Document{
	types.ProfileDocs: {
		types.KindUser: &types.User{}, types.KindGroup: &types.Group{}, types.KindGroupMember: &types.GroupMember{},
		types.KindTextMessage: &types.TextMessage{}, types.KindMediaMessage: &types.MediaMessage{},
		types.KindCustomMessage: &types.CustomMessage{}, types.KindAction: &types.Action{}, types.KindCall: &types.Call{},
	},
	types.ProfileREST: {
		types.KindUser: &types.User{}, types.KindGroup: &types.Group{}, types.KindGroupMember: &types.GroupMember{},
		types.KindTextMessage: &types.RESTTextMessage{}, types.KindMediaMessage: &types.RESTMediaMessage{},
		types.KindCustomMessage: &types.RESTCustomMessage{}, types.KindAction: &types.RESTAction{}, types.KindCall: &types.RESTCall{},
		types.KindConversation: &types.Conversation{},
	},
	types.ProfileSDK: {
		types.KindUser: &types.User{}, types.KindGroup: &types.Group{}, types.KindGroupMember: &types.GroupMember{},
		types.KindTextMessage: &types.SDKTextMessage{}, types.KindMediaMessage: &types.SDKMediaMessage{},
		types.KindCustomMessage: &types.SDKCustomMessage{}, types.KindAction: &types.SDKAction{}, types.KindCall: &types.SDKCall{},
		types.KindConversation: &types.Conversation{},
	},
}

func TestDecodeFixtures(t *testing.T) {
	seen := map[types.Profile]map[types.Kind]bool{types.ProfileDocs: {}, types.ProfileREST: {}, types.ProfileSDK: {}}
	for dir, p := range map[string]types.Profile{"../fixtures/docs": types.ProfileDocs, "../fixtures/rest": types.ProfileREST, "../fixtures/sdk": types.ProfileSDK} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, path := range paths {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name, _, _ := strings.Cut(filepath.Base(path), "-")
			k, err := types.ParseKind(strings.TrimSuffix(name, ".json"))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := types.Decode(raw)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			p := p
			if k == types.KindGroup && p == types.ProfileSDK && strings.Contains(path, "sdk3") {
				// A 3.x group is the REST group it was built from, and is
				// told rest (see entityProfile).
				p = types.ProfileREST
			}
			if want := reflect.TypeOf(wantType[p][k]); reflect.TypeOf(doc) != want {
				t.Errorf("%s: decoded as %T, want %v", path, doc, want)
			}
			if gotK, gotP, _ := types.Detect(raw); gotK != k || gotP != p {
				t.Errorf("%s: detected %s/%s, want %s/%s", path, gotP, gotK, p, k)
			}
			seen[p][k] = true
			roundTrip(t, path, doc)
		}
	}
	for p, kinds := range wantType {
		for k := range kinds {
			if !seen[p][k] {
				t.Errorf("no fixture of %s in profile %s", k, p)
			}
		}
	}
}

// roundTrip checks that encoding doc and decoding the result gives doc back,
// of the same kind.
func roundTrip(t *testing.T, where string, doc types.Document) {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Errorf("%s: encoding: %v", where, err)
		return
	}
	again, err := types.Decode(b)
	if err != nil {
		t.Errorf("%s: decoding the encoded value: %v\n%s", where, err, b)
		return
	}
	if !reflect.DeepEqual(doc, again) {
		t.Errorf("%s: round trip changed the value:\nbefore %#v\nafter  %#v", where, doc, again)
	}
}

func TestDecodeKeepsFields(t *testing.T) {
	raw, _ := os.ReadFile("../fixtures/docs/call-initiated.json")
	doc, err := types.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	c := doc.(*types.Call)
	if c.SessionID != "1547222109e29120fc966fbe714253787ff1c06b0fb193b185" || c.Status != types.CallInitiated ||
		c.Data.On.Call() == nil || c.Data.On.Call().SessionID != c.SessionID || c.CallReceiver.User == nil ||
		c.CallReceiver.User.UID != "superhero1" || c.Sender.UID != "superhero10" || c.SentAt != 1547222109 {
		t.Errorf("call lost fields: %+v", c)
	}
	raw, _ = os.ReadFile("../fixtures/rest/action.json")
	doc, err = types.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	a := doc.(*types.RESTAction)
	if a.Data.Action != types.ActionUnbanned || a.Data.Entities.For.Group() == nil || a.Data.Entities.For.Group().GUID != "project-group" ||
		a.Data.Entities.On == nil || a.Data.Entities.On.User().UID != "cometchat-uid-3" || a.Sender != "cometchat-uid-4" {
		t.Errorf("rest action lost fields: %+v", a)
	}
	raw, _ = os.ReadFile("../fixtures/docs/groupMember-admin.json")
	doc, _ = types.Decode(raw)
	m := doc.(*types.GroupMember)
	if m.IsBanned == nil || !bool(*m.IsBanned) || m.Scope != types.ScopeAdmin || m.UID != "SUPERHERO1" {
		t.Errorf("member lost fields: %+v", m)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		doc     string
		kind    types.Kind
		profile types.Profile
	}{
		{`{"uid":"a","name":"A","status":"online"}`, types.KindUser, types.ProfileDocs},
		{`{"uid":"a","name":"A","status":"available"}`, types.KindUser, types.ProfileREST},
		{`{"uid":"a","name":"A","status":"offline","createdAt":1}`, types.KindUser, types.ProfileREST},
		{`{"uid":"a","guid":"g","scope":"admin"}`, types.KindGroupMember, types.ProfileDocs},
		{`{"uid":"a","joinedAt":1}`, types.KindGroupMember, types.ProfileDocs},
		// A group returned to a member carries the member's scope, never a uid.
		{`{"guid":"g","name":"G","type":"public","scope":"admin","joinedAt":1}`, types.KindGroup, types.ProfileREST},
		{`{"guid":"g","name":"G","type":"public","createdAt":1}`, types.KindGroup, types.ProfileDocs},
		{`{"category":"message","type":"text","sender":"a"}`, types.KindTextMessage, types.ProfileREST},
		{`{"category":"message","type":"text","sender":{"uid":"a"}}`, types.KindTextMessage, types.ProfileDocs},
		{`{"category":"message","type":"video"}`, types.KindMediaMessage, types.ProfileDocs},
		{`{"category":"message","type":"audio","conversationId":"x"}`, types.KindMediaMessage, types.ProfileREST},
		{`{"category":"message","type":"custom"}`, types.KindCustomMessage, types.ProfileDocs},
		{`{"category":"custom","type":"poll","sender":"a"}`, types.KindCustomMessage, types.ProfileREST},
		{`{"category":"custom"}`, types.KindCustomMessage, types.ProfileDocs},
		{`{"category":"action","type":"groupMember","sender":"a"}`, types.KindAction, types.ProfileREST},
		{`{"category":"call","type":"audio","sessionId":"s"}`, types.KindCall, types.ProfileDocs},
		// A category wins over uid or guid.
		{`{"category":"call","uid":"a","guid":"g"}`, types.KindCall, types.ProfileDocs},
	}
	for _, tt := range tests {
		k, p, err := types.Detect([]byte(tt.doc))
		if err != nil || k != tt.kind || p != tt.profile {
			t.Errorf("Detect(%s) = %s, %s, %v; want %s, %s", tt.doc, k, p, err, tt.kind, tt.profile)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	deep := strings.Repeat(`{"metadata":`, 20000) + "{}" + strings.Repeat("}", 20000)
	tests := []struct{ doc, want string }{
		{``, "empty document"},
		{`   `, "empty document"},
		{`{"uid":"a",`, "not JSON"},
		{`{"uid":"a"} x`, "not JSON"},
		{`[{"uid":"a"}]`, "not an object: the document is an array"},
		{`"text"`, "not an object: the document is a string"},
		{`null`, "not an object"},
		{`{"name":"A"}`, "cannot tell the kind"},
		{`{"category":"sticker"}`, `unknown category "sticker"`},
		{`{"category":"Message","type":"text"}`, `did you mean "message"?`},
		{`{"category":7}`, "category is a number, expected a string"},
		{`{"category":"message"}`, "needs a type"},
		{`{"category":"message","type":"sticker"}`, `message type "sticker" is not valid for category "message"`},
		{`{"category":"message","type":"TEXT"}`, `did you mean "text"?`},
		{`{"category":"message","type":["text"]}`, "type is an array"},
		{`{"category":"message","type":"text","Text":"hi"}`, `/Text: key "Text" differs from the model's "text" only in case`},
		{`{"category":"message","type":"text","sender":{"UID":"a"}}`, `/sender/UID`},
		{`{"category":"message","type":"text","data":{"entities":{"sender":{"entityType":"user","entity":{"NAME":"x"}}}}}`, `/data/entities/sender/entity/NAME`},
		{`{"uid":"a","name":"A","status":"online","lastActiveAt":"yesterday"}`, "/lastActiveAt: got a string, expected a whole number of Unix seconds"},
		{`{"uid":"a","name":"A","status":"online","lastActiveAt":1.5}`, "lastActiveAt: got a number 1.5, expected a whole number"},
		{`{"uid":"a","name":"A","status":"online","lastActiveAt":99999999999999999999999}`, "lastActiveAt: got a number 99999999999999999999999, expected a whole number"},
		{`{"uid":["a"]}`, "uid: got an array, expected a string"},
		{`{"uid":"a","scope":"admin","isBanned":"yes"}`, `isBanned: got a string "yes", expected one of false`},
		{`{"category":"message","type":"text","data":{"entities":{"sender":{"entityType":"robot","entity":{}}}}}`, `/data/entities/sender/entityType: entityType "robot"`},
		{`{"category":"message","type":"text","data":{"entities":{"sender":{"entity":{"uid":"a"}}}}}`, "/data/entities/sender: entity wrapper has no entityType"},
		{deep, "nested more than 10000 levels deep"},
		{`{"category":null}`, "category is null, expected a string"},
		{`{"category":"message","type":null}`, "type is null, expected a string"},
		{`{"uid":"a","name":"A","status":"online","credits":"lots"}`, "/credits: got a string, expected an integer"},
		{`{"category":"message","type":"text","sender":{"uid":"a","name":7}}`, "/sender/name: got a number, expected a string"},
		{`{"category":"message","type":"text","data":{"entities":{"receiver":{"entityType":"user","entity":{"uid":["x"]}}}}}`, "/data/entities/receiver/entity/uid: got an array, expected a string"},
		{`{"category":"message","type":"text","data":{"entities":{"sender":{"entityType":"user"}}}}`, "/data/entities/sender/entity: entity wrapper has no entity"},
		{`{"category":"message","type":"text","sender":{"NAME":"x","STATUS":"y","Uid":"z"}}`, `/sender/NAME: key "NAME"`},
		{nestedAppEntities(5000), "entities nest more than 4 deep"},
		{nestedEntityRefs(2400), "entities nest more than 4 deep"},
		{"{\"uid\":\"a\xff\"}", ""}, // invalid UTF-8 is replaced, not fatal
	}
	for _, tt := range tests {
		_, err := types.Decode([]byte(tt.doc))
		short := tt.doc
		if len(short) > 60 {
			short = short[:60] + "..."
		}
		if tt.want == "" {
			if err != nil {
				t.Errorf("Decode(%q): unexpected error %v", short, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Decode(%q) error = %v; want it to contain %q", short, err, tt.want)
		}
	}
}

// nestedAppEntities nests calls in calls' receivers n deep.
func nestedAppEntities(n int) string {
	return `{"category":"action","actionBy":` + strings.Repeat(`{"sessionId":"s","callReceiver":`, n) + `{}` + strings.Repeat(`}`, n) + `}`
}

// nestedEntityRefs nests call entities in call entities n deep.
func nestedEntityRefs(n int) string {
	return `{"category":"call","data":{"on":` + strings.Repeat(`{"entityType":"call","entity":{"sessionid":"s","data":{"entities":{"sender":`, n) +
		`{}` + strings.Repeat(`}}}}`, n) + `}}`
}

// TestDecodeRoundTripsEdgeValues checks values that encoding/json's
// omitempty or float64 would lose.
func TestDecodeRoundTripsEdgeValues(t *testing.T) {
	for _, doc := range []string{
		`{"uid":"a","name":"A","status":"online","metadata":{}}`,
		`{"uid":"a","name":"A","status":"online","tags":[],"createdAt":1}`,
		`{"uid":"a","name":"A","status":"online","metadata":{"id":12345678901234567891,"f":1.50,"huge":1e400,"n":null,"deep":{"a":[1,{"b":[]}]}}}`,
		`{"uid":"a","name":"A","status":"online","credits":1000.0}`,
		`{"uid":"a","scope":"admin","joinedAt":1,"isBanned":1.0}`,
		`{"uid":"a","scope":"admin","joinedAt":1,"isBanned":"0"}`,
		`{"category":"message","type":"image","sender":"a","data":{"attachments":[],"metadata":{},"entities":{"sender":{"entity":{"uid":"a"},"entityType":"user"},"receiver":{"entity":{"guid":"g"},"entityType":"group"}}}}`,
		`{"category":"message","type":"image","sender":"a","data":{"attachments":[{"url":"u","size":"123"},{"url":"v","size":4.0}]}}`,
		`{"category":"action","sender":{"uid":"a"},"actionOn":{"uid":"u","guid":"g","name":"N","status":"online"}}`,
		`{"category":"action","sender":{"uid":"a"},"actionBy":null,"actionOn":null,"data":null}`,
		`{"category":"call","sessionId":"s","callReceiver":{"guid":"g","name":"G"},"sentAt":1547222109.0}`,
	} {
		d, err := types.Decode([]byte(doc))
		if err != nil {
			t.Errorf("Decode(%s): %v", doc, err)
			continue
		}
		roundTrip(t, doc, d)
	}
	d, _ := types.Decode([]byte(`{"category":"action","sender":{"uid":"a"},"actionOn":{"uid":"u","guid":"g","name":"N","status":"online"}}`))
	if on := d.(*types.Action).ActionOn; on == nil || on.User == nil || on.User.UID != "u" {
		t.Errorf("an actionOn with uid and guid decodes as a user, like a top-level member; got %+v", on)
	}
	d, _ = types.Decode([]byte(`{"uid":"a","name":"A","status":"online","metadata":{"id":12345678901234567891}}`))
	if b, _ := json.Marshal(d); !strings.Contains(string(b), "12345678901234567891") {
		t.Errorf("a large integer in metadata lost digits: %s", b)
	}
}

// TestDecodeHostileNeverPanics feeds truncations of every fixture to the
// decoder: each must fail or succeed, never panic, and what succeeds must
// round-trip.
func TestDecodeHostileNeverPanics(t *testing.T) {
	paths, _ := filepath.Glob("../fixtures/*/*.json")
	for _, path := range paths {
		raw, _ := os.ReadFile(path)
		for i := 0; i < len(raw); i += 7 {
			for _, b := range [][]byte{raw[:i], append(append([]byte{}, raw[:i]...), '}')} {
				if doc, err := types.Decode(b); err == nil {
					roundTrip(t, path, doc)
				}
			}
		}
	}
}

// A reaction has a uid, as a user does, and a receipt may carry users: the
// detector says what each is instead of taking it for a user.
func TestDetectNeverTakesAReactionOrReceiptForAUser(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`{"id":"77","messageId":"5120","reaction":"🙂","uid":"ivo-2","reactedAt":1719000500,"reactedBy":{"uid":"ivo-2","name":"Ivo","status":"online"}}`, "a reaction"},
		{`{"receiptType":"read","readAt":1719000010,"sender":{"uid":"ivo-2","name":"Ivo","status":"online"},"receiverType":"user","receiver":"nell-8"}`, "a receipt"},
	} {
		k, _, err := types.Detect([]byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "validate the message") {
			t.Errorf("Detect(%s) = %q, %v; want an error that says it is %s", c.doc, k, err, c.want)
		}
	}
	// A conversation is told by its conversationWith or conversationType,
	// not by the conversationId users carry too.
	for doc, want := range map[string]types.Kind{
		`{"uid":"a","name":"A","status":"online","conversationId":"a_user_b"}`: types.KindUser,
		`{"name":"A","status":"online","conversationId":"a_user_b"}`:           "",
		`{"conversationId":"group_g","conversationType":"group"}`:              types.KindConversation,
		`{"conversationWith":{"guid":"g"}}`:                                    types.KindConversation,
	} {
		if k, _, _ := types.Detect([]byte(doc)); k != want {
			t.Errorf("Detect(%s) = %q, want %q", doc, k, want)
		}
	}
}
