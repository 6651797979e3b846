package webhook_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/ccconform/ccconform/webhook"
)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, tr := range webhook.Triggers() {
		if seen[tr.Name] {
			t.Errorf("%s is registered twice", tr.Name)
		}
		seen[tr.Name] = true
		if got, ok := webhook.Lookup(tr.Name); !ok || got.Name != tr.Name {
			t.Errorf("Lookup(%s) = %v, %v", tr.Name, got, ok)
		}
		for _, p := range tr.Parts {
			if p.Pointer == "" || p.Pointer[0] != '/' {
				t.Errorf("%s: part pointer %q is no JSON Pointer", tr.Name, p.Pointer)
			}
		}
	}
	for name, model := range map[string]bool{"message_sent": true, "call_started": false, "after_campaign_sent": false,
		"in-app-notification-payload-generated": false} {
		tr, ok := webhook.Lookup(name)
		if !ok || tr.Model() != model {
			t.Errorf("Lookup(%s) = %+v, %v; want model %v", name, tr, ok, model)
		}
	}
	for _, name := range []string{"", "message", "after_campaign_", "MESSAGE_SENT"} {
		if _, ok := webhook.Lookup(name); ok {
			t.Errorf("Lookup(%q) found a trigger", name)
		}
	}
}

func ExampleLookup() {
	tr, _ := webhook.Lookup("group_member_kicked")
	for _, p := range tr.Parts {
		fmt.Println(p.Pointer, p.Kind)
	}
	// Output:
	// /data/group group
	// /data/members/* user
	// /data/by user
}

// Every trigger CometChat's QA suite names (testdata/triggers.json, from its
// trigger categories) is registered, in or outside the model as its data
// says.
func TestEveryTriggerOfTheQASuite(t *testing.T) {
	b, err := os.ReadFile("testdata/triggers.json")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Triggers []struct {
			Name, Trigger string
			Model         bool
		}
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Triggers) < 60 {
		t.Fatalf("%d triggers read", len(list.Triggers))
	}
	for _, q := range list.Triggers {
		tr, ok := webhook.Lookup(q.Trigger)
		if !ok {
			t.Errorf("%s (%s) is not registered", q.Trigger, q.Name)
			continue
		}
		// The legacy receipts reuse the modern names on the wire with
		// another layout; the registry knows the modern one.
		if q.Name == q.Trigger && tr.Model() != q.Model {
			t.Errorf("%s: model %v, the QA suite's data says %v", q.Trigger, tr.Model(), q.Model)
		}
	}
}
