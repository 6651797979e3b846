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
