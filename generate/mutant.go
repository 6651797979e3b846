package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ccconform/ccconform/types"
)

// Mutant is a document broken in exactly one way, labelled with the
// violation a validator must report for it.
type Mutant struct {
	Kind    types.Kind    `json:"kind"`
	Profile types.Profile `json:"profile"`
	// Fault says in one line what was broken.
	Fault string `json:"fault"`
	// Rule and Pointer are the violation's rule id and JSON Pointer.
	Rule    string `json:"rule"`
	Pointer string `json:"pointer"`
	// Strict says the violation shows only when undocumented fields are
	// violations (ccconform validate --strict).
	Strict bool `json:"strict,omitempty"`
	// JSON is the broken document.
	JSON []byte `json:"-"`
}

// Faults lists the kinds of fault a mutant may carry.
var Faults = []string{"missing-required", "wrong-type", "enum", "enum-case", "milliseconds",
	"cross-field", "unknown-field", "duplicate-key", "truncated"}

// Mutant returns the i-th mutant of kind k: the i-th document of that kind,
// broken in one way chosen by the seed.
func (g *Generator) Mutant(k types.Kind, i int) Mutant {
	m, _ := g.Break(g.Document(k, i), i)
	return m
}

// Break returns doc, a document of the generator's profile, broken in one
// way chosen by the seed and i, of the faults named (all of Faults when
// none are). It reports false when none of them fits the document.
func (g *Generator) Break(doc types.Document, i int, faults ...string) (Mutant, bool) {
	k := doc.Kind()
	if len(faults) == 0 {
		faults = Faults
	}
	raw, _ := g.encode(doc)
	s := g.src("mutant/"+string(k), i)
	mu := &mutator{s: s, kind: k, profile: g.opts.Profile, typ: reflect.TypeOf(doc).Elem()}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&mu.m)
	// Try the faults from a seeded starting point: not every fault fits
	// every document (a user has no cross-field fact to break in the sdk
	// profile), so go on to the next until one applies.
	start := s.f.IntN(len(faults))
	for n := 0; n < len(faults); n++ {
		if m, ok := mu.apply(faults[(start+n)%len(faults)], raw); ok {
			m.Kind, m.Profile = k, g.opts.Profile
			return m, true
		}
	}
	return Mutant{}, false
}

type mutator struct {
	s       *src
	kind    types.Kind
	profile types.Profile
	typ     reflect.Type
	m       map[string]any
}

// detecting are the fields that tell a document's kind: breaking them
// makes a kind fault, not the labelled one.
var detecting = map[string]bool{"category": true, "type": true, "uid": true, "guid": true, "sender": true, "scope": true, "joinedAt": true}

// polytyped fields accept more than one JSON type, so a wrong type is an
// enum fault there.
var polytyped = map[string]bool{"isBanned": true, "threadSubscribed": true, "unreadMessageCount": true}

func (mu *mutator) encode(fault, rule, ptr string) (Mutant, bool) {
	b, err := json.Marshal(mu.m)
	if err != nil {
		return Mutant{}, false
	}
	return Mutant{Fault: fault, Rule: rule, Pointer: ptr, JSON: b}, true
}

// keys returns the top-level keys of the document that satisfy ok, sorted.
func (mu *mutator) keys(ok func(k string, v any) bool) []string {
	var out []string
	for k, v := range mu.m {
		if ok(k, v) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (mu *mutator) apply(fault string, raw []byte) (Mutant, bool) {
	s := mu.s
	switch fault {
	case "missing-required":
		req := requiredFields(mu.typ)
		ks := mu.keys(func(k string, _ any) bool { return req[k] && !detecting[k] })
		if len(ks) == 0 {
			return Mutant{}, false
		}
		k := pick(s, ks...)
		delete(mu.m, k)
		return mu.encode(fmt.Sprintf("removed the required field %q", k), "required", "/"+k)

	case "wrong-type":
		ks := mu.keys(func(k string, v any) bool {
			_, isObj := v.(map[string]any)
			return !detecting[k] && !polytyped[k] && v != nil && (k != "data" || isObj)
		})
		if len(ks) == 0 {
			return Mutant{}, false
		}
		k := pick(s, ks...)
		var nv any
		switch mu.m[k].(type) {
		case string:
			nv = json.Number("42")
		case json.Number:
			nv = mu.m[k].(json.Number).String()
		case bool:
			nv = "true"
		case map[string]any:
			nv = []any{}
		case []any:
			nv = "[]"
		}
		mu.m[k] = nv
		return mu.encode(fmt.Sprintf("gave %q the wrong JSON type", k), "type", "/"+k)

	case "enum", "enum-case":
		type target struct {
			path       []string
			wrong, cas string
		}
		var ts []target
		add := func(wrong, cas string, path ...string) {
			if v, ok := get(mu.m, path...).(string); ok && v != "" {
				ts = append(ts, target{path, wrong, strings.ToUpper(v)})
			}
		}
		add("channel", "", "receiverType")
		switch mu.kind {
		case types.KindConversation:
			add("channel", "", "conversationType")
		case types.KindUser, types.KindGroupMember:
			add("away", "", "status")
		case types.KindGroup:
			add("secret", "", "type")
		case types.KindCall:
			if mu.profile == types.ProfileDocs {
				add("hung-up", "", "status")
			} else {
				add("hung-up", "", "data", "action")
			}
		case types.KindAction:
			if mu.profile == types.ProfileDocs {
				add("promoted", "", "action")
			} else {
				add("promoted", "", "data", "action")
			}
		}
		if mu.kind.IsMessage() && mu.profile == types.ProfileDocs {
			add("away", "", "sender", "status")
		}
		if len(ts) == 0 {
			return Mutant{}, false
		}
		t := pick(s, ts...)
		v := t.wrong
		what := "a value the model does not list"
		if fault == "enum-case" {
			v, what = t.cas, "a value in the wrong case"
		}
		set(mu.m, v, t.path...)
		return mu.encode(fmt.Sprintf("set %s to %s (%q)", strings.Join(t.path, "."), what, v), "enum", pointer(t.path...))

	case "milliseconds":
		var paths [][]string
		for _, k := range []string{"sentAt", "createdAt", "lastActiveAt", "initiatedAt", "deliveredAt", "readAt", "updatedAt"} {
			if _, ok := mu.m[k].(json.Number); ok && !(k == "joinedAt") {
				paths = append(paths, []string{k})
			}
		}
		if mu.kind == types.KindConversation {
			if _, ok := get(mu.m, "lastMessage", "sentAt").(json.Number); ok {
				paths = append(paths, []string{"lastMessage", "sentAt"})
			}
			if _, ok := mu.m["pinnedAt"].(json.Number); ok {
				paths = append(paths, []string{"pinnedAt"})
			}
		}
		if len(paths) == 0 {
			return Mutant{}, false
		}
		p := pick(s, paths...)
		n, _ := get(mu.m, p...).(json.Number).Int64()
		set(mu.m, json.Number(strconv.FormatInt(n*1000+int64(s.f.IntN(1000)), 10)), p...)
		return mu.encode(fmt.Sprintf("wrote %s in milliseconds", strings.Join(p, ".")), "timestamp-unit", pointer(p...))

	case "cross-field":
		return mu.crossField()

	case "unknown-field":
		name := pick(s, "nickname", "x_trace_id", "reactions", "isPinned")
		mu.m[name] = pick[any](s, "value", json.Number("7"), true)
		m, ok := mu.encode(fmt.Sprintf("added the undocumented field %q", name), "unknown-field", "/"+name)
		m.Strict = true
		return m, ok

	case "duplicate-key":
		ks := mu.keys(func(k string, _ any) bool { return true })
		k := pick(s, ks...)
		v, _ := json.Marshal(mu.m[k])
		kq, _ := json.Marshal(k)
		// Repeat the key, with its own value, before the original one: a
		// parser keeps one of the two, which is the fault.
		b := append([]byte("{"), kq...)
		b = append(append(append(b, ':'), v...), ',')
		b = append(b, raw[1:]...)
		return Mutant{Fault: fmt.Sprintf("repeated the key %q", k), Rule: "duplicate-key", Pointer: "/" + k, JSON: b}, true

	case "truncated":
		cut := 1 + s.f.IntN(len(raw)-2)
		for cut > 1 && !utf8.RuneStart(raw[cut]) {
			cut-- // cut between characters, so that the text stays UTF-8
		}
		return Mutant{Fault: fmt.Sprintf("cut the document after %d of its %d bytes", cut, len(raw)), Rule: "json",
			JSON: append([]byte(nil), raw[:cut]...)}, true
	}
	return Mutant{}, false
}

// crossField breaks one fact that only a cross-field rule checks, changing
// the side that no other rule compares.
func (mu *mutator) crossField() (Mutant, bool) {
	s := mu.s
	var bs []breaker
	has := func(path ...string) bool { return get(mu.m, path...) != nil }
	docs, sdk := mu.profile == types.ProfileDocs, mu.profile == types.ProfileSDK
	ents := []string{"data", "entities"}
	by, to := "sender", "receiver"
	if mu.kind == types.KindAction || mu.kind == types.KindCall {
		by, to = "by", "for"
		if docs {
			ents = []string{"data"}
		}
	}
	if mu.kind.IsMessage() {
		p := append(append([]string{}, ents...), by, "entity", "uid")
		if has(p...) {
			bs = append(bs, breaker{"sender-entity", p, func() { set(mu.m, "someone-else", p...) }})
		}
		id := "uid"
		if get(mu.m, "receiverType") == string(types.ReceiverGroup) {
			id = "guid"
		}
		// In the sdk profile this is receiverId disagreeing with the
		// receiver entity.
		q := append(append([]string{}, ents...), to, "entity", id)
		if has(q...) {
			bs = append(bs, breaker{"receiver-entity", q, func() { set(mu.m, "not-the-receiver", q...) }})
		}
		// Receipts out of order.
		sent, _ := get(mu.m, "sentAt").(json.Number).Int64()
		early := json.Number(strconv.FormatInt(sent-60, 10))
		if has("deliveredAt") {
			bs = append(bs, breaker{"timestamp-order", []string{"deliveredAt"}, func() { mu.m["deliveredAt"] = early }})
		} else {
			bs = append(bs, breaker{"timestamp-order", []string{"readAt"}, func() { mu.m["readAt"] = early }})
		}
	}
	switch {
	case mu.kind == types.KindTextMessage && (docs || sdk && has("text")):
		bs = append(bs, breaker{"text-data", []string{"data", "text"}, func() { set(mu.m, s.text()+" (edited)", "data", "text") }})
	case mu.kind == types.KindMediaMessage && sdk && has("caption"):
		bs = append(bs, breaker{"text-data", []string{"data", "text"}, func() { set(mu.m, s.f.Sentence()+" (edited)", "data", "text") }})
	case mu.kind == types.KindMediaMessage && docs:
		bs = append(bs, breaker{"media-url", []string{"data", "url"}, func() {
			set(mu.m, "https://data.chat.example.com/other/media/0_0_other.bin", "data", "url")
		}})
	case mu.kind == types.KindCustomMessage && (docs || sdk):
		bs = append(bs, breaker{"custom-data", []string{"data", "customData"}, func() {
			set(mu.m, map[string]any{"changed": true}, "data", "customData")
		}})
	case mu.kind == types.KindCall && (docs || sdk):
		sid := append(append([]string{}, ents...), "on", "entity", "sessionid")
		bs = append(bs, breaker{"call-entity", sid, func() { set(mu.m, "another-session", sid...) }},
			breaker{"call-parties", []string{"callInitiator", "uid"}, func() { set(mu.m, "not-the-caller", "callInitiator", "uid") }})
	case mu.kind == types.KindCall:
		st, _ := get(mu.m, "data", "action").(string)
		other := string(types.CallEnded)
		if st == other {
			other = string(types.CallOngoing)
		}
		bs = append(bs, breaker{"call-entity", []string{"data", "entities", "on", "entity", "status"}, func() {
			set(mu.m, other, "data", "entities", "on", "entity", "status")
		}})
	case mu.kind == types.KindAction:
		on := append(append([]string{}, ents...), "on")
		if has(on...) {
			bs = append(bs, breaker{"action-target", on, func() {
				del(mu.m, on...)
				delete(mu.m, "actionOn")
			}})
		}
		if has("actionBy", "uid") {
			p := append(append([]string{}, ents...), "by", "entity", "uid")
			bs = append(bs, breaker{"action-data", p, func() { set(mu.m, "someone-else", "actionBy", "uid") }})
		}
		bs = append(bs, mu.messageAction(on)...)
	case mu.kind == types.KindConversation:
		bs = append(bs, mu.conversation()...)
	case mu.kind == types.KindGroup:
		if t := get(mu.m, "type"); t == string(types.GroupPublic) || t == string(types.GroupPrivate) {
			bs = append(bs, breaker{"group-password", []string{"password"}, func() { mu.m["password"] = "hunter2" }})
		}
		// A password group without its password breaks the rule in the
		// docs profile only, and such a group is a valid rest or sdk
		// group to a validator that detects the profile: no mutant.
		created, _ := get(mu.m, "createdAt").(json.Number).Int64()
		bs = append(bs, breaker{"timestamp-order", []string{"updatedAt"}, func() {
			mu.m["updatedAt"] = json.Number(strconv.FormatInt(created-60, 10))
		}})
	case mu.kind == types.KindUser || mu.kind == types.KindGroupMember:
		if c, ok := get(mu.m, "createdAt").(json.Number); ok {
			created, _ := c.Int64()
			bs = append(bs, breaker{"timestamp-order", []string{"updatedAt"}, func() {
				mu.m["updatedAt"] = json.Number(strconv.FormatInt(created-60, 10))
			}})
		}
	}
	if len(bs) == 0 {
		return Mutant{}, false
	}
	b := pick(s, bs...)
	b.do()
	return mu.encode("broke the "+b.rule+" rule at "+strings.Join(b.path, "."), b.rule, pointer(b.path...))
}

// breaker breaks one fact that a cross-field rule checks: rule is the
// rule, path where it reports the fault.
type breaker struct {
	rule string
	path []string
	do   func()
}

// messageAction breaks the message-action rule of an action whose on
// entity sits at on: a member action said to be about a message, an edit
// or deletion said to be about a member, an edited message without
// editedAt, a deleted one that kept its text.
func (mu *mutator) messageAction(on []string) []breaker {
	typ, _ := get(mu.m, "type").(string)
	action, _ := get(mu.m, "data", "action").(string)
	ent := append(append([]string{}, on...), "entity")
	switch {
	case typ == string(types.ActionGroupMember):
		return []breaker{{"message-action", []string{"data", "action"}, func() { mu.m["type"] = string(types.ActionMessage) }}}
	case typ != string(types.ActionMessage) || get(mu.m, ent...) == nil:
		return nil
	}
	bs := []breaker{{"message-action", []string{"type"}, func() { mu.m["type"] = string(types.ActionGroupMember) }}}
	switch types.MemberAction(action) {
	case types.ActionEdited:
		p := append(append([]string{}, ent...), "editedAt")
		bs = append(bs, breaker{"message-action", p, func() { del(mu.m, p...) }})
	case types.ActionDeleted:
		p := append(append([]string{}, ent...), "data", "text")
		bs = append(bs, breaker{"message-action", p, func() { set(mu.m, "this message was deleted", p...) }})
	}
	return bs
}

// conversation breaks the conversation-id and conversation-with rules: an
// id that names other parties, a conversationType that is not
// conversationWith's, a last message of another conversation.
func (mu *mutator) conversation() []breaker {
	id, _ := get(mu.m, "conversationId").(string)
	ct, _ := get(mu.m, "conversationType").(string)
	wrong := "group_" + "not-this-group"
	other := string(types.ReceiverUser)
	if ct == string(types.ReceiverUser) {
		wrong, other = "someone_user_someone-else", string(types.ReceiverGroup)
	}
	bs := []breaker{
		{"conversation-id", []string{"conversationId"}, func() {
			mu.m["conversationId"] = wrong
			if get(mu.m, "lastMessage", "conversationId") != nil {
				set(mu.m, wrong, "lastMessage", "conversationId")
			}
		}},
		{"conversation-with", []string{"conversationWith"}, func() { mu.m["conversationType"] = other }},
	}
	if get(mu.m, "lastMessage", "conversationId") != nil {
		bs = append(bs, breaker{"conversation-with", []string{"lastMessage", "conversationId"}, func() {
			set(mu.m, id+"-other", "lastMessage", "conversationId")
		}})
	}
	return bs
}

// requiredFields returns the top-level JSON names of struct type t that
// are required: those without omitempty or omitzero, embedded structs
// flattened.
func requiredFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			for k := range requiredFields(f.Type) {
				out[k] = true
			}
			continue
		}
		if name == "" || name == "-" || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			continue
		}
		out[name] = true
	}
	return out
}

func get(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

func set(m map[string]any, v any, path ...string) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func del(m map[string]any, path ...string) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
}

func pointer(path ...string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}
