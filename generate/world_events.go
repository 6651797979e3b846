package generate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/ccconform/ccconform/types"
)

// EventsFile is the file of a world directory that holds the world's
// history as webhook deliveries, one a line, in delivery order.
const EventsFile = "events.ndjson"

// The world's history as CometChat's webhooks deliver it. Every delivery is
// built from the world's own users, groups and messages, as they were at
// the time of the delivery:
//
//   - group_created, when a group is created, with its owner as its only
//     member;
//   - group_member_joined, _added, _scope_changed, _kicked and _banned, one
//     for each membership action of messages.json, at its sentAt;
//   - message_sent, for each text, media and custom message, at its sentAt,
//     as it was sent (its first text; no editedAt, deletedAt, deliveredAt
//     or readAt yet);
//   - message_edited and message_deleted in the live form (the message
//     itself, as messages.json lists it), at the time of the action that
//     reports the change;
//   - call_initiated, call_busy, call_cancelled, call_rejected and
//     call_unanswered for the call messages of those statuses (an ongoing
//     or ended call has no delivery of the model: call_started and
//     call_ended belong to the Calls service);
//   - message_delivery_receipt and message_read_receipt: for a one-to-one
//     message, from its receiver at the deliveredAt and readAt
//     messages.json lists, addressed (data.receiver) to the message's
//     sender as CometChat addresses them; for a group message, from some of
//     the members of the moment, addressed to the group, new facts drawn
//     from the seed; the reader (body.user) in the layout receipts carry
//     users in (status online or offline, hasBlockedMe, blockedByMe,
//     deactivatedAt);
//   - message_reaction_added and, for some, message_reaction_removed, from
//     users who could see the message (its sender and receiver, or the
//     group's members at the time), new facts drawn from the seed.
//
// No delivery carries a time later than its own, however deep: a
// message's deliveredAt or readAt still to come, a nested user's or
// group's updatedAt still to come are left out, and a user's lastActiveAt
// is at most the delivery's time. The user who acts (the group's owner
// creating it, the member who joins, the by of a membership action, the
// sender of a message or a call, the editor or deleter, the reader, the
// reactor) is last active at the delivery's time, wherever the delivery
// names them. Receipts and reactions fall while their user can see the
// message and before it is deleted, and the deliveries are in the order of
// their times.

// worldEvents makes the world's history; sentText holds the first text of
// the messages that were later edited or deleted, by id.
func (g *Generator) worldEvents(w *World, sentText map[string]string) ([]map[string]any, error) {
	s := g.src("world/events", 0)
	appID, region := s.hex(16), pick(s, "us", "eu", "in")
	users := map[string]types.User{}
	for _, u := range w.Users {
		users[u.UID] = u
	}
	groups := map[string]types.Group{}
	for _, gr := range w.Groups {
		groups[gr.GUID] = gr
	}
	msgs := make([]map[string]any, len(w.Messages))
	byID := map[string]int{}
	for i, m := range w.Messages {
		mm, err := normalize(m)
		if err != nil {
			return nil, err
		}
		msgs[i] = mm
		byID[str(mm["id"])] = i
	}
	r := rosterOf(w.Groups, msgs)

	type timed struct {
		at int64
		d  map[string]any
	}
	var evs []timed
	var err error
	add := func(at int64, trigger string, data map[string]any) {
		if err != nil {
			return
		}
		var d map[string]any
		d, err = normalize(map[string]any{"trigger": trigger, "data": data, "appId": appID, "region": region, "webhook": "world-history"})
		evs = append(evs, timed{at, d})
	}
	// user is uid as a delivery at time at names someone who does not
	// act in it; actor, the one who acts.
	user := func(uid string, at int64) map[string]any { return hookUserOf(users[uid], at) }
	actor := func(uid string, at int64) map[string]any {
		u := hookUserOf(users[uid], at)
		u["lastActiveAt"] = at
		return u
	}
	// message is the i-th message as a delivery at time at carries it,
	// acted on by the user by.
	message := func(i int, at int64, by string) map[string]any {
		m, _ := normalize(w.Messages[i])
		asOf(m, at, by)
		return m
	}

	for _, gr := range w.Groups {
		at := int64(gr.CreatedAt)
		gm := groupAt(gr, 1, at)
		gm["scope"], gm["joinedAt"], gm["hasJoined"] = types.ScopeAdmin, at, true
		add(at, "group_created", map[string]any{"group": gm, "members": map[string]any{gr.Owner: actor(gr.Owner, at)}})
	}
	reactions := 0
	for i, m := range msgs {
		at := num(m["sentAt"])
		sender, receiver, rtype := str(m["sender"]), str(m["receiver"]), str(m["receiverType"])
		switch str(m["category"]) {
		case "action":
			act := str(get(m, "data", "action"))
			if str(m["type"]) == "message" {
				j, ok := byID[str(get(m, "data", "entities", "on", "entity", "id"))]
				if ok && (act == "edited" || act == "deleted") {
					by := str(get(m, "data", "entities", "by", "entity", "uid"))
					add(at, "message_"+act, map[string]any{"message": message(j, at, by)})
				}
				continue
			}
			by := str(get(m, "data", "entities", "by", "entity", "uid"))
			on := str(get(m, "data", "entities", "on", "entity", "uid"))
			gm := groupAt(groups[receiver], r.count(receiver, at), at)
			switch act {
			case "joined":
				add(at, "group_member_joined", map[string]any{"group": gm, "members": map[string]any{by: actor(by, at)}})
			case "added", "kicked", "banned":
				add(at, "group_member_"+act, map[string]any{"group": gm, "members": map[string]any{on: user(on, at)}, "by": actor(by, at)})
			case "scopeChanged":
				u := user(on, at)
				u["scope"], u["oldScope"] = get(m, "data", "extras", "scope", "new"), get(m, "data", "extras", "scope", "old")
				add(at, "group_member_scope_changed", map[string]any{"group": gm, "members": map[string]any{on: u}, "by": actor(by, at)})
			}
		case "call":
			switch st := str(get(m, "data", "action")); st {
			case "initiated", "busy", "cancelled", "rejected", "unanswered":
				by := str(get(m, "data", "entities", "by", "entity", "uid"))
				if by == "" {
					by = sender
				}
				add(at, "call_"+st, map[string]any{"call": message(i, at, by)})
			}
		case "message", "custom":
			sent := message(i, at, sender)
			for _, k := range []string{"editedAt", "editedBy", "deletedAt", "deletedBy", "deliveredAt", "readAt"} {
				delete(sent, k)
			}
			sent["updatedAt"] = at
			if t, ok := sentText[str(m["id"])]; ok {
				sent["data"].(map[string]any)["text"] = t
			}
			add(at, "message_sent", map[string]any{"message": sent})

			// Who could see the message at t, and until when.
			deleted := num(m["deletedAt"])
			sees := func(uid string, t int64) bool {
				if deleted != 0 && t >= deleted {
					return false
				}
				if rtype == "group" {
					return r.in(receiver, uid, at) && r.in(receiver, uid, t)
				}
				return uid == sender || uid == receiver
			}
			// A receipt goes to the message's sender (one-to-one) or to
			// the group, as CometChat's example and QA suite show.
			to := sender
			if rtype == "group" {
				to = receiver
			}
			receipt := func(reader, action string, t int64) {
				add(t, "message_"+map[string]string{"delivered": "delivery", "read": "read"}[action]+"_receipt", map[string]any{
					"receiver": to, "receiverType": rtype, "type": "receipts", "sender": reader, "messageSender": sender,
					"body": map[string]any{"action": action, "messageId": str(m["id"]), "user": receiptUser(actor(reader, t)), "timestamp": t}})
			}
			if rtype == "user" {
				if d := num(m["deliveredAt"]); d != 0 {
					receipt(receiver, "delivered", d)
				}
				if rd := num(m["readAt"]); rd != 0 {
					receipt(receiver, "read", rd)
				}
			} else {
				others := r.members(receiver, at)
				for _, uid := range others {
					if uid == sender || !s.chance(min(1, 3/float64(len(others)))) {
						continue
					}
					t1 := at + s.between(0, 120)
					if !sees(uid, t1) {
						continue
					}
					receipt(uid, "delivered", t1)
					if t2 := t1 + s.between(0, 3600); s.chance(0.5) && sees(uid, t2) {
						receipt(uid, "read", t2)
					}
				}
			}
			if !s.chance(0.15) {
				continue
			}
			viewers := []string{sender, receiver}
			if rtype == "group" {
				viewers = r.members(receiver, at)
			}
			for n := 1 + s.f.IntN(2); n > 0; n-- {
				uid := pick(s, viewers...)
				t := at + s.between(1, 86400)
				if !sees(uid, t) {
					continue
				}
				reactions++
				re := map[string]any{"id": strconv.Itoa(reactions), "messageId": str(m["id"]), "reaction": pick(s, "👍", "❤️", "😂", "🎉", "🏒", "👀"),
					"uid": uid, "reactedAt": t, "reactedBy": actor(uid, t)}
				add(t, "message_reaction_added", map[string]any{"reaction": re})
				if t2 := t + s.between(1, 3600); s.chance(0.3) && sees(uid, t2) {
					gone := map[string]any{}
					for k, v := range re {
						gone[k] = v
					}
					gone["reactedBy"] = actor(uid, t2)
					add(t2, "message_reaction_removed", map[string]any{"reaction": gone})
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at < evs[j].at })
	out := make([]map[string]any, len(evs))
	for i, e := range evs {
		out[i] = e.d
	}
	return out, nil
}

// hookUserOf is u as deliveries carry users at time at: uid, name, avatar,
// status (available or offline), role and lastActiveAt, never later than
// at.
func hookUserOf(u types.User, at int64) map[string]any {
	m := map[string]any{"uid": u.UID, "name": u.Name, "status": "offline", "role": "default"}
	if u.Status == types.UserOnline || u.Status == types.UserAvailable {
		m["status"] = "available"
	}
	if u.Avatar != "" {
		m["avatar"] = u.Avatar
	}
	if u.Role != "" {
		m["role"] = u.Role
	}
	last := at
	if u.LastActiveAt != 0 && int64(u.LastActiveAt) < at {
		last = int64(u.LastActiveAt)
	}
	m["lastActiveAt"] = last
	return m
}

// receiptUser is u, a delivery's user, as receipts carry their reader:
// status online rather than available, with hasBlockedMe, blockedByMe and
// deactivatedAt, as CometChat's example of both receipts has it.
func receiptUser(u map[string]any) map[string]any {
	if u["status"] == string(types.UserAvailable) {
		u["status"] = string(types.UserOnline)
	}
	u["hasBlockedMe"], u["blockedByMe"], u["deactivatedAt"] = false, false, 0
	return u
}

// timeKeys are the keys of the times entities carry.
var timeKeys = map[string]bool{
	"sentAt": true, "deliveredAt": true, "readAt": true, "createdAt": true, "updatedAt": true,
	"joinedAt": true, "initiatedAt": true, "editedAt": true, "deletedAt": true, "blockedAt": true,
	"blockedByMeAt": true, "deactivatedAt": true, "pinnedAt": true, "endedAt": true,
}

// asOf makes v (decoded JSON, numbers as json.Number) what it was at time
// at, for a delivery in which the user by acts: at every depth, a time
// later than at is left out (it has not happened yet), a user's
// lastActiveAt is at most at, and by's is at.
func asOf(v any, at int64, by string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if timeKeys[k] && num(e) > at {
				delete(x, k)
				continue
			}
			asOf(e, at, by)
		}
		if uid, ok := x["uid"].(string); ok {
			switch _, has := x["lastActiveAt"]; {
			case uid == by:
				x["lastActiveAt"] = json.Number(strconv.FormatInt(at, 10))
			case has && num(x["lastActiveAt"]) > at:
				x["lastActiveAt"] = json.Number(strconv.FormatInt(at, 10))
			}
		}
	case []any:
		for _, e := range x {
			asOf(e, at, by)
		}
	}
}

// groupAt is gr as a delivery at time at carries it: n members, and no
// updatedAt later than at.
func groupAt(gr types.Group, n int, at int64) map[string]any {
	m, _ := normalize(gr)
	m["membersCount"] = n
	if v, ok := m["updatedAt"]; ok && num(v) > at {
		delete(m, "updatedAt")
	}
	return m
}

// str returns v if it is a string, or "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// num returns v as a whole number if it is one (json.Number, int64 or
// int), or 0.
func num(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		n, _ := x.Int64()
		return n
	case int64:
		return x
	case int:
		return int64(x)
	}
	return 0
}

// stint is a user's time in a group: from when they joined, up to (not
// including) when they left, or 0 while a member.
type stint struct{ from, to int64 }

// roster is every group's members over time: guid, then uid, then stints.
type roster map[string]map[string][]stint

// rosterOf reads the groups' members over time from the world's groups
// (each owner a member from the group's creation) and the membership
// actions of its messages (decoded, numbers as json.Number).
func rosterOf(groups []types.Group, msgs []map[string]any) roster {
	r := roster{}
	for _, gr := range groups {
		r[gr.GUID] = map[string][]stint{gr.Owner: {{from: int64(gr.CreatedAt)}}}
	}
	for _, m := range msgs {
		if str(m["category"]) != "action" || str(m["type"]) != "groupMember" || r[str(m["receiver"])] == nil {
			continue
		}
		at, ms := num(m["sentAt"]), r[str(m["receiver"])]
		on := str(get(m, "data", "entities", "on", "entity", "uid"))
		switch str(get(m, "data", "action")) {
		case "joined":
			by := str(get(m, "data", "entities", "by", "entity", "uid"))
			ms[by] = append(ms[by], stint{from: at})
		case "added":
			ms[on] = append(ms[on], stint{from: at})
		case "kicked", "banned", "left":
			if ss := ms[on]; len(ss) > 0 && ss[len(ss)-1].to == 0 {
				ss[len(ss)-1].to = at
			}
		}
	}
	return r
}

// in reports whether uid is a member of guid at t.
func (r roster) in(guid, uid string, t int64) bool {
	for _, st := range r[guid][uid] {
		if st.from <= t && (st.to == 0 || t < st.to) {
			return true
		}
	}
	return false
}

// members lists the members of guid at t, sorted.
func (r roster) members(guid string, t int64) []string {
	var out []string
	for uid := range r[guid] {
		if r.in(guid, uid, t) {
			out = append(out, uid)
		}
	}
	sort.Strings(out)
	return out
}

// count is how many members guid has at t.
func (r roster) count(guid string, t int64) int { return len(r.members(guid, t)) }

// writeEvents writes events to dir/events.ndjson, one a line.
func writeEvents(dir string, events []map[string]any) error {
	f, err := os.Create(filepath.Join(dir, EventsFile))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	enc.SetEscapeHTML(false)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			f.Close()
			return fmt.Errorf("writing %s: %w", EventsFile, err)
		}
	}
	return f.Close()
}
