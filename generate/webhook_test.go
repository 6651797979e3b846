package generate_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/webhook"
)

// Valid deliveries of every trigger of the model validate clean, as
// webhooks of their trigger, with and without --strict.
func TestWebhooksConform(t *testing.T) {
	lax, _ := validate.New(validate.Options{})
	strict, _ := validate.New(validate.Options{Strict: true})
	seen := map[string]int{}
	for _, p := range types.Profiles() {
		g, _ := generate.New(generate.Options{Seed: 3, Profile: p, Optional: generate.Optional(len(seen) % 3)})
		for i := 0; i < 1000; i++ {
			d, err := g.Webhook(generate.WebhookAll, i)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(d)
			trigger := d["trigger"].(string)
			seen[trigger]++
			vd := lax.Check(raw)
			if !vd.OK() || vd.Kind != types.KindWebhook || vd.Trigger != trigger {
				t.Fatalf("%s #%d (%s): kind %s: %v\n%s", trigger, i, p, vd.Kind, vd.Violations, raw)
			}
			// A scope change's scope and oldScope, an ownership transfer's
			// oldOwner are the delivery's own fields (spec-notes row 71):
			// strict passes them too.
			if vd := strict.Check(raw); !vd.OK() {
				t.Fatalf("%s #%d (%s), strict: %v\n%s", trigger, i, p, vd.Violations, raw)
			}
		}
	}
	for _, tr := range webhook.Triggers() {
		if tr.Model() && seen[tr.Name] == 0 {
			t.Errorf("no delivery of %s", tr.Name)
		}
	}
}

func TestWebhookDeterministicAndOutside(t *testing.T) {
	a, _ := generate.New(generate.Options{Seed: 9})
	b, _ := generate.New(generate.Options{Seed: 9, Profile: types.ProfileDocs})
	for i := 0; i < 50; i++ {
		x, _ := a.Webhook("group_member_kicked", i)
		y, _ := b.Webhook("group_member_kicked", i)
		bx, _ := json.Marshal(x)
		by, _ := json.Marshal(y)
		if !bytes.Equal(bx, by) {
			t.Fatalf("#%d differs", i)
		}
	}
	if _, err := a.Webhook("call_started", 0); err == nil || !strings.Contains(err.Error(), "no entity of the model") {
		t.Errorf("call_started: %v", err)
	}
	if _, err := a.Webhook("mesage_sent", 0); err == nil {
		t.Error("an unknown trigger made a delivery")
	}
	for i, want := range []string{"call_initiated", "call_busy", "call_cancelled"} {
		d, _ := a.Webhook(want, i)
		if got := d["data"].(map[string]any)["call"].(map[string]any)["data"].(map[string]any)["action"]; got != strings.TrimPrefix(want, "call_") {
			t.Errorf("%s: action %v", want, got)
		}
	}
}

// Every broken delivery yields exactly its labelled violation, and every
// rule of webhooks has broken deliveries.
func TestWebhookMutantsAreCaught(t *testing.T) {
	lax, _ := validate.New(validate.Options{})
	strict, _ := validate.New(validate.Options{Strict: true})
	g, _ := generate.New(generate.Options{Seed: 5})
	rules := map[string]int{}
	n := 3000
	for i := 0; i < n; i++ {
		m, err := g.WebhookMutant(generate.WebhookAll, i)
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != types.KindWebhook || m.Profile != types.ProfileREST {
			t.Fatalf("#%d labelled %s %s", i, m.Kind, m.Profile)
		}
		rules[m.Rule]++
		vd := lax.Check(m.JSON)
		if len(vd.Violations) != 1 || vd.Violations[0].Rule != m.Rule || vd.Violations[0].Pointer != m.Pointer {
			t.Fatalf("mutant #%d: %s: want only %s at %q, got %v\n%s", i, m.Fault, m.Rule, m.Pointer, vd.Violations, m.JSON)
		}
		found := false
		for _, v := range strict.Check(m.JSON).Violations {
			switch {
			case v.Rule == m.Rule && v.Pointer == m.Pointer:
				found = true
			default:
				t.Fatalf("mutant #%d, strict: %s: want only %s at %q, got %v\n%s", i, m.Fault, m.Rule, m.Pointer, v, m.JSON)
			}
		}
		if !found {
			t.Fatalf("mutant #%d, strict: %s at %q not reported", i, m.Rule, m.Pointer)
		}
	}
	t.Logf("%v", rules)
	for _, r := range []string{validate.RuleWebhookTrigger, validate.RuleWebhookEnvelope, validate.RuleWebhookKey, validate.RuleWebhookReceipt,
		validate.RuleWebhookCall, validate.RuleWebhookMembers, "timestamp-unit", "required", "enum"} {
		if rules[r] == 0 {
			t.Errorf("no mutant breaks %s", r)
		}
	}
}

func TestWriteWebhooks(t *testing.T) {
	g, _ := generate.New(generate.Options{Seed: 1})
	var out, man bytes.Buffer
	if err := g.WriteWebhooks("all", 40, true, generate.Output{Format: "ndjson", W: &out, Manifest: &man}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 40 {
		t.Errorf("%d lines", n)
	}
	if !strings.HasPrefix(man.String(), "line 1\twebhook\trest\t") {
		t.Errorf("manifest %q", man.String()[:40])
	}
	if err := g.WriteWebhooks("conversation_pinned", 1, false, generate.Output{Format: "ndjson", W: &out}); err == nil {
		t.Error("a trigger outside the model was written")
	}
}

// A connection event's user is as the change leaves them: available when
// connected, offline when disconnected (CometChat's example: offline,
// disconnected, user offline), never the other way round.
func TestWebhookConnectionStatusAgrees(t *testing.T) {
	g, _ := generate.New(generate.Options{Seed: 4})
	seen := map[string]int{}
	for i := 0; i < 200; i++ {
		d, err := g.Webhook("user_connection_status_changed", i)
		if err != nil {
			t.Fatal(err)
		}
		data := d["data"].(map[string]any)
		status := data["status"]
		action := data["currentConnection"].(map[string]any)["action"]
		user := data["user"].(map[string]any)["status"]
		want := map[any][2]string{"online": {"connected", "available"}, "offline": {"disconnected", "offline"}}[status]
		if action != want[0] || user != want[1] {
			t.Fatalf("#%d: status %v, action %v, user.status %v: want %s and %s", i, status, action, user, want[0], want[1])
		}
		seen[status.(string)]++
	}
	if seen["online"] == 0 || seen["offline"] == 0 {
		t.Errorf("statuses %v: want both", seen)
	}
}

// Receipts are addressed and shaped as CometChat's examples of both
// (fixtures/webhooks/message_*_receipt.json): a one-to-one receipt goes to
// the message's sender; the reader is data.sender and body.user, a user in
// the receipt layout (status online or offline, hasBlockedMe, blockedByMe,
// deactivatedAt 0); body.action says the trigger; the timestamp is in
// seconds and no user was active after it.
func TestWebhookReceiptsAsCometChatSends(t *testing.T) {
	g, _ := generate.New(generate.Options{Seed: 8})
	groups := 0
	for i := 0; i < 200; i++ {
		trigger := []string{"message_delivery_receipt", "message_read_receipt"}[i%2]
		d, err := g.Webhook(trigger, i)
		if err != nil {
			t.Fatal(err)
		}
		data := d["data"].(map[string]any)
		body := data["body"].(map[string]any)
		u := body["user"].(map[string]any)
		at := func(v any) int64 { x, _ := v.(json.Number).Int64(); return x }
		switch data["receiverType"] {
		case "user":
			if data["receiver"] != data["messageSender"] {
				t.Fatalf("#%d: a one-to-one receipt to %v, where the message's sender is %v", i, data["receiver"], data["messageSender"])
			}
		case "group":
			groups++
		default:
			t.Fatalf("#%d: receiverType %v", i, data["receiverType"])
		}
		if data["sender"] != u["uid"] || data["sender"] == data["messageSender"] || data["type"] != "receipts" {
			t.Fatalf("#%d: sender %v, body.user %v, messageSender %v, type %v", i, data["sender"], u["uid"], data["messageSender"], data["type"])
		}
		if want := map[string]string{"message_delivery_receipt": "delivered", "message_read_receipt": "read"}[trigger]; body["action"] != want {
			t.Fatalf("#%d: %s with action %v", i, trigger, body["action"])
		}
		if _, ok := body["messageId"].(string); !ok {
			t.Fatalf("#%d: messageId %v is not a string", i, body["messageId"])
		}
		if u["status"] != "online" && u["status"] != "offline" {
			t.Fatalf("#%d: reader status %v, where receipts say online or offline", i, u["status"])
		}
		if u["hasBlockedMe"] != false || u["blockedByMe"] != false || u["deactivatedAt"] != json.Number("0") {
			t.Fatalf("#%d: reader %v lacks the receipt layout's hasBlockedMe, blockedByMe, deactivatedAt", i, u)
		}
		if ts := at(body["timestamp"]); ts >= 100_000_000_000 || at(u["lastActiveAt"]) > ts {
			t.Fatalf("#%d: timestamp %d, reader last active at %v", i, ts, u["lastActiveAt"])
		}
	}
	if groups == 0 || groups == 200 {
		t.Errorf("%d group receipts of 200: want both kinds", groups)
	}
}

// Deliveries are wire JSON: WriteWebhooks refuses the sdk and docs
// profiles, saying what to do, and writes nothing; rest is taken.
func TestWriteWebhooksRefusesOtherProfiles(t *testing.T) {
	for _, p := range []types.Profile{types.ProfileSDK, types.ProfileDocs} {
		g, _ := generate.New(generate.Options{Seed: 1, Profile: p})
		var out bytes.Buffer
		err := g.WriteWebhooks("all", 3, false, generate.Output{Format: "ndjson", W: &out})
		if err == nil || !strings.Contains(err.Error(), "the "+string(p)+" profile does not apply to --webhook; drop --profile") {
			t.Errorf("%s: %v", p, err)
		}
		if out.Len() != 0 {
			t.Errorf("%s: wrote %d bytes", p, out.Len())
		}
	}
	g, _ := generate.New(generate.Options{Seed: 1, Profile: types.ProfileREST})
	var out bytes.Buffer
	if err := g.WriteWebhooks("all", 3, false, generate.Output{Format: "ndjson", W: &out}); err != nil || strings.Count(out.String(), "\n") != 3 {
		t.Errorf("rest: %v, %q", err, out.String())
	}
}
