package validate

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ccconform/ccconform/internal/suggest"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
)

// Rule ids of webhook deliveries; see docs/rules.md.
const (
	RuleWebhookTrigger    = "webhook-trigger"    // the trigger is not one CometChat names
	RuleWebhookEnvelope   = "webhook-envelope"   // the envelope's keys have the wrong type
	RuleWebhookKey        = "webhook-key"        // a map's key is not its entity's uid
	RuleWebhookReceipt    = "webhook-receipt"    // a receipt's parties disagree
	RuleWebhookCall       = "webhook-call"       // a call event's action is not its trigger's
	RuleWebhookMembers    = "webhook-members"    // a member event's members disagree with it
	RuleWebhookReaction   = "webhook-reaction"   // a reaction's uid is not its reactedBy's
	RuleWebhookModeration = "webhook-moderation" // a moderation event's status is not its trigger's
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
	// A key repeated anywhere, the envelope included: the checks below
	// read its first value, most consumers the last.
	if t.hasDuplicateKeys() {
		for _, p := range duplicateKeys(t.data, t) {
			vd.Violations = append(vd.Violations, duplicateKey(p))
		}
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
	// Every family's data is an object: each example CometChat publishes,
	// calls and meetings included, has one.
	if t.toks[data].kind != tObject {
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
		if name == "after_connection_status_changed" {
			vd.Note = "the legacy connection event, outside the documented model: its envelope and the fields CometChat documents for it were checked"
			vd.Violations = sortViolations(append(vd.Violations, webhookRules(t, name, false)...))
		}
		if vd.OK() {
			v.paths.fast.Add(1)
		} else {
			v.paths.reference.Add(1)
		}
		return vd
	}
	allFast := true
	legacy := legacyReceipt(t, name)
	if legacy {
		vd.Note = "the legacy webhooks' receipt layout (data.receiptSender, data.receiptType): no body, no user to check"
	} else {
		for _, part := range tr.Parts {
			v.checkPart(&vd, t, part, name, &allFast)
		}
	}
	if n := callForm(t, name); n != "" {
		vd.Note = n
	}
	vd.Violations = append(vd.Violations, webhookRules(t, name, legacy)...)
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

// checkPart checks the entities of part in the delivery on t. A part that
// is absent is reported when the trigger requires it (at the first member
// missing on its way), and a value on the way that is no object always.
func (v *Validator) checkPart(vd *Verdict, t *tape, part webhook.Part, trigger string, allFast *bool) {
	parent, last, _ := strings.Cut(strings.TrimPrefix(part.Pointer, "/"), "/*")
	segs := strings.Split(parent, "/")
	k := int32(0)
	for i, seg := range segs {
		if t.toks[k].kind != tObject {
			vd.Violations = append(vd.Violations, notObject(t, k, ptr(segs[:i]...)))
			return
		}
		if k = t.member(k, seg); k < 0 {
			if part.Required {
				vd.Violations = append(vd.Violations, missingField(ptr(segs[:i+1]...), trigger))
			}
			return
		}
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
		vd.Violations = append(vd.Violations, notObject(t, k, at))
	}
}

// notObject reports token k, at pointer p, as a value that should be an
// object. Every check of a delivery words it alike, so that two checks that
// meet it give one violation.
func notObject(t *tape, k int32, p string) Violation {
	return Violation{Pointer: p, Rule: RuleType, Expected: "object", Actual: tapeType(t, k),
		Message: fmt.Sprintf("expected object, found %s", tapeType(t, k))}
}

// missingField reports the member at pointer p, which every delivery of
// trigger carries, as missing.
func missingField(p, trigger string) Violation {
	return Violation{Pointer: p, Rule: RuleRequired, Expected: "present", Actual: "missing",
		Message: fmt.Sprintf("missing; every %s delivery carries it", trigger)}
}

// duplicateKey reports the member at pointer p as a repeated key.
func duplicateKey(p string) Violation {
	return Violation{Pointer: p, Rule: RuleDuplicateKey,
		Message: "key appears twice in its object; parsers disagree on which value counts, so remove one"}
}

// legacyReceipt reports whether the delivery on t is a receipt of the
// legacy webhooks, which reuse the modern receipts' trigger names with a
// flat layout of their own: data.receiptSender and data.receiptType, and no
// data.body.
func legacyReceipt(t *tape, trigger string) bool {
	if trigger != "message_delivery_receipt" && trigger != "message_read_receipt" {
		return false
	}
	data := t.member(0, "data")
	return t.member(data, "body") < 0 && (t.member(data, "receiptSender") >= 0 || t.member(data, "receiptType") >= 0)
}

// callForm says which form a call signalling delivery has: the
// documentation's, whose call carries its action alone, or the one
// CometChat delivers, with data.entities (row 73); "" for other triggers.
func callForm(t *tape, trigger string) string {
	switch trigger {
	case "call_busy", "call_cancelled", "call_rejected", "call_unanswered":
	default:
		return ""
	}
	d := &doc{t: t}
	switch {
	case d.at("data", "call", "data", "entities") >= 0:
		return "the form CometChat delivers: data.call.data.entities names who acted, the other party and the call"
	case d.at("data", "call", "data") >= 0:
		return "the documentation's form: data.call.data carries its action alone, without the entities CometChat delivers"
	}
	return ""
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

// webhookRules are the checks of a delivery that no schema of an entity can
// say: those CometChat's QA suite makes on live deliveries, and the fields
// of the delivery's own that are no entity (a receipt's body, a reaction, a
// connection), as CometChat's examples and the QA suite's schemas have
// them. legacy says the delivery is a receipt in the legacy layout.
func webhookRules(t *tape, trigger string, legacy bool) []Violation {
	d := &doc{t: t} // the rules' view of the tape
	c := &fields{t: t, trigger: trigger}
	switch trigger {
	case "message_delivery_receipt", "message_read_receipt", "message_delivered_to_all", "message_read_by_all":
		if legacy {
			c.legacyReceipt()
			break
		}
		aggregate := trigger == "message_delivered_to_all" || trigger == "message_read_by_all"
		c.need(tString, true, "data", "receiver")
		c.need(tString, true, "data", "messageSender")
		c.need(tString, !aggregate, "data", "sender")
		rt, ok := c.oneOf(true, []string{"user", "group"}, "data", "receiverType")
		if ok && aggregate && rt != string(types.ReceiverGroup) {
			c.vs = append(c.vs, Violation{Pointer: "/data/receiverType", Rule: RuleWebhookReceipt, Expected: `"group"`, Actual: quote(rt),
				Message: fmt.Sprintf("is %s, but %s receipts are for group messages only", quote(rt), trigger)})
		}
		// A one-to-one receipt goes back to the message's sender (the
		// example, and the legacy layout's receiptReceiver).
		if ok && !aggregate && rt == string(types.ReceiverUser) {
			to, ok1 := d.str("data", "receiver")
			from, ok2 := d.str("data", "messageSender")
			if ok1 && ok2 && to != from {
				c.vs = append(c.vs, Violation{Pointer: "/data/receiver", Rule: RuleWebhookReceipt, Expected: quote(from), Actual: quote(to),
					Message: fmt.Sprintf("is %s, but data.messageSender is %s; a one-to-one receipt goes to the message's sender", quote(to), quote(from))})
			}
		}
		// Every published receipt says "type": "receipts"; the QA
		// suite's schemas do not require it.
		c.oneOf(false, []string{"receipts"}, "data", "type")
		c.id(true, "data", "body", "messageId")
		c.seconds("data", "body", "timestamp")
		want := map[string]string{"message_delivery_receipt": "delivered", "message_read_receipt": "read",
			"message_delivered_to_all": "deliveredToAll", "message_read_by_all": "readByAll"}[trigger]
		if a, ok := c.text(true, "data", "body", "action"); ok && a != want {
			c.vs = append(c.vs, Violation{Pointer: "/data/body/action", Rule: RuleWebhookReceipt, Expected: quote(want), Actual: quote(a),
				Message: fmt.Sprintf("is %s, but a %s delivery reports %s", quote(a), trigger, quote(want))})
		}
		if s, ok1 := d.str("data", "sender"); ok1 {
			if u, ok2 := d.str("data", "body", "user", "uid"); ok2 && s != u {
				c.vs = append(c.vs, Violation{Pointer: "/data/sender", Rule: RuleWebhookReceipt, Expected: quote(u), Actual: quote(s),
					Message: fmt.Sprintf("is %s, but data.body.user.uid is %s; a receipt's sender is the user it is from", quote(s), quote(u))})
			}
		}
	case "message_reaction_added", "message_reaction_removed":
		c.id(true, "data", "reaction", "messageId")
		c.need(tString, true, "data", "reaction", "reaction")
		c.seconds("data", "reaction", "reactedAt")
		if u, ok := c.text(false, "data", "reaction", "uid"); ok {
			if by, ok := d.str("data", "reaction", "reactedBy", "uid"); ok && by != u {
				c.vs = append(c.vs, Violation{Pointer: "/data/reaction/uid", Rule: RuleWebhookReaction, Expected: quote(by), Actual: quote(u),
					Message: fmt.Sprintf("is %s, but data.reaction.reactedBy.uid is %s; a reaction's uid is the user who reacted", quote(u), quote(by))})
			}
		}
	case "user_connection_status_changed":
		// CometChat sends this event's times in milliseconds (row 91).
		c.oneOf(true, []string{"online", "offline"}, "data", "status")
		c.need(tObject, true, "data", "currentConnection")
		c.oneOf(true, []string{"connected", "disconnected"}, "data", "currentConnection", "action")
		c.millis("data", "timestamp")
		c.millis("data", "currentConnection", "connectedAt")
		c.millis("data", "currentConnection", "appInfo", "uts")
	case "after_connection_status_changed":
		c.need(tString, true, "data", "user", "uid")
		c.oneOf(true, []string{"online", "offline"}, "data", "user", "status")
		c.oneOf(true, []string{"connected", "disconnected"}, "data", "event", "type")
		c.millis("data", "user", "status_updated_at")
		c.millis("data", "event", "at")
		c.millis("data", "event", "event_for", "connected_at")
		if cs := c.need(tArray, false, "data", "connections"); cs >= 0 {
			i := 0
			for e := cs + 1; e < t.toks[cs].next; e = t.toks[e].next {
				if t.toks[e].kind != tObject {
					c.vs = append(c.vs, notObject(t, e, ptr("data", "connections", strconv.Itoa(i))))
				} else {
					c.millisAt(t.member(e, "connected_at"), ptr("data", "connections", strconv.Itoa(i), "connected_at"))
				}
				i++
			}
		}
	case "moderation_engine_blocked", "moderation_engine_approved", "moderation_manual_approved":
		// The rules that matched, where a delivery lists them: an array
		// of objects, as CometChat's examples and live deliveries have it.
		if ms := c.need(tArray, false, "data", "moderation"); ms >= 0 {
			i := 0
			for e := ms + 1; e < t.toks[ms].next; e = t.toks[e].next {
				if t.toks[e].kind != tObject {
					c.vs = append(c.vs, notObject(t, e, ptr("data", "moderation", strconv.Itoa(i))))
				}
				i++
			}
		}
		// A manual approval's message is the blocked one as it was
		// stored (the example repeats it unchanged): its status is not
		// checked (row 94).
		want := map[string]string{"moderation_engine_blocked": "disapproved", "moderation_engine_approved": "approved"}[trigger]
		if st, ok := d.str("data", "message", "data", "moderation", "status"); ok && want != "" && st != want {
			c.vs = append(c.vs, Violation{Pointer: "/data/message/data/moderation/status", Rule: RuleWebhookModeration, Expected: quote(want), Actual: quote(st),
				Message: fmt.Sprintf("is %s, but a %s delivery's message is %s", quote(st), trigger, quote(want))})
		}
	case "call_initiated", "call_busy", "call_cancelled", "call_rejected", "call_unanswered":
		want := strings.TrimPrefix(trigger, "call_")
		if a, ok := d.str("data", "call", "data", "action"); ok && a != want && !(want == "cancelled" && a == string(types.CallCanceled)) {
			c.vs = append(c.vs, Violation{Pointer: "/data/call/data/action", Rule: RuleWebhookCall, Expected: quote(want), Actual: quote(a),
				Message: fmt.Sprintf("is %s, but a %s delivery reports %s", quote(a), trigger, quote(want))})
		}
	case "group_member_kicked", "group_member_banned", "group_member_unbanned":
		if by, ok := d.str("data", "by", "uid"); ok {
			// The actor is found by its key or by its uid, in a map or
			// in an array of members alike.
			eachMember(t, d.at("data", "members"), func(seg string, val int32) {
				if uid, ok := t.text(t.member(val, "uid")); seg == by || ok && uid == by {
					c.vs = append(c.vs, Violation{Pointer: "/data/members/" + escape(seg), Rule: RuleWebhookMembers, Actual: "present", Expected: "missing",
						Message: fmt.Sprintf("is the actor (data.by.uid %s), who is not among the members a %s delivery names", quote(by), trigger)})
				}
			})
		}
	case "group_member_scope_changed":
		eachMember(t, d.at("data", "members"), func(seg string, val int32) {
			scope, ok1 := t.text(t.member(val, "scope"))
			old, ok2 := t.text(t.member(val, "oldScope"))
			if ok1 && ok2 && scope == old {
				c.vs = append(c.vs, Violation{Pointer: "/data/members/" + escape(seg) + "/scope", Rule: RuleWebhookMembers, Actual: quote(scope),
					Message: fmt.Sprintf("is %s, as oldScope is; a scope change changes it", quote(scope))})
			}
		})
	case "group_owner_transferred":
		o, ok1 := c.text(true, "data", "group", "owner")
		old, ok2 := c.text(true, "data", "group", "oldOwner")
		if ok1 && ok2 && o == old {
			c.vs = append(c.vs, Violation{Pointer: "/data/group/owner", Rule: RuleWebhookMembers, Actual: quote(o),
				Message: fmt.Sprintf("is %s, as oldOwner is; a transfer changes the owner", quote(o))})
		}
	}
	return c.vs
}

// legacyReceipt checks a receipt in the legacy layout: who sent the
// message, who sent the receipt and to whom, the message's id, and the
// receipt's type and time, as the legacy events page and CometChat's QA
// suite have them.
func (c *fields) legacyReceipt() {
	want := "delivered"
	if c.trigger == "message_read_receipt" {
		want = "read"
	}
	c.id(true, "data", "messageId")
	sender, ok1 := c.text(true, "data", "messageSender")
	c.need(tString, true, "data", "receiptSender")
	to, ok2 := c.text(true, "data", "receiptReceiver")
	rt, ok3 := c.oneOf(true, []string{"user", "group"}, "data", "receiverType")
	if typ, ok := c.text(true, "data", "receiptType"); ok && typ != want {
		c.vs = append(c.vs, Violation{Pointer: "/data/receiptType", Rule: RuleWebhookReceipt, Expected: quote(want), Actual: quote(typ),
			Message: fmt.Sprintf("is %s, but a %s delivery reports %s", quote(typ), c.trigger, quote(want))})
	}
	c.seconds("data", want+"At")
	// A one-to-one receipt goes back to the message's sender (the QA
	// suite's live check); in a group it names the group.
	if ok1 && ok2 && ok3 && rt == "user" && to != sender {
		c.vs = append(c.vs, Violation{Pointer: "/data/receiptReceiver", Rule: RuleWebhookReceipt, Expected: quote(sender), Actual: quote(to),
			Message: fmt.Sprintf("is %s, but data.messageSender is %s; a one-to-one receipt goes to the message's sender", quote(to), quote(sender))})
	}
}

// fields reads the members of a delivery that are no entity of the model,
// and collects what is wrong with them.
type fields struct {
	t       *tape
	trigger string
	vs      []Violation
}

// need returns the token at path (below the delivery's root) when it has
// JSON type want, else -1: a value of another type is reported, an absent
// one when required, and a value on the way that is no object always.
func (c *fields) need(want tokKind, required bool, path ...string) int32 {
	k := int32(0)
	for i, p := range path {
		if c.t.toks[k].kind != tObject {
			c.vs = append(c.vs, notObject(c.t, k, ptr(path[:i]...)))
			return -1
		}
		if k = c.t.member(k, p); k < 0 {
			if required {
				c.vs = append(c.vs, missingField(ptr(path[:i+1]...), c.trigger))
			}
			return -1
		}
	}
	if got := c.t.toks[k].kind; got != want {
		if want == tObject {
			c.vs = append(c.vs, notObject(c.t, k, ptr(path...)))
		} else {
			c.vs = append(c.vs, Violation{Pointer: ptr(path...), Rule: RuleType, Expected: kindName[want], Actual: tapeType(c.t, k),
				Message: fmt.Sprintf("expected %s, found %s", kindName[want], tapeType(c.t, k))})
		}
		return -1
	}
	return k
}

// kindName names the JSON types need is asked for.
var kindName = map[tokKind]string{tObject: "object", tArray: "array", tString: "string", tNumber: "number"}

// text returns the string at path, as need reads it.
func (c *fields) text(required bool, path ...string) (string, bool) {
	k := c.need(tString, required, path...)
	if k < 0 {
		return "", false
	}
	return c.t.text(k)
}

// oneOf returns the string at path when it is one of values; another is
// reported (enum).
func (c *fields) oneOf(required bool, values []string, path ...string) (string, bool) {
	s, ok := c.text(required, path...)
	if !ok {
		return "", false
	}
	if !slices.Contains(values, s) {
		c.vs = append(c.vs, Violation{Pointer: ptr(path...), Rule: RuleEnum, Expected: strings.Join(values, ", "), Actual: quote(s),
			Message: fmt.Sprintf("is %s, expected one of %s", quote(s), strings.Join(values, ", "))})
		return "", false
	}
	return s, true
}

// id checks that the id at path is a string, as CometChat sends ids (its QA
// suite compares them as strings).
func (c *fields) id(required bool, path ...string) {
	k := c.need(tString, required, path...)
	if k < 0 && len(c.vs) > 0 {
		if x := &c.vs[len(c.vs)-1]; x.Pointer == ptr(path...) && x.Rule == RuleType {
			x.Message += "; CometChat sends ids as strings"
		}
	}
}

// seconds checks that the number at path, when there is one, is in Unix
// seconds, as the model's timestamps are.
func (c *fields) seconds(path ...string) {
	if n, ok := c.t.int(c.need(tNumber, false, path...)); ok && n >= millis {
		c.vs = append(c.vs, Violation{Pointer: ptr(path...), Rule: "timestamp-unit", Actual: fmt.Sprint(n), Expected: fmt.Sprint(n / 1000),
			Message: fmt.Sprintf("%d looks like milliseconds; timestamps are Unix seconds (%d)", n, n/1000)})
	}
}

// millis checks that the number at path, when there is one, is in Unix
// milliseconds, as CometChat sends a connection's times.
func (c *fields) millis(path ...string) {
	c.millisAt(c.need(tNumber, false, path...), ptr(path...))
}

// millisAt is millis for token k at pointer p (-1: nothing to check).
func (c *fields) millisAt(k int32, p string) {
	if k >= 0 && c.t.toks[k].kind != tNumber {
		c.vs = append(c.vs, Violation{Pointer: p, Rule: RuleType, Expected: "number", Actual: tapeType(c.t, k),
			Message: fmt.Sprintf("expected number, found %s", tapeType(c.t, k))})
		return
	}
	if n, ok := c.t.int(k); ok && n > 0 && n < millis {
		c.vs = append(c.vs, Violation{Pointer: p, Rule: "timestamp-unit", Actual: fmt.Sprint(n), Expected: fmt.Sprint(n * 1000),
			Message: fmt.Sprintf("%d looks like seconds; CometChat sends this time in Unix milliseconds (%d)", n, n*1000)})
	}
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
