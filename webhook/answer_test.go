package webhook_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/webhook"
)

func TestReadAnswer(t *testing.T) {
	for _, c := range []struct {
		body string
		want webhook.Answer
		err  string
	}{
		{"", webhook.Answer{Kind: webhook.AnswerNone}, ""},
		{" \n", webhook.Answer{Kind: webhook.AnswerNone}, ""},
		{`{"action":"do_not_propagate"}`, webhook.Answer{Kind: webhook.AnswerDrop}, ""},
		{`{"moderated":true,"score":0.2}`, webhook.Answer{Kind: webhook.AnswerInject, Keys: []string{"moderated", "score"}}, ""},
		{`{}`, webhook.Answer{Kind: webhook.AnswerInject, Keys: []string{}}, ""},
		{`{"action":"drop"}`, webhook.Answer{}, `action "drop" is not "do_not_propagate"`},
		{`{"action":"DO_NOT_PROPAGATE"}`, webhook.Answer{}, `action "DO_NOT_PROPAGATE" is not`},
		{`["do_not_propagate"]`, webhook.Answer{}, "a JSON array, not an object"},
		{`"ok"`, webhook.Answer{}, "a JSON string, not an object"},
		{`OK`, webhook.Answer{}, "not JSON"},
		{`{"a":1}{"b":2}`, webhook.Answer{}, "more than one JSON value"},
		{`{"a":`, webhook.Answer{}, "not JSON"},
	} {
		got, err := webhook.ReadAnswer([]byte(c.body))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.body, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %+v, %v; want %+v", c.body, got, err, c.want)
		}
	}
}
