package validate

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ccconform/ccconform/internal/suggest"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
)

// Rule ids of webhook deliveries; see docs/rules.md.
const (
	RuleWebhookTrigger  = "webhook-trigger"  // the trigger is not one CometChat names
	RuleWebhookEnvelope = "webhook-envelope" // the envelope's keys have the wrong type
	RuleWebhookKey      = "webhook-key"      // a map's key is not its entity's uid
	RuleWebhookReceipt  = "webhook-receipt"  // a receipt's parties disagree
	RuleWebhookCall     = "webhook-call"     // a call event's action is not its trigger's
	RuleWebhookMembers  = "webhook-members"  // a member event's members disagree with it
)

// isWebhook reports whether the object on t is a webhook delivery: it has a
// trigger and a data (a trigger that is no string is the envelope's fault).
func isWebhook(t *tape) bool {
	return t.toks[0].kind == tObject && t.member(0, "trigger") >= 0 && t.member(0, "data") >= 0
}

// forcedWebhook checks data, trimmed, as a webhook delivery, as
// Options.Kind webhook asks; t holds it, or is nil when the tape could not
// read it.
func (v *Validator) forcedWebhook(data []byte, t *tape) Verdict {
	if t != nil {
		return v.checkWebhook(t)
	}
	vd := v.reference(data, hint{})
	v.paths.reference.Add(1)
	if !vd.HasRule(RuleJSON) {
		vd = Verdict{Location: Location{Index: -1}, Kind: types.KindWebhook, Violations: []Violation{{Rule: RuleWebhookEnvelope,
			Message: "could not be read as a webhook delivery"}}}
	}
	return vd
}

// checkWebhook checks a webhook delivery held by t: its envelope, each
// entity of the model at its pointer, and the rules of its trigger. Read as
// Options.Kind webhook asks, t may hold anything: what makes it no delivery
// is a webhook-envelope violation.
func (v *Validator) checkWebhook(t *tape) Verdict {
	vd := Verdict{Location: Location{Index: -1}, Kind: types.KindWebhook, Profile: types.ProfileREST}
	fail := func(x Violation) Verdict {
		vd.Violations = append(vd.Violations, x)
		v.paths.reference.Add(1)
		return vd
	}
	if t.toks[0].kind != tObject {
		return fail(Violation{Rule: RuleWebhookEnvelope, Expected: "object", Actual: tapeType(t, 0),
			Message: fmt.Sprintf("the document is %s; a webhook delivery is an object with trigger and data", article(tapeType(t, 0)))})
	}
	want := v.opts.Trigger
	tk, data := t.member(0, "trigger"), t.member(0, "data")
	var name string
	switch {
	case tk >= 0:
		s, isStr := t.text(tk)
		if t.toks[tk].kind != tString || !isStr {
			return fail(Violation{Pointer: "/trigger", Rule: RuleWebhookEnvelope, Expected: "string",
				Actual: tapeType(t, tk), Message: fmt.Sprintf("is %s; a delivery's trigger is a string naming the event", article(tapeType(t, tk)))})
		}
		name = s
		if want != "" && name != want {
			vd.Violations = append(vd.Violations, Violation{Pointer: "/trigger", Rule: RuleWebhookTrigger, Expected: quote(want), Actual: quote(name),
				Message: fmt.Sprintf("is %s, but --trigger expects %s deliveries", quote(name), quote(want))})
			if _, known := webhook.Lookup(name); !known {
				name = want // a misspelt trigger: its entities are read as the one expected
			}
		}
	case want != "" && data >= 0 && t.toks[data].kind == tObject && !modelKeys(t):
		// No trigger, but a data and nothing of an entity: the delivery
		// --trigger names, with its trigger lost (row 79).
		name = want
		vd.Violations = append(vd.Violations, Violation{Pointer: "/trigger", Rule: RuleWebhookEnvelope, Expected: quote(want), Actual: "missing",
			Message: fmt.Sprintf("missing; CometChat names every delivery's trigger (read as a %s delivery, as --trigger says)", want)})
	default:
		missing := "no trigger"
		if data < 0 {
			missing = "no trigger and no data"
		}
		msg := fmt.Sprintf("has %s: a webhook delivery is an object with both", missing)
		if modelKeys(t) {
			msg += "; it looks like a document of the model (it has " + modelKey(t) + "), not a delivery"
		}
		return fail(Violation{Rule: RuleWebhookEnvelope, Expected: "trigger and data", Actual: missing, Message: msg})
	}
	vd.Trigger = strings.Clone(name) // name is a view of the batch's bytes, reused once checked
	if data < 0 {
		return fail(Violation{Pointer: "/data", Rule: RuleWebhookEnvelope, Expected: "object", Actual: "missing",
			Message: fmt.Sprintf("missing; a %s delivery carries its event in data", name)})
	}
	tr, known := webhook.Lookup(name)
	if !known {
		hint := ""
		if c := suggest.Closest(name, webhook.Names()); c != "" {
			hint = fmt.Sprintf("; did you mean %q?", c)
		}
		vd.Violations = append(vd.Violations, Violation{Pointer: "/trigger", Rule: RuleWebhookTrigger, Actual: quote(name),
			Message: fmt.Sprintf("is %s, not a trigger CometChat names%s", quote(name), hint)})
		v.paths.reference.Add(1)
		return vd
	}
	wantObject := tr.Family != webhook.Calls || t.toks[data].kind == tObject
	if t.toks[data].kind != tObject && wantObject {
		vd.Violations = append(vd.Violations, Violation{Pointer: "/data", Rule: RuleWebhookEnvelope, Expected: "object",
			Actual: tapeType(t, data), Message: fmt.Sprintf("is %s; a %s delivery's data is an object", article(tapeType(t, data)), name)})
		v.paths.reference.Add(1)
		return vd
	}
	for _, key := range []string{"appId", "region", "webhook"} {
		if k := t.member(0, key); k >= 0 && t.toks[k].kind != tString {
			vd.Violations = append(vd.Violations, Violation{Pointer: "/" + key, Rule: RuleWebhookEnvelope, Expected: "string",
				Actual: tapeType(t, k), Message: fmt.Sprintf("is %s, expected a string", article(tapeType(t, k)))})
		}
	}
	if !tr.Model() {
		vd.Note = "outside the documented model: only its envelope was checked"
		if vd.OK() {
			v.paths.fast.Add(1)
		} else {
			v.paths.reference.Add(1)
		}
		return vd
	}
	allFast := true
	for _, part := range tr.Parts {
		v.checkPart(&vd, t, part, name, &allFast)
	}
	vd.Violations = append(vd.Violations, webhookRules(t, name)...)
	vd.Violations = sortViolations(vd.Violations)
	sort.Strings(vd.Undocumented)
	// A delivery counts once in PathStats: on the fast path when each of
	// its entities was decided there.
	switch {
	case allFast && vd.OK():
		v.paths.fast.Add(1)
	default:
		v.paths.reference.Add(1)
		if vd.OK() {
			v.paths.referenceValid.Add(1)
		}
	}
	return vd
}

// checkPart checks the entities of part in the delivery on t.
func (v *Validator) checkPart(vd *Verdict, t *tape, part webhook.Part, trigger string, allFast *bool) {
	parent, last, _ := strings.Cut(strings.TrimPrefix(part.Pointer, "/"), "/*")
	k := (&doc{t: t}).at(strings.Split(parent, "/")...)
	if k < 0 {
		return // absent: a schema of the delivery would say more; the entities are what is checked
	}
	at := "/" + parent
	if !strings.HasSuffix(part.Pointer, "/*") || last != "" {
		v.checkEntity(vd, t.raw(k), at, part.Kind, trigger, allFast)
		return
	}
	// A map keyed by uid (or an array): each member is an entity.
	switch t.toks[k].kind {
	case tObject:
		for key := k + 1; key < t.toks[k].next; key = t.toks[key+1].next {
			name, _ := t.text(key)
			val := key + 1
			p := at + "/" + escape(name)
			v.checkEntity(vd, t.raw(val), p, part.Kind, trigger, allFast)
			if uid := t.member(val, "uid"); uid >= 0 {
				if id, ok := t.text(uid); ok && id != name {
					vd.Violations = append(vd.Violations, Violation{Pointer: p + "/uid", Rule: RuleWebhookKey, Expected: quote(name), Actual: quote(id),
						Message: fmt.Sprintf("is %s, but the map's key is %s; CometChat keys each member by its uid", quote(id), quote(name)), related: p})
				}
			}
		}
	case tArray:
		// CometChat keys a delivery's users by uid (row 71); an array of
		// them is reported, and its users are checked all the same.
		vd.Violations = append(vd.Violations, Violation{Pointer: at, Rule: RuleType, Expected: "object", Actual: "array",
			Message: "expected an object keyed by uid, found array: CometChat sends a delivery's users as a map from each uid to its user"})
		*allFast = false
		i := 0
		for e := k + 1; e < t.toks[k].next; e = t.toks[e].next {
			v.checkEntity(vd, t.raw(e), fmt.Sprintf("%s/%d", at, i), part.Kind, trigger, allFast)
			i++
		}
	default:
		vd.Violations = append(vd.Violations, Violation{Pointer: at, Rule: RuleType, Expected: "object", Actual: tapeType(t, k),
			Message: fmt.Sprintf("expected object, found %s", tapeType(t, k))})
	}
}

// checkEntity checks the entity raw at pointer at as kind k ("" for any
// message) in the rest profile, the shape webhooks send, and adds what it
// finds to vd under at.
func (v *Validator) checkEntity(vd *Verdict, raw []byte, at string, k types.Kind, trigger string, allFast *bool) {
	sub, fast := v.checkAs(raw, k, types.ProfileREST)
	if trigger == "before_message" && !fast {
		// A message not yet sent has no id (row 70): with one lent to it,
		// the fast path can judge the rest.
		if lent, ok := lendID(raw); ok {
			if vd, f := v.checkAs(lent, k, types.ProfileREST); f && vd.OK() {
				sub, fast = vd, true
			}
		}
	}
	*allFast = *allFast && fast
	if k == "" && sub.Kind != "" && !sub.Kind.IsMessage() {
		vd.Violations = append(vd.Violations, Violation{Pointer: at, Rule: RuleKind, Actual: string(sub.Kind),
			Message: fmt.Sprintf("is %s, but a %s delivery carries a message here", article(string(sub.Kind)), trigger)})
		return
	}
	switch {
	case trigger == "message_edited" || trigger == "message_deleted":
		if sub.Kind == types.KindAction {
			vd.Note = "the documentation's form: data.message is the action message about the " + strings.TrimPrefix(trigger, "message_") + " message"
		} else if sub.Kind != "" {
			vd.Note = "the form CometChat delivers: data.message is the " + strings.TrimPrefix(trigger, "message_") + " message itself"
		}
	}
	for _, x := range sub.Violations {
		if x.Rule == RuleUnknownField && deliveryField(trigger, x.Pointer) {
			continue
		}
		// A message not yet sent has no id: before_message delivers it so.
		if trigger == "before_message" && x.Rule == RuleRequired && x.Pointer == "/id" {
			continue
		}
		// Call signalling delivers the call entity without the sender and
		// receiver objects the SDKs read (CometChat's QA suite records
		// on.entity.{sender, receiver, sessionid, status} live).
		if strings.HasPrefix(trigger, "call_") && x.Rule == RuleRequired && x.Pointer == "/data/entities/on/entity/data" {
			continue
		}
		x.Pointer = at + x.Pointer
		if x.related != "" {
			x.related = at + x.related
		}
		vd.Violations = append(vd.Violations, x)
	}
	for _, u := range sub.Undocumented {
		if !deliveryField(trigger, u) {
			vd.Undocumented = append(vd.Undocumented, at+u)
		}
	}
}

// deliveryField reports whether pointer p, within an entity of a trigger's
// delivery, is a field the delivery adds to the entity: a scope change's
// member scope and oldScope, an ownership transfer's oldOwner. They are
// documented by the trigger (and compared by webhook-members), not by the
// entity.
func deliveryField(trigger, p string) bool {
	switch trigger {
	case "group_member_scope_changed":
		return p == "/scope" || p == "/oldScope"
	case "group_owner_transferred":
		return p == "/oldOwner"
	}
	return false
}

// lendID returns the object raw with an id first, when it has none.
func lendID(raw []byte) ([]byte, bool) {
	t := tapes.Get().(*tape)
	defer t.release()
	if !t.parse(raw) || t.toks[0].kind != tObject || t.member(0, "id") >= 0 || t.toks[0].next == 1 {
		return nil, false
	}
	i := bytes.IndexByte(raw, '{')
	out := make([]byte, 0, len(raw)+9)
	out = append(out, raw[:i+1]...)
	out = append(out, `"id":"0",`...)
	return append(out, raw[i+1:]...), true
}

// checkAs checks raw as kind k ("" to detect it) in profile p, on the fast
// path when it can.
// It reports whether the fast path decided.
func (v *Validator) checkAs(raw []byte, k types.Kind, p types.Profile) (Verdict, bool) {
	t := tapes.Get().(*tape)
	defer t.release()
	if t.parse(raw) && !v.opts.ReferenceOnly && !fastOff {
		if t.depth > MaxDocumentDepth && t.checkedDepth(0, 0) > MaxDocumentDepth {
			return tooDeep(t.depth), false
		}
		if vd, ok := v.fastCheckTapeAs(t, k, p); ok {
			return vd, true
		}
		return v.reference(raw, hint{kind: k, profile: p, tape: t}), false
	}
	return v.reference(raw, hint{kind: k, profile: p}), false
}

// webhookRules are the checks CometChat's QA suite makes on live
// deliveries that no schema of an entity can say.
func webhookRules(t *tape, trigger string) []Violation {
	d := &doc{t: t} // the rules' view of the tape
	var vs []Violation
	switch trigger {
	case "message_delivery_receipt", "message_read_receipt", "message_delivered_to_all", "message_read_by_all":
		if s, ok1 := d.str("data", "sender"); ok1 {
			if u, ok2 := d.str("data", "body", "user", "uid"); ok2 && s != u {
				vs = append(vs, Violation{Pointer: "/data/sender", Rule: RuleWebhookReceipt, Expected: quote(u), Actual: quote(s),
					Message: fmt.Sprintf("is %s, but data.body.user.uid is %s; a receipt's sender is the user it is from", quote(s), quote(u))})
			}
		}
		if trigger == "message_delivered_to_all" || trigger == "message_read_by_all" {
			if rt, ok := d.str("data", "receiverType"); ok && rt != string(types.ReceiverGroup) {
				vs = append(vs, Violation{Pointer: "/data/receiverType", Rule: RuleWebhookReceipt, Expected: `"group"`, Actual: quote(rt),
					Message: fmt.Sprintf("is %s, but %s receipts are for group messages only", quote(rt), trigger)})
			}
		}
	case "call_initiated", "call_busy", "call_cancelled", "call_rejected", "call_unanswered":
		want := strings.TrimPrefix(trigger, "call_")
		if a, ok := d.str("data", "call", "data", "action"); ok && a != want && !(want == "cancelled" && a == string(types.CallCanceled)) {
			vs = append(vs, Violation{Pointer: "/data/call/data/action", Rule: RuleWebhookCall, Expected: quote(want), Actual: quote(a),
				Message: fmt.Sprintf("is %s, but a %s delivery reports %s", quote(a), trigger, quote(want))})
		}
	case "group_member_kicked", "group_member_banned", "group_member_unbanned":
		if by, ok := d.str("data", "by", "uid"); ok {
			// The actor is found by its key or by its uid, in a map or
			// in an array of members alike.
			eachMember(t, d.at("data", "members"), func(seg string, val int32) {
				if uid, ok := t.text(t.member(val, "uid")); seg == by || ok && uid == by {
					vs = append(vs, Violation{Pointer: "/data/members/" + escape(seg), Rule: RuleWebhookMembers, Actual: "present", Expected: "missing",
						Message: fmt.Sprintf("is the actor (data.by.uid %s), who is not among the members a %s delivery names", quote(by), trigger)})
				}
			})
		}
	case "group_member_scope_changed":
		eachMember(t, d.at("data", "members"), func(seg string, val int32) {
			scope, ok1 := t.text(t.member(val, "scope"))
			old, ok2 := t.text(t.member(val, "oldScope"))
			if ok1 && ok2 && scope == old {
				vs = append(vs, Violation{Pointer: "/data/members/" + escape(seg) + "/scope", Rule: RuleWebhookMembers, Actual: quote(scope),
					Message: fmt.Sprintf("is %s, as oldScope is; a scope change changes it", quote(scope))})
			}
		})
	case "group_owner_transferred":
		if o, ok1 := d.str("data", "group", "owner"); ok1 {
			if old, ok2 := d.str("data", "group", "oldOwner"); ok2 && o == old {
				vs = append(vs, Violation{Pointer: "/data/group/owner", Rule: RuleWebhookMembers, Actual: quote(o),
					Message: fmt.Sprintf("is %s, as oldOwner is; a transfer changes the owner", quote(o))})
			}
		}
	}
	return vs
}

// modelKeys reports whether the object on t has a key that makes it a
// document of the model rather than a delivery: category, uid or guid.
func modelKeys(t *tape) bool { return modelKey(t) != "" }

// modelKey returns the first key of category, uid and guid that the object
// on t has, or "".
func modelKey(t *tape) string {
	for _, k := range []string{"category", "uid", "guid"} {
		if t.member(0, k) >= 0 {
			return k
		}
	}
	return ""
}

// eachMember calls fn with each member of the users at token m, a map
// keyed by uid (seg the key) or an array (seg the index); nothing for
// anything else or m < 0.
func eachMember(t *tape, m int32, fn func(seg string, val int32)) {
	if m < 0 {
		return
	}
	switch t.toks[m].kind {
	case tObject:
		for key := m + 1; key < t.toks[m].next; key = t.toks[key+1].next {
			name, _ := t.text(key)
			fn(name, key+1)
		}
	case tArray:
		i := 0
		for e := m + 1; e < t.toks[m].next; e = t.toks[e].next {
			fn(strconv.Itoa(i), e)
			i++
		}
	}
}

// tapeType names the JSON type of token k.
func tapeType(t *tape, k int32) string {
	switch t.toks[k].kind {
	case tObject:
		return "object"
	case tArray:
		return "array"
	case tString:
		return "string"
	case tNumber:
		return "number"
	case tTrue, tFalse:
		return "boolean"
	}
	return "null"
}
