package validate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func TestEndpointSaysTheKind(t *testing.T) {
	user := `{"uid":"ada","name":"Ada","status":"online"}`
	group := `{"guid":"kite","name":"Kite","type":"public","createdAt":1700000000}`
	cases := []struct {
		name, source, body string
		opts               validate.Options
		kind               types.Kind
		rules              []string // the verdict's rules, in order
	}{
		{"a user in a group list", "https://app.example/v3/groups", `{"data":[` + group + `,` + user + `]}`, validate.Options{}, types.KindUser, []string{validate.RuleEndpointKind}},
		{"a user where a user is", "https://app.example/v3.0/users/ada", user, validate.Options{}, types.KindUser, nil},
		{"a user in a proxied group list", "GET /v3/groups?perPage=10", `{"data":[` + user + `]}`, validate.Options{}, types.KindUser, []string{validate.RuleEndpointKind}},
		{"a file named like a request", "get /v3/groups", user, validate.Options{}, types.KindUser, nil},
		{"what a POST answers", "POST /v3/groups/kite/members", `{"data":{"kite":{"success":true}}}`, validate.Options{}, "", []string{validate.RuleKind}},
		{"a banned user", "https://app.example/v3/groups/kite/bannedusers", `{"data":[` + user + `]}`, validate.Options{}, types.KindUser, nil},
		{"a reaction in a user list", "https://app.example/v3/users", `{"data":[{"id":"7","messageId":"5","reaction":"x","uid":"ada"}]}`, validate.Options{}, "", []string{validate.RuleKind}},
		{"an untellable conversation is checked as one", "http://127.0.0.1:1/v3/conversations", `{"data":[{"unreadMessageCount":1}]}`, validate.Options{}, types.KindConversation, []string{"required", "required", "required"}},
		{"an untellable message", "http://127.0.0.1:1/v3/messages", `{"data":[{"text":"hi"}]}`, validate.Options{}, "", []string{validate.RuleKind}},
		{"a path of no known endpoint", "https://app.example/v3/roles", user, validate.Options{}, types.KindUser, nil},
		{"a file is no endpoint", "v3/groups", user, validate.Options{}, types.KindUser, nil},
		{"--kind has the last word", "https://app.example/v3/groups", user, validate.Options{Kind: types.KindUser}, types.KindUser, nil},
		{"a disabled rule is not reported", "https://app.example/v3/groups", user, validate.Options{Disable: []string{validate.RuleEndpointKind}}, types.KindUser, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := validate.New(c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var last validate.Verdict
			err = v.Stream(context.Background(), validate.Input{Name: c.source, R: strings.NewReader(c.body)}, func(vd validate.Verdict) error {
				last = vd
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, x := range last.Violations {
				rules = append(rules, x.Rule)
			}
			if last.Kind != c.kind || strings.Join(rules, ",") != strings.Join(c.rules, ",") {
				t.Fatalf("got kind %q, rules %v (%v); want kind %q, rules %v", last.Kind, rules, last.Violations, c.kind, c.rules)
			}
			for _, x := range last.Violations {
				if x.Rule == validate.RuleEndpointKind && !strings.Contains(x.Message, "is a user, but this endpoint returns groups") {
					t.Errorf("message %q does not say what the endpoint returns", x.Message)
				}
				if x.Rule == validate.RuleKind && c.source == "http://127.0.0.1:1/v3/messages" && !strings.Contains(x.Message, "returns messages") {
					t.Errorf("message %q does not say what the endpoint returns", x.Message)
				}
			}
		})
	}
}

func TestVerdictHasRule(t *testing.T) {
	vd := validate.Verdict{Violations: []validate.Violation{{Rule: validate.RuleEnum}, {Rule: validate.RuleKind}}}
	if !vd.HasRule(validate.RuleKind) || vd.HasRule(validate.RuleJSON) || (validate.Verdict{}).HasRule(validate.RuleKind) {
		t.Error("HasRule does not say which rules a verdict has")
	}
}
