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

// fixture reads a committed fixture as a generic value.
func fixture(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// delivery wraps data in a modern webhook envelope.
func delivery(trigger string, data map[string]any) map[string]any {
	return map[string]any{"trigger": trigger, "data": data, "appId": "app-1", "region": "us", "webhook": "wh-1"}
}

func webhookDocs(t *testing.T) map[string]map[string]any {
	user := func(uid string) map[string]any {
		return map[string]any{"uid": uid, "name": strings.ToUpper(uid), "status": "available", "role": "default", "lastActiveAt": 1700000000}
	}
	group := fixture(t, "rest/group.json")
	call := fixture(t, "rest/call.json").(map[string]any)
	return map[string]map[string]any{
		"message_sent":         delivery("message_sent", map[string]any{"message": fixture(t, "rest/textMessage.json")}),
		"message_edited live":  delivery("message_edited", map[string]any{"message": fixture(t, "rest/textMessage.json")}),
		"message_deleted docs": delivery("message_deleted", map[string]any{"message": fixture(t, "rest/action-deleted.json")}),
		"group_member_kicked":  delivery("group_member_kicked", map[string]any{"group": group, "members": map[string]any{"bob": user("bob")}, "by": user("ann")}),
		"user_blocked":         delivery("user_blocked", map[string]any{"users": map[string]any{"bob": user("bob")}, "by": user("ann")}),
		"message_read_receipt": delivery("message_read_receipt", map[string]any{"receiver": "ann", "receiverType": "user", "type": "receipts", "sender": "bob", "messageSender": "ann", "body": map[string]any{"action": "read", "messageId": "7", "user": user("bob"), "timestamp": 1700000000}}),
		"call_initiated":       delivery("call_initiated", map[string]any{"call": call}),
		"group_member_scope_changed": delivery("group_member_scope_changed", map[string]any{"group": group, "by": user("ann"),
			"members": map[string]any{"bob": map[string]any{"uid": "bob", "name": "BOB", "status": "offline", "scope": "moderator", "oldScope": "participant"}}}),
		"call_started (outside)": {"trigger": "call_started", "type": "call", "data": map[string]any{"sessionId": "s1", "all_occupants": "1"}},
		"before_message (legacy)": {"trigger": "before_message", "appId": "app-1", "webhook": "wh-1", "data": func() any {
			m := fixture(t, "rest/textMessage.json").(map[string]any)
			delete(m, "id")
			return m
		}()},
	}
}

// Webhook deliveries are read whole: envelope, each entity at its pointer,
// the trigger's rules. CometChat's forms of an event are told apart.
func TestWebhookDeliveries(t *testing.T) {
	v := newValidator(t, validate.Options{Strict: false})
	for name, doc := range webhookDocs(t) {
		b, _ := json.Marshal(doc)
		vd := v.Check(b)
		if !vd.OK() || vd.Kind != types.KindWebhook || vd.Trigger != doc["trigger"] {
			t.Errorf("%s: kind %q trigger %q %v, want a valid webhook", name, vd.Kind, vd.Trigger, vd.Violations)
		}
		switch name {
		case "message_edited live":
			if !strings.Contains(vd.Note, "the form CometChat delivers") {
				t.Errorf("%s: note %q", name, vd.Note)
			}
		case "message_deleted docs":
			if !strings.Contains(vd.Note, "the documentation's form") {
				t.Errorf("%s: note %q", name, vd.Note)
			}
		case "call_started (outside)":
			if !strings.Contains(vd.Note, "outside the documented model") {
				t.Errorf("%s: note %q", name, vd.Note)
			}
		}
	}
	// Valid deliveries are decided on the fast path, a message not yet
	// sent (before_message, no id) included.
	if ps := v.PathStats(); ps.ReferenceValid != 0 || ps.Fast == 0 {
		t.Errorf("path stats %+v: valid deliveries went to the reference path", ps)
	}
}

func TestWebhookFaults(t *testing.T) {
	v := newValidator(t, validate.Options{})
	set := func(m map[string]any, path string, val any) {
		parts := strings.Split(path, "/")
		for _, p := range parts[:len(parts)-1] {
			m = m[p].(map[string]any)
		}
		if val == nil {
			delete(m, parts[len(parts)-1])
		} else {
			m[parts[len(parts)-1]] = val
		}
	}
	for _, c := range []struct {
		doc, path string
		val       any
		rule, ptr string
	}{
		{"message_sent", "trigger", "mesage_sent", validate.RuleWebhookTrigger, "/trigger"},
		{"message_sent", "data", "x", validate.RuleWebhookEnvelope, "/data"},
		{"message_sent", "appId", 7, validate.RuleWebhookEnvelope, "/appId"},
		{"message_sent", "data/message/receiver", "someone", "receiver-entity", "/data/message/data/entities/receiver/entity/uid"},
		{"message_sent", "data/message/sentAt", 1700000000000, "timestamp-unit", "/data/message/sentAt"},
		{"group_member_kicked", "data/members/bob/uid", "carl", validate.RuleWebhookKey, "/data/members/bob/uid"},
		{"group_member_kicked", "data/members/ann", map[string]any{"uid": "ann", "name": "ANN", "status": "offline"}, validate.RuleWebhookMembers, "/data/members/ann"},
		{"group_member_kicked", "data/by/status", "away", "enum", "/data/by/status"},
		{"group_member_kicked", "data/group/guid", nil, "required", "/data/group/guid"},
		{"user_blocked", "data/users/bob/uid", "carl", validate.RuleWebhookKey, "/data/users/bob/uid"},
		{"message_read_receipt", "data/sender", "carl", validate.RuleWebhookReceipt, "/data/sender"},
		{"call_initiated", "trigger", "call_busy", validate.RuleWebhookCall, "/data/call/data/action"},
		{"group_member_scope_changed", "data/members/bob/oldScope", "moderator", validate.RuleWebhookMembers, "/data/members/bob/scope"},
		{"before_message (legacy)", "data/sender", nil, "required", "/data/sender"},
	} {
		doc := webhookDocs(t)[c.doc]
		set(doc, c.path, c.val)
		b, _ := json.Marshal(doc)
		vd := v.Check(b)
		if len(vd.Violations) != 1 || vd.Violations[0].Rule != c.rule || vd.Violations[0].Pointer != c.ptr {
			t.Errorf("%s with %s = %v: %v, want one %s at %s", c.doc, c.path, c.val, vd.Violations, c.rule, c.ptr)
		}
	}
}

// A delivery is never taken for a REST envelope, in any layout, and the
// documents around it are checked as before.
func TestWebhookInStreams(t *testing.T) {
	doc, _ := json.Marshal(webhookDocs(t)["message_sent"])
	user := `{"uid":"a","name":"A","status":"online"}`
	v := newValidator(t, validate.Options{})
	for name, in := range map[string]string{
		"ndjson": user + "\n" + string(doc) + "\n" + user + "\n",
		"array":  "[" + user + "," + string(doc) + "]",
		"alone":  string(doc),
	} {
		vds := v.Bytes([]byte(in))
		webhooks := 0
		for _, vd := range vds {
			if !vd.OK() {
				t.Errorf("%s: %v", name, vd.Violations)
			}
			if vd.Kind == types.KindWebhook {
				webhooks++
			}
		}
		if webhooks != 1 {
			t.Errorf("%s: %d webhook verdicts of %d, want 1", name, webhooks, len(vds))
		}
	}
}

// CometChat's published example of every trigger that has one
// (fixtures/webhooks, whose README names each source) validates with no
// violation, under --strict too, except where the example contradicts what
// CometChat delivers, each such case a row of docs/spec-notes.md. (The
// -live files are deliveries as CometChat's QA suite records them, built
// around the fields it checks; the README says which.)
func TestPublishedWebhookExamples(t *testing.T) {
	contradicts := map[string]string{ // file: what the documentation's example lacks (spec-notes row)
		"call_busy-docs.json":         "data.entities (row 73)",
		"call_cancelled-docs.json":    "data.entities (row 73)",
		"call_rejected-docs.json":     "data.entities (row 73)",
		"call_unanswered-docs.json":   "data.entities (row 73)",
		"call_initiated-ringing.json": "data.entities.for (row 74)",
	}
	paths, _ := filepath.Glob("../fixtures/webhooks/*.json")
	if len(paths) < 60 {
		t.Fatalf("%d webhook fixtures", len(paths))
	}
	lax := newValidator(t, validate.Options{})
	strict := newValidator(t, validate.Options{Strict: true})
	for _, path := range paths {
		raw, _ := os.ReadFile(path)
		name := filepath.Base(path)
		vd := lax.Check(raw)
		if vd.Kind != types.KindWebhook || vd.Trigger == "" {
			t.Errorf("%s: kind %q trigger %q, want a webhook", name, vd.Kind, vd.Trigger)
			continue
		}
		if why, ok := contradicts[name]; ok {
			if vd.OK() || !strings.Contains(vd.Violations[0].Pointer, "/data/call/data/entities") {
				t.Errorf("%s: %v; the documentation's example lacks %s", name, vd.Violations, why)
			}
			continue
		}
		if !vd.OK() {
			t.Errorf("%s: %v", name, vd.Violations)
		}
		if vd := strict.Check(raw); !vd.OK() {
			t.Errorf("%s, strict: %v", name, vd.Violations)
		}
	}
}

// Hostile deliveries get verdicts, never a panic: members that are no
// objects, members without scopes, keys with JSON escapes, a trigger that is
// no string.
func TestHostileDeliveries(t *testing.T) {
	v := newValidator(t, validate.Options{})
	for doc, want := range map[string][]string{
		`{"trigger":"group_member_scope_changed","data":{"members":{"u1":5}}}`:                                          {"type"},
		`{"trigger":"group_member_scope_changed","data":{"members":{"u1":{"uid":"u1","name":"U","status":"offline"}}}}`: nil,
		`{"trigger":"user_blocked","data":{"users":{"a\/b":{"uid":"a/b","name":"A","status":"offline"}}}}`:              nil,
		`{"trigger":"user_blocked","data":{"users":{"\ud83d\ude00":{"uid":"😀","name":"A","status":"offline"}}}}`:        nil,
		`{"trigger":5,"data":{}}`: {validate.RuleWebhookEnvelope},
	} {
		vd := v.Check([]byte(doc))
		var rules []string
		for _, x := range vd.Violations {
			rules = append(rules, x.Rule)
		}
		if strings.Join(rules, ",") != strings.Join(want, ",") || vd.Kind != types.KindWebhook {
			t.Errorf("%s: %s %v, want webhook with %v", doc, vd.Kind, vd.Violations, want)
		}
	}
}
