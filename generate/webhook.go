package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
)

// WebhookAll names every trigger of the model, in turn (--webhook all).
const WebhookAll = "all"

// ModelledTriggers lists the triggers Webhook makes deliveries of: those
// whose data carries entities of the model, in the registry's order.
func ModelledTriggers() []string {
	var out []string
	for _, t := range webhook.Triggers() {
		if t.Model() {
			out = append(out, t.Name)
		}
	}
	return out
}

// webhookTrigger resolves trigger for the i-th delivery: "all" cycles
// through ModelledTriggers.
func webhookTrigger(trigger string, i int) (string, error) {
	if trigger == WebhookAll {
		ts := ModelledTriggers()
		return ts[i%len(ts)], nil
	}
	t, ok := webhook.Lookup(trigger)
	if !ok {
		return "", fmt.Errorf("unknown webhook trigger %q", trigger)
	}
	if !t.Model() {
		return "", fmt.Errorf("the trigger %q carries no entity of the model: nothing to generate for it", trigger)
	}
	return trigger, nil
}

// Webhook returns the i-th delivery of trigger ("all" for every trigger of
// the model in turn) as CometChat's webhooks POST it, decoded (numbers as
// json.Number): the envelope (trigger, data, appId, region, webhook; the
// legacy before_message and after_message carry the message itself as
// data) around entities built as the rest profile builds them, whatever
// the generator's profile, so that each validates. The same seed, trigger
// and index give the same delivery. A trigger outside the model (calls
// service, meetings, campaigns, ...) has nothing to build: Webhook returns
// an error saying so, as it does for a trigger CometChat does not name.
func (g *Generator) Webhook(trigger string, i int) (map[string]any, error) {
	name, err := webhookTrigger(trigger, i)
	if err != nil {
		return nil, err
	}
	rest := &Generator{opts: g.opts}
	rest.opts.Profile = types.ProfileREST
	s := rest.src("webhook/"+name, i)
	data := s.webhookData(name)
	env := map[string]any{"trigger": name, "data": data, "appId": s.hex(16), "webhook": pick(s, "conformance-webhook", "wh-"+s.hex(6), "events")}
	if tr, _ := webhook.Lookup(name); tr.Family != webhook.Legacy {
		env["region"] = pick(s, "us", "eu", "in")
	}
	return normalize(env)
}

// normalize turns v into generic JSON values, numbers as json.Number.
func normalize(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// hookUser is a user as deliveries carry them: uid, name, avatar, status
// (available or offline), role, lastActiveAt.
func (s *src) hookUser(p person, at int64) types.User {
	return types.User{UID: p.uid, Name: p.name(), Status: pick(s, types.UserAvailable, types.UserOffline),
		Avatar: fmt.Sprintf("https://assets.example.com/users/%s.webp", p.uid), Role: pick(s, "default", "default", "moderator"),
		LastActiveAt: types.Timestamp(s.between(p.created, at))}
}

// people invents n users with distinct uids.
func (s *src) people(n int, at int64) []person {
	seen := map[string]bool{}
	var out []person
	for len(out) < n {
		p := s.person(at)
		if seen[p.uid] {
			p.uid += "-" + strconv.Itoa(len(out)+2)
		}
		if seen[p.uid] {
			continue
		}
		seen[p.uid] = true
		out = append(out, p)
	}
	return out
}

// anyMessage is a text, media or custom message, as message_sent carries.
func (s *src) anyMessage() types.Document {
	switch s.f.IntN(5) {
	case 0:
		return s.mediaMessage()
	case 1:
		return s.customMessage()
	}
	return s.textMessage()
}

func sentAt(doc types.Document) int64 {
	if m, ok := doc.(types.Message); ok {
		return int64(m.Header().SentAt)
	}
	return 0
}

// webhookData builds the data of a delivery of trigger.
func (s *src) webhookData(trigger string) any {
	switch trigger {
	case "message_sent", "message_unpinned":
		return map[string]any{"message": s.anyMessage()}
	case "message_pinned":
		m := s.anyMessage()
		w := wireOf(m.(types.Message))
		w.PinnedAt = types.Timestamp(sentAt(m) + s.between(1, 86400))
		w.PinnedBy = s.person(sentAt(m)).uid
		return map[string]any{"message": m}
	case "message_edited":
		m := s.anyMessage()
		w := wireOf(m.(types.Message))
		w.EditedAt = types.Timestamp(sentAt(m) + s.between(1, 600))
		w.EditedBy = m.(types.Message).SenderID()
		if w.UpdatedAt < w.EditedAt {
			w.UpdatedAt = w.EditedAt
		}
		return map[string]any{"message": m}
	case "message_deleted":
		m := s.textMessage().(*types.RESTTextMessage)
		m.DeletedAt = types.Timestamp(int64(m.SentAt) + s.between(1, 600))
		m.DeletedBy = m.Sender
		m.Data.Text = ""
		if m.UpdatedAt < m.DeletedAt {
			m.UpdatedAt = m.DeletedAt
		}
		return map[string]any{"message": m}
	case "user_mentioned":
		m := s.textMessage().(*types.RESTTextMessage)
		p := s.person(int64(m.SentAt))
		if p.uid == m.Sender {
			p.uid += "-2"
		}
		m.Data.Text = fmt.Sprintf("<@uid:%s> %s", p.uid, s.f.Sentence())
		m.Data.Mentions = map[string]types.User{p.uid: s.hookUser(p, int64(m.SentAt))}
		return map[string]any{"message": m}
	case "moderation_engine_blocked", "moderation_engine_approved", "moderation_manual_approved":
		m := s.textMessage().(*types.RESTTextMessage)
		st := types.ModerationStatus("approved")
		if trigger == "moderation_engine_blocked" {
			st = "disapproved"
		}
		m.Data.Moderation = &types.Moderation{Status: st}
		return map[string]any{"message": m}
	case "message_reaction_added", "message_reaction_removed":
		at := s.epoch()
		p := s.person(at)
		return map[string]any{"reaction": map[string]any{"id": strconv.Itoa(1 + s.f.IntN(99999)),
			"messageId": strconv.FormatInt(s.between(1, 99_999_999), 10), "reaction": pick(s, "👍", "❤️", "😂", "🎉", "🏒"),
			"uid": p.uid, "reactedAt": at, "reactedBy": s.hookUser(p, at)}}
	case "message_delivery_receipt", "message_read_receipt":
		at := s.epoch()
		ps := s.people(2, at)
		from, reader := ps[0], ps[1]
		action, rt, receiver := "delivered", "user", from.uid
		if trigger == "message_read_receipt" {
			action = "read"
		}
		if s.chance(0.4) {
			rt, receiver = "group", s.groupInfo(from.uid, at).guid
		}
		u, err := normalize(s.hookUser(reader, at))
		if err != nil {
			panic("generate: " + err.Error())
		}
		return map[string]any{"receiver": receiver, "receiverType": rt, "type": "receipts", "sender": reader.uid, "messageSender": from.uid,
			"body": map[string]any{"action": action, "messageId": strconv.FormatInt(s.between(1, 99_999_999), 10),
				"user": receiptUser(u), "timestamp": at}}
	case "message_delivered_to_all", "message_read_by_all":
		at := s.epoch()
		from := s.person(at)
		action := "deliveredToAll"
		if trigger == "message_read_by_all" {
			action = "readByAll"
		}
		system := types.User{UID: "app_system", Name: "System", Status: pick(s, types.UserAvailable, types.UserOffline), Role: "default"}
		return map[string]any{"receiver": s.groupInfo(from.uid, at).guid, "receiverType": "group", "type": "receipts",
			"sender": "app_system", "messageSender": from.uid,
			"body": map[string]any{"action": action, "messageId": strconv.FormatInt(s.between(1, 99_999_999), 10),
				"user": withEmptyAvatar{system}, "timestamp": at}}
	case "user_blocked", "user_unblocked":
		at := s.epoch()
		ps := s.people(2, at)
		return map[string]any{"users": map[string]any{ps[1].uid: s.hookUser(ps[1], at)}, "by": s.hookUser(ps[0], at)}
	case "user_connection_status_changed":
		at := s.epoch()
		p := s.person(at)
		online := s.chance(0.5)
		status, action := "offline", "disconnected"
		if online {
			status, action = "online", "connected"
		}
		ms := at*1000 + s.between(0, 999)
		connected := ms - s.between(1000, 3_600_000)
		// The user is as the change leaves them: available once
		// connected, offline once disconnected, as CometChat's example
		// has it (status offline, action disconnected, user offline).
		u := s.hookUser(p, at)
		u.Status = types.UserOffline
		if online {
			u.Status = types.UserAvailable
		}
		return map[string]any{"timestamp": ms, "user": u, "status": status, "userPresenceChanged": s.chance(0.8),
			"currentConnection": map[string]any{"action": action, "platform": pick(s, "javascript", "android", "ios"),
				"userAgent": s.f.UserAgent(), "connectedAt": connected,
				"appInfo": map[string]any{"version": pick(s, "3.0.12", "4.0.8", "4.1.0"), "apiVersion": "v3.0",
					"origin": "https://app.example.com", "uts": connected - s.between(0, 500), "clientIp": fmt.Sprintf("203.0.113.%d", 1+s.f.IntN(254))}}}
	case "group_created":
		at := s.epoch()
		ps := s.people(1+s.f.IntN(3), at)
		gi := s.groupInfo(ps[0].uid, at)
		g := s.group(gi, at, false)
		yes := true
		g.Scope, g.JoinedAt, g.HasJoined = types.ScopeAdmin, types.Timestamp(gi.created), &yes
		return map[string]any{"group": g, "members": s.memberMap(ps, at)}
	case "group_updated", "group_deleted":
		at := s.epoch()
		gi := s.groupInfo(s.person(at).uid, at)
		return map[string]any{"group": s.group(gi, at, false)}
	case "group_owner_transferred":
		at := s.epoch()
		ps := s.people(2, at)
		gi := s.groupInfo(ps[1].uid, at)
		g, err := normalize(s.group(gi, at, false))
		if err != nil {
			panic("generate: " + err.Error())
		}
		g["owner"], g["oldOwner"] = ps[1].uid, ps[0].uid
		return map[string]any{"group": g}
	case "group_member_added", "group_member_kicked", "group_member_banned", "group_member_unbanned":
		at := s.epoch()
		ps := s.people(2+s.f.IntN(3), at)
		gi := s.groupInfo(ps[0].uid, at)
		return map[string]any{"group": s.group(gi, at, false), "members": s.memberMap(ps[1:], at), "by": s.hookUser(ps[0], at)}
	case "group_member_scope_changed":
		at := s.epoch()
		ps := s.people(2, at)
		gi := s.groupInfo(ps[0].uid, at)
		m, err := normalize(s.hookUser(ps[1], at))
		if err != nil {
			panic("generate: " + err.Error())
		}
		scopes := []types.MemberScope{types.ScopeParticipant, types.ScopeModerator, types.ScopeAdmin}
		k := s.f.IntN(3)
		m["scope"], m["oldScope"] = scopes[k], scopes[(k+1+s.f.IntN(2))%3]
		return map[string]any{"group": s.group(gi, at, false), "members": map[string]any{ps[1].uid: m}, "by": s.hookUser(ps[0], at)}
	case "group_member_joined", "group_member_left":
		at := s.epoch()
		p := s.person(at)
		gi := s.groupInfo(s.person(at).uid, at)
		return map[string]any{"group": s.group(gi, at, false), "members": s.memberMap([]person{p}, at)}
	case "call_initiated", "call_busy", "call_cancelled", "call_rejected", "call_unanswered":
		sc := s.scene()
		status := types.CallStatus(strings.TrimPrefix(trigger, "call_"))
		initiated := sc.sent
		if status != types.CallInitiated {
			initiated -= s.between(0, 60)
		}
		typ := pick(s, types.CallAudio, types.CallVideo)
		return map[string]any{"call": s.callIn(sc, status, typ, initiated, fmt.Sprintf("v1.%s.%d.%s", pick(s, "us", "eu"), initiated, s.hex(12)))}
	case "before_message":
		m, err := normalize(s.anyMessage())
		if err != nil {
			panic("generate: " + err.Error())
		}
		delete(m, "id")
		return m
	case "after_message":
		return s.anyMessage()
	}
	panic("generate: no delivery for the trigger " + trigger)
}

// withEmptyAvatar writes a user with "avatar": "", as the System user of
// aggregate receipts has it.
type withEmptyAvatar struct{ types.User }

func (u withEmptyAvatar) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(u.User)
	if err != nil || len(b) < 2 {
		return b, err
	}
	return append([]byte(`{"avatar":"",`), b[1:]...), nil
}

// memberMap keys each of ps, as a delivery's user, by its uid.
func (s *src) memberMap(ps []person, at int64) map[string]any {
	out := map[string]any{}
	for _, p := range ps {
		out[p.uid] = s.hookUser(p, at)
	}
	return out
}

// WebhookFaults lists the faults of broken deliveries: one for each rule of
// webhook deliveries, and faults of the entities inside.
var WebhookFaults = []string{"webhook-trigger", "webhook-envelope", "webhook-key", "webhook-receipt", "webhook-call",
	"webhook-members", "entity-milliseconds", "entity-required", "entity-enum"}

// WebhookMutant returns the i-th broken delivery of trigger ("all" for
// every trigger of the model in turn): the i-th delivery, broken in one way
// chosen by the seed among the faults that fit its trigger, labelled with
// the violation a validator must report (kind webhook, rest profile).
func (g *Generator) WebhookMutant(trigger string, i int) (Mutant, error) {
	d, err := g.Webhook(trigger, i)
	if err != nil {
		return Mutant{}, err
	}
	return g.BreakWebhook(d, i)
}

// BreakWebhook breaks d, a valid delivery of a trigger of the model
// (decoded, numbers as json.Number), in one way chosen by the seed and i
// among the faults that fit its trigger, and returns it labelled as
// WebhookMutant does. d itself is changed. It fails for a delivery whose
// trigger is not one of the model's, or that no fault fits.
func (g *Generator) BreakWebhook(d map[string]any, i int) (Mutant, error) {
	name, _ := d["trigger"].(string)
	if t, ok := webhook.Lookup(name); !ok || !t.Model() {
		return Mutant{}, fmt.Errorf("cannot break a delivery of %q: not a trigger of the model", name)
	}
	if _, ok := d["data"].(map[string]any); !ok {
		return Mutant{}, fmt.Errorf("cannot break a %s delivery whose data is not an object", name)
	}
	s := g.src("webhook-mutant/"+name, i)
	start := s.f.IntN(len(WebhookFaults))
	for n := 0; n < len(WebhookFaults); n++ {
		if m, ok := breakWebhook(s, d, name, WebhookFaults[(start+n)%len(WebhookFaults)]); ok {
			var err error
			m.Kind, m.Profile = types.KindWebhook, types.ProfileREST
			m.JSON, err = json.Marshal(d)
			return m, err
		}
	}
	return Mutant{}, fmt.Errorf("no fault fits a %s delivery", name)
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// breakWebhook breaks delivery d of trigger with fault, if the fault fits.
func breakWebhook(s *src, d map[string]any, trigger, fault string) (Mutant, bool) {
	data, _ := d["data"].(map[string]any)
	tr, _ := webhook.Lookup(trigger)
	switch fault {
	case "webhook-trigger":
		wrong := pick(s, trigger+"s", strings.Replace(trigger, "_", "-", 1), strings.ToUpper(trigger))
		if _, known := webhook.Lookup(wrong); known {
			return Mutant{}, false
		}
		d["trigger"] = wrong
		return Mutant{Fault: fmt.Sprintf("misspelt the trigger %q as %q", trigger, wrong), Rule: "webhook-trigger", Pointer: "/trigger"}, true
	case "webhook-envelope":
		keys := []string{"appId", "webhook", "data"}
		if _, ok := d["region"]; ok {
			keys = append(keys, "region")
		}
		k := pick(s, keys...)
		if k == "data" {
			d[k] = "[object Object]"
			return Mutant{Fault: "sent data as a string", Rule: "webhook-envelope", Pointer: "/data"}, true
		}
		d[k] = json.Number(strconv.Itoa(1 + s.f.IntN(9999)))
		return Mutant{Fault: fmt.Sprintf("sent %s as a number", k), Rule: "webhook-envelope", Pointer: "/" + k}, true
	case "webhook-key":
		for _, key := range []string{"members", "users"} {
			if m, ok := data[key].(map[string]any); ok && len(m) > 0 {
				uid := pick(s, sortedKeys(m)...)
				u, ok := m[uid].(map[string]any)
				if !ok {
					return Mutant{}, false
				}
				u["uid"] = uid + "-other"
				p := pointer("data", key, uid, "uid")
				return Mutant{Fault: fmt.Sprintf("keyed %s by another uid than its own", p), Rule: "webhook-key", Pointer: p}, true
			}
		}
	case "webhook-receipt":
		if data["type"] != "receipts" {
			return Mutant{}, false
		}
		if (trigger == "message_delivered_to_all" || trigger == "message_read_by_all") && s.chance(0.5) {
			data["receiverType"] = "user"
			return Mutant{Fault: "sent an aggregate receipt for a user's message", Rule: "webhook-receipt", Pointer: "/data/receiverType"}, true
		}
		data["sender"] = data["messageSender"]
		if data["sender"] == get(data, "body", "user", "uid") {
			data["sender"] = "someone-else"
		}
		return Mutant{Fault: "named another sender than the receipt's user", Rule: "webhook-receipt", Pointer: "/data/sender"}, true
	case "webhook-call":
		if !strings.HasPrefix(trigger, "call_") {
			return Mutant{}, false
		}
		var others []string
		for _, t := range []string{"call_initiated", "call_busy", "call_cancelled", "call_rejected", "call_unanswered"} {
			if t != trigger {
				others = append(others, t)
			}
		}
		d["trigger"] = pick(s, others...)
		return Mutant{Fault: fmt.Sprintf("delivered a %s call as %s", strings.TrimPrefix(trigger, "call_"), d["trigger"]),
			Rule: "webhook-call", Pointer: "/data/call/data/action"}, true
	case "webhook-members":
		switch trigger {
		case "group_member_kicked", "group_member_banned", "group_member_unbanned":
			by, _ := data["by"].(map[string]any)
			uid, _ := by["uid"].(string)
			members, _ := data["members"].(map[string]any)
			if uid == "" || members == nil {
				return Mutant{}, false
			}
			copyBy := map[string]any{}
			for k, v := range by {
				copyBy[k] = v
			}
			members[uid] = copyBy
			p := pointer("data", "members", uid)
			return Mutant{Fault: "listed the actor among the members", Rule: "webhook-members", Pointer: p}, true
		case "group_member_scope_changed":
			ms, _ := data["members"].(map[string]any)
			if len(ms) == 0 {
				return Mutant{}, false
			}
			uid := sortedKeys(ms)[0]
			m, _ := ms[uid].(map[string]any)
			if m == nil {
				return Mutant{}, false
			}
			m["oldScope"] = m["scope"]
			return Mutant{Fault: "gave a scope change the same scope as before", Rule: "webhook-members", Pointer: pointer("data", "members", uid, "scope")}, true
		case "group_owner_transferred":
			g, _ := data["group"].(map[string]any)
			if g == nil {
				return Mutant{}, false
			}
			g["oldOwner"] = g["owner"]
			return Mutant{Fault: "transferred a group to its own owner", Rule: "webhook-members", Pointer: "/data/group/owner"}, true
		}
	case "entity-milliseconds", "entity-required", "entity-enum":
		// Break the first entity of the trigger: a message's sentAt, a
		// group's createdAt, a user's lastActiveAt.
		part := tr.Parts[0]
		path := strings.Split(strings.TrimPrefix(part.Pointer, "/"), "/")
		ent, _ := get(d, path[:len(path)-1]...).(map[string]any)
		last := path[len(path)-1]
		if last == "*" {
			if ent == nil || len(ent) == 0 {
				return Mutant{}, false
			}
			last = sortedKeys(ent)[0]
			path[len(path)-1] = last
		}
		e, _ := ent[last].(map[string]any)
		if e == nil {
			return Mutant{}, false
		}
		at := pointer(path...)
		var field string
		switch {
		case part.Kind == "":
			field = "sentAt"
		case part.Kind == types.KindGroup:
			field = "createdAt"
		case part.Kind == types.KindUser:
			field = "lastActiveAt"
		default:
			field = "sentAt"
		}
		switch fault {
		case "entity-milliseconds":
			n, ok := e[field].(json.Number)
			if !ok {
				return Mutant{}, false
			}
			v, _ := n.Int64()
			e[field] = json.Number(strconv.FormatInt(v*1000+s.between(0, 999), 10))
			return Mutant{Fault: fmt.Sprintf("wrote %s/%s in milliseconds", at, field), Rule: "timestamp-unit", Pointer: at + "/" + field}, true
		case "entity-required":
			req := "name"
			if part.Kind == "" || part.Kind == types.KindCall {
				req = "receiver"
				if trigger == "before_message" || part.Kind == types.KindCall {
					req = "sentAt"
				}
			}
			if _, ok := e[req]; !ok {
				return Mutant{}, false
			}
			delete(e, req)
			return Mutant{Fault: fmt.Sprintf("removed %s/%s", at, req), Rule: "required", Pointer: at + "/" + req}, true
		case "entity-enum":
			switch part.Kind {
			case types.KindUser:
				e["status"] = "away"
				return Mutant{Fault: fmt.Sprintf("gave %s a status the model does not list", at), Rule: "enum", Pointer: at + "/status"}, true
			case types.KindGroup:
				e["type"] = "secret"
				return Mutant{Fault: fmt.Sprintf("gave %s a type the model does not list", at), Rule: "enum", Pointer: at + "/type"}, true
			default:
				e["receiverType"] = "channel"
				return Mutant{Fault: fmt.Sprintf("gave %s a receiverType the model does not list", at), Rule: "enum", Pointer: at + "/receiverType"}, true
			}
		}
	}
	return Mutant{}, false
}

// WriteWebhooks makes n deliveries of trigger ("all" for every trigger of
// the model in turn), or broken ones labelled in out.Manifest when invalid
// is set, and writes them as out says (files are named
// <trigger>-<index>.json). Deliveries are wire JSON whatever the profile:
// a generator of another profile than rest is refused, rather than its
// profile silently ignored.
func (g *Generator) WriteWebhooks(trigger string, n int, invalid bool, out Output) error {
	if n < 0 {
		return fmt.Errorf("cannot make %d deliveries", n)
	}
	if _, err := webhookTrigger(trigger, 0); err != nil {
		return err
	}
	if p := g.opts.Profile; p != types.ProfileREST {
		return fmt.Errorf("deliveries carry their entities as CometChat POSTs them, in the rest profile's wire JSON: the %s profile does not apply to --webhook; drop --profile (or make the entities alone with --kind KIND --profile %s)", p, p)
	}
	s, err := newSink(out, invalid)
	if err != nil {
		return err
	}
	for i := 0; i < n && err == nil; i++ {
		name, _ := webhookTrigger(trigger, i)
		if invalid {
			var mu Mutant
			if mu, err = g.WebhookMutant(trigger, i); err == nil {
				err = s.add(name, i, mu.JSON, &mu)
			}
			continue
		}
		var d map[string]any
		var b []byte
		if d, err = g.Webhook(trigger, i); err == nil {
			if b, err = json.Marshal(d); err == nil {
				err = s.add(name, i, b, nil)
			}
		}
	}
	return s.close(err)
}
