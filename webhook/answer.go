package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// AnswerKind is what a consumer's answer to a before_message delivery asks
// of CometChat.
type AnswerKind int

const (
	// AnswerNone is an empty body: the message goes on unchanged.
	AnswerNone AnswerKind = iota
	// AnswerDrop is {"action": "do_not_propagate"}: the message is dropped.
	AnswerDrop
	// AnswerInject is any other JSON object: CometChat puts it into the
	// message's metadata, at @injected.webhooks.<webhook>, and delivers
	// the message.
	AnswerInject
)

// DropAction is the action of an answer that drops the message.
const DropAction = "do_not_propagate"

// Answer is a consumer's answer to a before_message delivery, read.
type Answer struct {
	Kind AnswerKind
	// Keys are the top-level keys of an injected object, sorted.
	Keys []string
}

// ReadAnswer reads the body of a 2xx answer to a before_message delivery.
// An error says why CometChat would not take the body as the consumer
// meant it: it is not JSON, or not an object, or it has an action other
// than do_not_propagate (CometChat would inject it as metadata and deliver
// the message, most likely not what was meant).
func ReadAnswer(body []byte) (Answer, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return Answer{Kind: AnswerNone}, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return Answer{}, fmt.Errorf("not JSON (%v): answer a JSON object, {\"action\": %q}, or nothing", err, DropAction)
	}
	if dec.More() {
		return Answer{}, fmt.Errorf("more than one JSON value: answer one object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Answer{}, fmt.Errorf("a JSON %s, not an object: CometChat injects only an object into the message's metadata", jsonType(v))
	}
	if a, ok := obj["action"]; ok {
		if a == DropAction {
			return Answer{Kind: AnswerDrop}, nil
		}
		return Answer{}, fmt.Errorf("action %s is not %q: CometChat would deliver the message with the answer injected as metadata", quoteValue(a), DropAction)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return Answer{Kind: AnswerInject, Keys: keys}, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return "value"
}

func quoteValue(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		b = append(b[:60:60], "…"...)
	}
	return string(b)
}
