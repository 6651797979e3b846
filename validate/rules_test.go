package validate_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func load(t *testing.T, path string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "fixtures", path))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// at walks m along path (object keys), creating nothing.
func at(m map[string]any, path string) (map[string]any, string) {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	cur := m
	for _, p := range parts[:len(parts)-1] {
		cur = cur[p].(map[string]any)
	}
	return cur, parts[len(parts)-1]
}

func set(path string, v any) func(map[string]any) {
	return func(m map[string]any) {
		parent, key := at(m, path)
		parent[key] = v
	}
}

func del(path string) func(map[string]any) {
	return func(m map[string]any) {
		parent, key := at(m, path)
		delete(parent, key)
	}
}

func both(fs ...func(map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		for _, f := range fs {
			f(m)
		}
	}
}

func newValidator(t *testing.T, opts validate.Options) *validate.Validator {
	t.Helper()
	v, err := validate.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// ruleCases make each cross-field rule fire: one fault on a conforming
// fixture, and the one violation it must cause.
var ruleCases = []struct {
	name, fixture string
	mutate        func(map[string]any)
	rule, pointer string
}{
	{"sdk text sender uid", "docs/textMessage-user-offline.json", set("/data/entities/sender/entity/uid", "SUPERHERO9"), "sender-entity", "/data/entities/sender/entity/uid"},
	{"sdk text sender name", "docs/textMessage-user-offline.json", set("/sender/name", "Tony"), "sender-entity", "/data/entities/sender/entity/name"},
	{"rest text sender", "rest/textMessage.json", set("/sender", "cometchat-uid-9"), "sender-entity", "/data/entities/sender/entity/uid"},
	{"sdk action sender", "docs/action-joined.json", set("/data/by/entity/uid", "superhero63"), "sender-entity", "/data/by/entity/uid"},
	{"rest call sender", "rest/call.json", set("/data/entities/by/entity/uid", "cometchat-uid-2"), "sender-entity", "/data/entities/by/entity/uid"},
	{"receiver id", "docs/textMessage-user-offline.json", set("/receiver", "SUPERHERO3"), "receiver-entity", "/data/entities/receiver/entity/uid"},
	{"receiver type", "docs/textMessage-group-online.json", set("/receiverType", "user"), "receiver-entity", "/data/entities/receiver/entityType"},
	{"rest group receiver", "rest/customMessage.json", set("/receiver", "other-group"), "receiver-entity", "/data/entities/receiver/entity/guid"},
	{"sdk action receiver", "docs/action-joined.json", set("/receiver", "avengers"), "receiver-entity", "/data/for/entity/guid"},
	{"text", "docs/textMessage-user-offline.json", set("/data/text", "something else"), "text-data", "/data/text"},
	{"media url", "docs/mediaMessage-user-offline.json", set("/data/url", "https://data.cometchat.com/other.jpg"), "media-url", "/data/url"},
	{"custom data", "docs/customMessage-custom-location.json", set("/data/customData", map[string]any{"latitude": 1}), "custom-data", "/data/customData"},
	{"custom subType", "docs/customMessage-custom-location.json", set("/data/subType", "area"), "custom-data", "/data/subType"},
	{"sentAt in ms", "docs/textMessage-user-offline.json", set("/sentAt", 1547017662000), "timestamp-unit", "/sentAt"},
	{"embedded lastActiveAt in ms", "docs/textMessage-user-offline.json", set("/sender/lastActiveAt", 1547011919000), "timestamp-unit", "/sender/lastActiveAt"},
	{"group createdAt in ms", "rest/group.json", set("/createdAt", 1638440784000), "timestamp-unit", "/createdAt"},
	{"delivered before sent", "docs/customMessage-custom-location.json", set("/deliveredAt", 1547029999), "timestamp-order", "/deliveredAt"},
	{"read before delivered", "docs/customMessage-custom-location.json", set("/readAt", 1547030000), "timestamp-order", "/readAt"},
	{"updated before created", "docs/group-public.json", set("/updatedAt", 1543931000), "timestamp-order", "/updatedAt"},
	{"joined group before it existed", "rest/group.json", set("/joinedAt", 1638440000), "timestamp-order", "/joinedAt"},
	{"rest message updated before sent", "rest/textMessage.json", set("/updatedAt", 1638423000), "timestamp-order", "/updatedAt"},
	{"call session", "docs/call-initiated.json", set("/sessionId", "another-session"), "call-entity", "/data/on/entity/sessionid"},
	{"call status", "docs/call-initiated.json", set("/status", "ongoing"), "call-entity", "/data/on/entity/status"},
	{"call type", "docs/call-initiated.json", set("/type", "video"), "call-entity", "/data/on/entity/type"},
	{"rest call status", "rest/call.json", set("/data/action", "ended"), "call-entity", "/data/entities/on/entity/status"},
	{"call initiator", "docs/call-initiated.json", set("/callInitiator/uid", "superhero11"), "call-parties", "/callInitiator/uid"},
	{"call receiver", "docs/call-initiated.json", set("/callReceiver/uid", "superhero2"), "call-parties", "/callReceiver/uid"},
	{"action", "docs/action-joined.json", set("/action", "left"), "action-data", "/data/action"},
	{"actionBy", "docs/action-joined.json", set("/actionBy/uid", "superhero63"), "action-data", "/data/by/entity/uid"},
	{"actionFor", "docs/action-joined.json", set("/actionFor/guid", "other"), "action-data", "/data/for/entity/guid"},
	{"actionOn without data.on", "docs/action-kicked.json", del("/data/on"), "action-data", "/data/on"},
	{"kicked without a target", "rest/action.json", both(set("/data/action", "kicked"), del("/data/entities/on")), "action-target", "/data/entities/on"},
	{"joined with a target", "docs/action-kicked.json", both(set("/action", "joined"), set("/data/action", "joined"), set("/message", "SUPERHERO1 joined Avengers")), "action-target", "/data/on"},
	{"password group without password", "docs/group-password.json", del("/password"), "group-password", "/password"},
	{"public group with password", "docs/group-public.json", set("/password", "secret"), "group-password", "/password"},
	{"private rest group with password", "rest/group.json", both(set("/type", "private"), set("/password", "x")), "group-password", "/password"},
	{"action with a call type", "rest/action.json", set("/type", "audio"), "category-type", "/type"},
	{"call with a message type", "docs/call-initiated.json", set("/type", "text"), "category-type", "/type"},
	{"member action of type message", "rest/action.json", set("/type", "message"), "message-action", "/data/action"},
	{"edit of type groupMember", "rest/action-edited.json", set("/type", "groupMember"), "message-action", "/type"},
	{"edit without editedAt", "rest/action-edited.json", del("/data/entities/on/entity/editedAt"), "message-action", "/data/entities/on/entity/editedAt"},
	{"edited before it was sent", "rest/action-edited.json", set("/data/entities/on/entity/editedAt", 1638423000), "message-action", "/data/entities/on/entity/editedAt"},
	{"deleted message with its text", "rest/action-deleted.json", set("/data/entities/on/entity/data/text", "still here"), "message-action", "/data/entities/on/entity/data/text"},
	{"edit without the message", "rest/action-edited.json", del("/data/entities/on"), "action-target", "/data/entities/on"},
	{"group conversation id", "rest/conversation-group.json", set("/conversationId", "group_other"), "conversation-id", "/conversationId"},
	{"user conversation id", "rest/conversation-user.json", set("/conversationId", "cometchat-uid-3_user_cometchat-uid-9"), "conversation-id", "/conversationId"},
	{"user conversation id without _user_", "rest/conversation-user.json", set("/conversationId", "cometchat-uid-5"), "conversation-id", "/conversationId"},
	{"group conversation with a user", "rest/conversation-group.json", set("/conversationType", "user"), "conversation-with", "/conversationWith"},
	{"last message of another conversation", "rest/conversation-user.json", set("/lastMessage/conversationId", "group_x"), "conversation-with", "/lastMessage/conversationId"},
	{"sdk receiverId", "sdk/textMessage-sdk4.json", set("/receiverId", "someone"), "receiver-entity", "/data/entities/receiver/entity/uid"},
	{"sdk receiver object", "sdk/textMessage-sdk4.json", set("/receiver/uid", "someone"), "receiver-entity", "/receiver/uid"},
	{"sdk sender object", "sdk/textMessage-sdk4.json", set("/sender/uid", "someone"), "sender-entity", "/data/entities/sender/entity/uid"},
	{"sdk text", "sdk/textMessage-sdk4.json", set("/text", "other"), "text-data", "/data/text"},
	{"sdk caption", "sdk/mediaMessage-sdk4.json", set("/caption", "other"), "text-data", "/data/text"},
	{"sdk custom data", "sdk/customMessage-sdk4.json", set("/customData", map[string]any{"other": true}), "custom-data", "/data/customData"},
	{"sdk action", "sdk/action-sdk4.json", set("/action", "banned"), "action-data", "/data/action"},
	{"sdk actionOn", "sdk/action-sdk4.json", set("/actionOn/uid", "someone"), "action-data", "/data/entities/on/entity/uid"},
	{"sdk edited message id", "sdk/action-sdk4-edited.json", set("/actionOn/id", "99"), "action-data", "/data/entities/on/entity/id"},
	{"sdk edited message text", "sdk/action-sdk4-edited.json", set("/actionOn/text", "other"), "text-data", "/actionOn/data/text"},
	{"deleted message with its text", "rest/textMessage-deleted.json", set("/data/text", "still here"), "text-data", "/data/text"},
	{"sdk text without its copy", "sdk/textMessage-sdk4.json", del("/text"), "text-data", "/text"},
	{"sdk deleted message with a text", "sdk/textMessage-sdk4-deleted.json", set("/text", "still here"), "text-data", "/text"},
	{"sdk deletion whose actionOn kept its text", "sdk/action-sdk4-deleted.json", set("/actionOn/text", "still here"), "message-action", "/actionOn/text"},
	{"deletion without deletedAt", "rest/action-deleted.json", del("/data/entities/on/entity/deletedAt"), "message-action", "/data/entities/on/entity/deletedAt"},
	{"edit wrapped as a user", "rest/action-edited.json", set("/data/entities/on/entityType", "user"), "message-action", "/data/entities/on/entityType"},
	{"group conversation's last message to another group", "rest/conversation-group.json", set("/lastMessage/receiver", "other"), "conversation-with", "/lastMessage/receiver"},
	{"user conversation's last message between others", "rest/conversation-user.json", both(set("/lastMessage/receiver", "x"), set("/lastMessage/sender", "y"), set("/lastMessage/data/entities/receiver/entity/uid", "x"), set("/lastMessage/data/entities/sender/entity/uid", "y")), "conversation-with", "/lastMessage/receiver"},
	{"sdk call session", "sdk/call-sdk4.json", set("/sessionId", "other"), "call-entity", "/data/entities/on/entity/sessionid"},
	{"sdk call receiver", "sdk/call-sdk4.json", set("/callReceiver/uid", "someone"), "call-parties", "/callReceiver/uid"},
}

func TestRulesFire(t *testing.T) {
	// Each fixture is checked in its own profile: fixtures/docs is docs,
	// fixtures/rest rest, fixtures/sdk sdk. (A group or user looks the same in both, and
	// detection would pick the profile it fits better.)
	byProfile := map[string]*validate.Validator{
		"docs": newValidator(t, validate.Options{Profile: types.ProfileDocs}),
		"rest": newValidator(t, validate.Options{Profile: types.ProfileREST}),
		"sdk":  newValidator(t, validate.Options{Profile: types.ProfileSDK}),
	}
	covered := map[string]bool{}
	for _, c := range ruleCases {
		t.Run(c.name, func(t *testing.T) {
			v := byProfile[strings.Split(c.fixture, "/")[0]]
			doc := load(t, c.fixture)
			c.mutate(doc)
			raw, _ := json.Marshal(doc)
			vd := v.Check(raw)
			if len(vd.Violations) != 1 || vd.Violations[0].Rule != c.rule || vd.Violations[0].Pointer != c.pointer {
				t.Fatalf("want exactly one %s violation at %s, got %v", c.rule, c.pointer, vd.Violations)
			}
			if vd.Violations[0].Message == "" {
				t.Error("violation has no message")
			}
			covered[c.rule] = true
		})
	}
	for _, r := range validate.Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no case that makes it fire", r.ID)
		}
	}
}

// TestFixturesQuiet checks that every committed fixture conforms, also under
// --strict: the rules stay quiet on valid documents.
func TestFixturesQuiet(t *testing.T) {
	v := newValidator(t, validate.Options{Strict: true})
	var paths []string
	for _, pattern := range []string{"docs/*.json", "rest/*.json", "rest/*/*.json", "generated/sdk/*.json", "generated/rest/*.json", "generated/world/*.json", "generated/world/*/*.json"} {
		more, _ := filepath.Glob("../fixtures/" + pattern)
		paths = append(paths, more...)
	}
	if len(paths) < 30 {
		t.Fatalf("found only %d fixtures", len(paths))
	}
	for _, p := range paths {
		raw, _ := os.ReadFile(p)
		for _, vd := range v.Bytes(raw) {
			if !vd.OK() {
				t.Errorf("%s%s: %v", p, vd.Location, vd.Violations)
			}
		}
	}
}

func TestRulesDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	ids := []string{validate.RuleJSON, validate.RuleKind, validate.RuleRequired, validate.RuleType, validate.RuleEnum,
		validate.RuleFormat, validate.RuleValue, validate.RuleUnknownField, validate.RuleDuplicateKey, validate.RulePointer}
	for _, r := range validate.Rules() {
		ids = append(ids, r.ID)
		if !strings.Contains(doc, r.Description) {
			t.Errorf("docs/rules.md lacks the description of %s: %q", r.ID, r.Description)
		}
	}
	for _, id := range ids {
		if !strings.Contains(doc, "| `"+id+"` |") {
			t.Errorf("docs/rules.md has no row for rule %s", id)
		}
	}
}
