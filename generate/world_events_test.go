package generate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/validate"
)

// checkWorldEvents reads the world in dir and its events.ndjson, and
// returns every cross reference of the events that disagrees with the
// world, each naming the event (by its line) and what is wrong. It is
// written apart from the generator, from the files alone: the users,
// groups and messages an event names must be the world's, as the world
// has them at the event's time; the events must come in the order of
// their times; receipts and reactions only from users who could see the
// message; every conversation message sent once, every membership action
// and every group's creation delivered once. No time anywhere in a
// delivery is later than the delivery's own; the user who acts in it is
// last active at its time, every other user at the world's lastActiveAt
// or the delivery's time, whichever is earlier; a receipt is addressed as
// CometChat addresses it (to the message's sender, or to the group) and
// carries its reader in the receipt layout.
func checkWorldEvents(dir string) []string {
	var errs []string
	fail := func(n int, format string, a ...any) {
		errs = append(errs, fmt.Sprintf("event %d: %s", n, fmt.Sprintf(format, a...)))
	}
	read := func(name string) []map[string]any {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			errs = append(errs, err.Error())
			return nil
		}
		var env struct{ Data []map[string]any }
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&env); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
		}
		return env.Data
	}
	users, groups, msgs := map[string]map[string]any{}, map[string]map[string]any{}, map[string]map[string]any{}
	for _, u := range read("users.json") {
		users[s(u["uid"])] = u
	}
	for _, g := range read("groups.json") {
		groups[s(g["guid"])] = g
	}
	all := read("messages.json")
	for _, m := range all {
		msgs[s(m["id"])] = m
	}

	// Who was in which group when: owners from the group's creation, then
	// the membership actions.
	type stint struct{ from, to int64 }
	roster := map[string]map[string][]stint{}
	for guid, g := range groups {
		roster[guid] = map[string][]stint{s(g["owner"]): {{from: n(g["createdAt"])}}}
	}
	var memberActs []map[string]any
	for _, m := range all {
		if s(m["category"]) != "action" || s(m["type"]) != "groupMember" {
			continue
		}
		memberActs = append(memberActs, m)
		ms := roster[s(m["receiver"])]
		if ms == nil {
			errs = append(errs, fmt.Sprintf("messages.json: action %s in a group that is not the world's", s(m["id"])))
			continue
		}
		by, on := s(at(m, "data", "entities", "by", "entity", "uid")), s(at(m, "data", "entities", "on", "entity", "uid"))
		switch s(at(m, "data", "action")) {
		case "joined":
			ms[by] = append(ms[by], stint{from: n(m["sentAt"])})
		case "added":
			ms[on] = append(ms[on], stint{from: n(m["sentAt"])})
		case "kicked", "banned", "left":
			if ss := ms[on]; len(ss) > 0 {
				ss[len(ss)-1].to = n(m["sentAt"])
			}
		}
	}
	member := func(guid, uid string, t int64) bool {
		for _, st := range roster[guid][uid] {
			if st.from <= t && (st.to == 0 || t < st.to) {
				return true
			}
		}
		return false
	}
	count := func(guid string, t int64) int64 {
		c := int64(0)
		for uid := range roster[guid] {
			if member(guid, uid, t) {
				c++
			}
		}
		return c
	}

	f, err := os.Open(filepath.Join(dir, generate.EventsFile))
	if err != nil {
		return append(errs, err.Error())
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)

	var first map[string]any
	last := int64(0)
	sent, created, usedAct := map[string]int{}, map[string]int{}, map[int]bool{}
	calls := map[string]int{}
	reactions := map[string]map[string]any{}
	removed := map[string]bool{}
	delivered := map[string]int64{} // message id and reader: when delivered
	// scope is each member's scope as the events so far tell it, by
	// guid/uid: the owner is an admin, one who joins or is added a
	// participant, until a scope change.
	scope := map[string]string{}
	line := 0
	for sc.Scan() {
		line++
		ln := line
		var e map[string]any
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&e); err != nil {
			fail(ln, "not JSON: %v", err)
			continue
		}
		if first == nil {
			first = e
		}
		for _, k := range []string{"appId", "region", "webhook"} {
			if e[k] != first[k] {
				fail(ln, "%s %v differs from the first event's %v", k, e[k], first[k])
			}
		}
		data, _ := e["data"].(map[string]any)
		trigger := s(e["trigger"])
		t := int64(-1) // the event's time, when it can be told
		actor := ""    // the user who acts in the event
		// user checks a delivery's user (members, by, a receipt's or a
		// reaction's user) against the world's; receipt, in the layout
		// receipts carry users in.
		user := func(u any, where string, receipt bool) string {
			um, _ := u.(map[string]any)
			uid := s(um["uid"])
			w, ok := users[uid]
			if !ok {
				fail(ln, "%s: uid %q is not a user of the world", where, uid)
				return uid
			}
			if um["name"] != w["name"] {
				fail(ln, "%s: name %v, where the world's user %s is %v", where, um["name"], uid, w["name"])
			}
			if a, ok := w["avatar"]; ok && um["avatar"] != a {
				fail(ln, "%s: avatar %v, where the world's user %s has %v", where, um["avatar"], uid, a)
			}
			if _, ok := um["lastActiveAt"]; !ok {
				fail(ln, "%s: no lastActiveAt", where)
			}
			online := w["status"] == "online" || w["status"] == "available"
			status := map[bool]string{true: "available", false: "offline"}[online]
			if receipt {
				status = map[bool]string{true: "online", false: "offline"}[online]
				for k, want := range map[string]any{"hasBlockedMe": false, "blockedByMe": false, "deactivatedAt": json.Number("0")} {
					if um[k] != want {
						fail(ln, "%s: %s %v, where a receipt's user has %v", where, k, um[k], want)
					}
				}
			} else {
				for _, k := range []string{"hasBlockedMe", "blockedByMe", "deactivatedAt"} {
					if _, ok := um[k]; ok {
						fail(ln, "%s: %s, which only a receipt's user carries", where, k)
					}
				}
			}
			if um["status"] != status {
				fail(ln, "%s: status %v, where the world's user %s is %v (%s in this delivery)", where, um["status"], uid, w["status"], status)
			}
			return uid
		}
		group := func(g any, when int64) string {
			gm, _ := g.(map[string]any)
			guid := s(gm["guid"])
			w, ok := groups[guid]
			if !ok {
				fail(ln, "group guid %q is not a group of the world", guid)
				return guid
			}
			for _, k := range []string{"name", "type", "owner", "createdAt"} {
				if gm[k] != w[k] {
					fail(ln, "group %s: %s %v, where the world has %v", guid, k, gm[k], w[k])
				}
			}
			if c, ok := gm["membersCount"]; ok && when >= 0 && n(c) != count(guid, when) {
				fail(ln, "group %s: membersCount %v, where the group has %d members then", guid, c, count(guid, when))
			}
			if u, ok := gm["updatedAt"]; ok && when >= 0 && n(u) > when {
				fail(ln, "group %s: updatedAt %v is after the event's time %d", guid, u, when)
			}
			return guid
		}
		// message compares m with messages.json's, but for the keys
		// skip leaves out; asSent, the message as it was sent, before an
		// edit or a deletion changed its text.
		message := func(m any, asSent bool, skip ...string) map[string]any {
			mm, _ := m.(map[string]any)
			id := s(mm["id"])
			w, ok := msgs[id]
			if !ok {
				fail(ln, "message id %q is not in messages.json", id)
				return nil
			}
			// The message's time and the user who acts on it, as
			// messages.json tells them: the world's message as it was
			// then is what the delivery must carry.
			when, who := n(w["sentAt"]), s(w["sender"])
			switch {
			case s(w["category"]) == "call":
				if by := s(at(w, "data", "entities", "by", "entity", "uid")); by != "" {
					who = by
				}
			case asSent:
			case trigger == "message_edited":
				when, who = n(w["editedAt"]), s(w["editedBy"])
			case trigger == "message_deleted":
				when, who = n(w["deletedAt"]), s(w["deletedBy"])
			}
			a, b := clone(mm), clone(asOfWorld(w, when, who))
			for _, k := range append(skip, "deliveredAt", "readAt") {
				delete(a, k)
				delete(b, k)
			}
			for _, k := range []string{"deliveredAt", "readAt"} {
				if v, ok := mm[k]; ok && v != w[k] {
					fail(ln, "message %s: %s %v, where messages.json has %v", id, k, v, w[k])
				}
			}
			_, edited := w["editedAt"]
			_, deleted := w["deletedAt"]
			if ta, tb := at(a, "data", "text"), at(b, "data", "text"); ta != tb && !(asSent && (edited || deleted)) {
				fail(ln, "message %s: text %q disagrees with messages.json's %q", id, ta, tb)
			}
			if da, ok := a["data"].(map[string]any); ok {
				delete(da, "text")
			}
			if db, ok := b["data"].(map[string]any); ok {
				delete(db, "text")
			}
			if !reflect.DeepEqual(a, b) {
				fail(ln, "message %s: %s disagrees with messages.json", id, firstDiff(a, b))
			}
			return w
		}
		switch trigger {
		case "group_created":
			t = n(at(data, "group", "createdAt"))
			guid := group(data["group"], t)
			created[guid]++
			ms, _ := data["members"].(map[string]any)
			if len(ms) != 1 || ms[s(groups[guid]["owner"])] == nil {
				fail(ln, "group %s was created with members %v, not its owner alone", guid, keys(ms))
			}
			for k, u := range ms {
				user(u, "members/"+k, false)
			}
			actor = s(groups[guid]["owner"])
			scope[guid+"/"+s(groups[guid]["owner"])] = "admin"
		case "group_member_joined", "group_member_added", "group_member_kicked", "group_member_banned", "group_member_scope_changed":
			act := map[string]string{"group_member_joined": "joined", "group_member_added": "added", "group_member_kicked": "kicked",
				"group_member_banned": "banned", "group_member_scope_changed": "scopeChanged"}[trigger]
			guid := s(at(data, "group", "guid"))
			ms, _ := data["members"].(map[string]any)
			if len(ms) != 1 {
				fail(ln, "%d members, where a world's membership action has one", len(ms))
				continue
			}
			who := keys(ms)[0]
			var by string
			if b, ok := data["by"]; ok {
				by = s(b.(map[string]any)["uid"])
			}
			// The first membership action of messages.json not yet
			// delivered that says the same.
			found := -1
			for i, m := range memberActs {
				subject := s(at(m, "data", "entities", "on", "entity", "uid"))
				if act == "joined" {
					subject = s(at(m, "data", "entities", "by", "entity", "uid"))
				}
				if !usedAct[i] && s(at(m, "data", "action")) == act && s(m["receiver"]) == guid && subject == who &&
					(by == "" || by == s(at(m, "data", "entities", "by", "entity", "uid"))) {
					found = i
					break
				}
			}
			if found < 0 {
				fail(ln, "no %s action in messages.json for %s in group %s by %q", act, who, guid, by)
				continue
			}
			usedAct[found] = true
			m := memberActs[found]
			t = n(m["sentAt"])
			group(data["group"], t)
			u := user(ms[who], "members/"+who, false)
			if u != who {
				fail(ln, "members/%s holds the user %s", who, u)
			}
			actor = who
			if by != "" {
				user(data["by"], "by", false)
				actor = by
			}
			switch act {
			case "joined", "added":
				scope[guid+"/"+who] = "participant"
			case "kicked", "banned":
				delete(scope, guid+"/"+who)
			}
			if act == "scopeChanged" {
				um := ms[who].(map[string]any)
				if was, ok := scope[guid+"/"+who]; !ok || um["oldScope"] != was {
					fail(ln, "%s's scope in group %s changes from %v, where the events so far make it %q", who, guid, um["oldScope"], was)
				}
				scope[guid+"/"+who] = s(um["scope"])
				if um["scope"] != at(m, "data", "extras", "scope", "new") || um["oldScope"] != at(m, "data", "extras", "scope", "old") {
					fail(ln, "scope %v from %v, where messages.json's action %s says %v from %v", um["scope"], um["oldScope"], s(m["id"]),
						at(m, "data", "extras", "scope", "new"), at(m, "data", "extras", "scope", "old"))
				}
			}
		case "message_sent":
			m, _ := data["message"].(map[string]any)
			w := message(m, true, "editedAt", "editedBy", "deletedAt", "deletedBy", "updatedAt")
			if w == nil {
				continue
			}
			t, actor = n(w["sentAt"]), s(w["sender"])
			id := s(w["id"])
			sent[id]++
			for _, k := range []string{"editedAt", "deletedAt"} {
				if _, ok := m[k]; ok {
					fail(ln, "message %s is sent with %s", id, k)
				}
			}
			if n(m["updatedAt"]) != t {
				fail(ln, "message %s is sent with updatedAt %v, not its sentAt %d", id, m["updatedAt"], t)
			}
			if _, ok := w["deletedAt"]; ok && s(w["type"]) == "text" && s(at(m, "data", "text")) == "" {
				fail(ln, "message %s, later deleted, is sent without its text", id)
			}
			if s(w["receiverType"]) == "group" && !member(s(w["receiver"]), s(w["sender"]), t) {
				fail(ln, "message %s: its sender %s is not in group %s at %d", id, s(w["sender"]), s(w["receiver"]), t)
			}
		case "message_edited", "message_deleted":
			act := strings.TrimPrefix(trigger, "message_")
			w := message(data["message"], false)
			if w == nil {
				continue
			}
			id := s(w["id"])
			t, actor = n(w[act+"At"]), s(w[act+"By"])
			if t == 0 {
				fail(ln, "message %s is %s, but messages.json has no %sAt", id, act, act)
			}
			ok := false
			for _, m := range all {
				if s(m["category"]) == "action" && s(m["type"]) == "message" && s(at(m, "data", "action")) == act &&
					s(at(m, "data", "entities", "on", "entity", "id")) == id && n(m["sentAt"]) == t {
					ok = true
				}
			}
			if !ok {
				fail(ln, "no %s action in messages.json on message %s at %d", act, id, t)
			}
		case "call_initiated", "call_busy", "call_cancelled", "call_rejected", "call_unanswered":
			w := message(data["call"], false)
			if w == nil {
				continue
			}
			t, actor = n(w["sentAt"]), s(at(w, "data", "entities", "by", "entity", "uid"))
			calls[s(w["id"])]++
			if st := s(at(w, "data", "action")); "call_"+st != trigger {
				fail(ln, "%s for a call whose status is %s", trigger, st)
			}
		case "message_delivery_receipt", "message_read_receipt":
			body, _ := data["body"].(map[string]any)
			id := s(body["messageId"])
			w, ok := msgs[id]
			if !ok {
				fail(ln, "receipt for message id %q, which is not in messages.json", id)
				continue
			}
			t = n(body["timestamp"])
			reader := user(body["user"], "body/user", true)
			actor = reader
			// CometChat addresses a one-to-one receipt to the message's
			// sender (its published example and its QA suite), a group
			// message's to the group.
			to := w["sender"]
			if s(w["receiverType"]) == "group" {
				to = w["receiver"]
			}
			if data["receiver"] != to || data["receiverType"] != w["receiverType"] || data["messageSender"] != w["sender"] {
				fail(ln, "receipt for message %s names receiver %v (%v) and message sender %v, where the message is from %v to %v (%v): the receipt goes to %v",
					id, data["receiver"], data["receiverType"], data["messageSender"], w["sender"], w["receiver"], w["receiverType"], to)
			}
			if data["sender"] != reader {
				fail(ln, "receipt sent by %v, where its reader is %s", data["sender"], reader)
			}
			if want := map[string]string{"message_delivery_receipt": "delivered", "message_read_receipt": "read"}[trigger]; data["type"] != "receipts" || body["action"] != want {
				fail(ln, "%s of type %v with action %v, where it is of type receipts with action %s", trigger, data["type"], body["action"], want)
			}
			sentAt := n(w["sentAt"])
			switch {
			case t < sentAt:
				fail(ln, "receipt at %d, before message %s was sent at %d", t, id, sentAt)
			case reader == s(w["sender"]):
				fail(ln, "receipt for message %s from its own sender %s", id, reader)
			case s(w["receiverType"]) == "group" && !(member(s(w["receiver"]), reader, sentAt) && member(s(w["receiver"]), reader, t)):
				fail(ln, "receipt for message %s from %s, who could not see it: not in group %s from %d to %d", id, reader, s(w["receiver"]), sentAt, t)
			case s(w["receiverType"]) == "user" && reader != s(w["receiver"]):
				fail(ln, "receipt for message %s from %s, who could not see it: it went to %s", id, reader, s(w["receiver"]))
			}
			action := s(body["action"])
			if s(w["receiverType"]) == "user" {
				if want := n(w[action+"At"]); want != t {
					fail(ln, "%s receipt for message %s at %d, where messages.json says %sAt %d", action, id, t, action, want)
				}
			} else if d := n(w["deletedAt"]); d != 0 && t >= d {
				fail(ln, "receipt for message %s at %d, after it was deleted at %d", id, t, d)
			}
			key := id + " " + reader
			if action == "delivered" {
				delivered[key] = t
			} else if d, ok := delivered[key]; ok && t < d {
				fail(ln, "read at %d, before it was delivered at %d", t, d)
			}
		case "message_reaction_added", "message_reaction_removed":
			re, _ := data["reaction"].(map[string]any)
			id, rid := s(re["messageId"]), s(re["id"])
			w, ok := msgs[id]
			if !ok {
				fail(ln, "reaction to message id %q, which is not in messages.json", id)
				continue
			}
			when := n(re["reactedAt"])
			uid := user(re["reactedBy"], "reaction/reactedBy", false)
			actor = uid
			if s(re["uid"]) != uid {
				fail(ln, "reaction uid %v, reactedBy %s", re["uid"], uid)
			}
			if _, ok := users[s(re["uid"])]; !ok {
				fail(ln, "reaction uid %q is not a user of the world", s(re["uid"]))
			}
			sentAt := n(w["sentAt"])
			switch {
			case when < sentAt:
				fail(ln, "reaction at %d, before message %s was sent at %d", when, id, sentAt)
			case s(w["receiverType"]) == "group" && !(member(s(w["receiver"]), uid, sentAt) && member(s(w["receiver"]), uid, when)):
				fail(ln, "reaction to message %s from %s, who could not see it: not in group %s from %d to %d", id, uid, s(w["receiver"]), sentAt, when)
			case s(w["receiverType"]) == "user" && uid != s(w["sender"]) && uid != s(w["receiver"]):
				fail(ln, "reaction to message %s from %s, who could not see it", id, uid)
			}
			if trigger == "message_reaction_added" {
				t = when
				if lt := n(at(re, "reactedBy", "lastActiveAt")); lt != when {
					fail(ln, "reaction %s added at %d by a user last active at %d", rid, when, lt)
				}
				if _, dup := reactions[rid]; dup {
					fail(ln, "reaction id %s added twice", rid)
				}
				reactions[rid] = re
				continue
			}
			prev, ok := reactions[rid]
			switch {
			case !ok:
				fail(ln, "no reaction %s was added before it is removed", rid)
			case removed[rid]:
				fail(ln, "reaction %s removed twice", rid)
			default:
				for _, k := range []string{"messageId", "reaction", "uid", "reactedAt"} {
					if prev[k] != re[k] {
						fail(ln, "reaction %s removed with %s %v, where it was added with %v", rid, k, re[k], prev[k])
					}
				}
			}
			removed[rid] = true
			// A removal names no time of its own but its user's, who is
			// active then: it falls after the reaction was added, while
			// the user can still see the message.
			t = n(at(re, "reactedBy", "lastActiveAt"))
			switch d := n(w["deletedAt"]); {
			case t <= when:
				fail(ln, "reaction %s removed at %d (its user last active then), not after it was added at %d", rid, t, when)
			case s(w["receiverType"]) == "group" && !member(s(w["receiver"]), uid, t):
				fail(ln, "reaction %s removed at %d by %s, who is not in group %s then", rid, t, uid, s(w["receiver"]))
			case d != 0 && t >= d:
				fail(ln, "reaction %s removed at %d, after message %s was deleted at %d", rid, t, id, d)
			}
		default:
			fail(ln, "trigger %q is not one of a world's history", trigger)
		}
		if t >= 0 {
			for _, p := range laterThan(data, t, "/data") {
				fail(ln, "%s %s is later than the event's time %d", trigger, p, t)
			}
			for _, p := range lastActive(data, t, actor, users, "/data") {
				fail(ln, "%s %s", trigger, p)
			}
			if t < last {
				fail(ln, "%s at %d comes after an event at %d: out of order", trigger, t, last)
			}
			last = max(last, t)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err.Error())
	}
	for _, m := range all {
		id := s(m["id"])
		switch c := s(m["category"]); {
		case c == "message" || c == "custom":
			if sent[id] != 1 {
				errs = append(errs, fmt.Sprintf("message %s is sent %d times in the events, not once", id, sent[id]))
			}
		case c == "call" && s(at(m, "data", "action")) != "ongoing" && s(at(m, "data", "action")) != "ended":
			if calls[id] != 1 {
				errs = append(errs, fmt.Sprintf("call message %s is delivered %d times in the events, not once", id, calls[id]))
			}
		}
	}
	for i, m := range memberActs {
		if !usedAct[i] {
			errs = append(errs, fmt.Sprintf("the %s action %s of messages.json has no event", s(at(m, "data", "action")), s(m["id"])))
		}
	}
	for guid := range groups {
		if created[guid] != 1 {
			errs = append(errs, fmt.Sprintf("group %s is created %d times in the events, not once", guid, created[guid]))
		}
	}
	return errs
}

func s(v any) string {
	x, _ := v.(string)
	return x
}

func n(v any) int64 {
	x, _ := v.(json.Number)
	i, _ := x.Int64()
	return i
}

func at(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	return v
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// clone copies m deeply enough for its data's text to be dropped.
func clone(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if d, ok := v.(map[string]any); ok && k == "data" {
			dd := map[string]any{}
			for k2, v2 := range d {
				dd[k2] = v2
			}
			v = dd
		}
		out[k] = v
	}
	return out
}

// firstDiff names the first key where a and b differ.
func firstDiff(a, b map[string]any) string {
	ks := keys(a)
	for _, k := range keys(b) {
		if _, ok := a[k]; !ok {
			ks = append(ks, k)
		}
	}
	for _, k := range ks {
		if !reflect.DeepEqual(a[k], b[k]) {
			return k
		}
	}
	return "?"
}

// writeWorld generates a world into a temporary directory.
func writeWorld(t *testing.T, seed uint64, users, groups, messages int) string {
	t.Helper()
	g, err := generate.New(generate.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	w, err := g.World(users, groups, messages)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := w.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readLines(t *testing.T, p string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
}

// A world's events agree with the world, for several seeds and sizes, and
// each validates with no violation, with and without --strict.
func TestWorldEventsCrossReference(t *testing.T) {
	lax, _ := validate.New(validate.Options{})
	strict, _ := validate.New(validate.Options{Strict: true})
	triggers := map[string]int{}
	for _, c := range []struct {
		seed                    uint64
		users, groups, messages int
	}{{1, 2, 0, 10}, {2, 6, 2, 30}, {3, 15, 3, 300}, {4, 40, 6, 1500}, {5, 8, 1, 0}} {
		dir := writeWorld(t, c.seed, c.users, c.groups, c.messages)
		if errs := checkWorldEvents(dir); len(errs) > 0 {
			t.Errorf("seed %d: %d cross references disagree:\n%s", c.seed, len(errs), strings.Join(errs[:min(len(errs), 20)], "\n"))
		}
		for i, line := range readLines(t, filepath.Join(dir, generate.EventsFile)) {
			if len(line) == 0 {
				continue
			}
			for _, v := range []*validate.Validator{lax, strict} {
				vd := v.Check(line)
				if len(vd.Violations) > 0 || vd.Trigger == "" {
					t.Fatalf("seed %d event %d (%s): %v\n%s", c.seed, i+1, vd.Trigger, vd.Violations, line)
				}
				triggers[vd.Trigger]++
			}
		}
	}
	for _, want := range []string{"group_created", "group_member_joined", "group_member_added", "group_member_scope_changed",
		"group_member_kicked", "group_member_banned", "message_sent", "message_edited", "message_deleted", "call_initiated",
		"message_delivery_receipt", "message_read_receipt", "message_reaction_added", "message_reaction_removed"} {
		if triggers[want] == 0 {
			t.Errorf("no %s in any world's events", want)
		}
	}
}

// The same seed gives the same events.
func TestWorldEventsDeterministic(t *testing.T) {
	a := writeWorld(t, 9, 12, 3, 200)
	b := writeWorld(t, 9, 12, 3, 200)
	x, _ := os.ReadFile(filepath.Join(a, generate.EventsFile))
	y, _ := os.ReadFile(filepath.Join(b, generate.EventsFile))
	if len(x) == 0 || !bytes.Equal(x, y) {
		t.Fatalf("two worlds of seed 9 have different events (%d and %d bytes)", len(x), len(y))
	}
}

// Each broken cross reference is caught, with a message naming it.
func TestWorldEventsCrossReferenceCatches(t *testing.T) {
	dir := writeWorld(t, 3, 15, 3, 300)
	lines := readLines(t, filepath.Join(dir, generate.EventsFile))
	decode := func(b []byte) map[string]any {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	// find returns the index of the first event that ok accepts.
	find := func(ok func(e map[string]any) bool) int {
		for i, l := range lines {
			if ok(decode(l)) {
				return i
			}
		}
		t.Fatal("no event fits")
		return -1
	}
	trig := func(name string) func(map[string]any) bool {
		return func(e map[string]any) bool { return e["trigger"] == name }
	}
	var members map[string][]any // by guid: every member at the end
	{
		b, _ := os.ReadFile(filepath.Join(dir, "groups.json"))
		var gs struct{ Data []struct{ GUID string } }
		json.Unmarshal(b, &gs)
		members = map[string][]any{}
		for _, g := range gs.Data {
			b, _ := os.ReadFile(filepath.Join(dir, "members", g.GUID+".json"))
			var ms struct{ Data []any }
			json.Unmarshal(b, &ms)
			members[g.GUID] = ms.Data
		}
	}
	var allUsers []string
	{
		b, _ := os.ReadFile(filepath.Join(dir, "users.json"))
		var us struct{ Data []struct{ UID string } }
		json.Unmarshal(b, &us)
		for _, u := range us.Data {
			allUsers = append(allUsers, u.UID)
		}
	}
	isMember := func(guid, uid string) bool {
		for _, m := range members[guid] {
			if m.(map[string]any)["uid"] == uid {
				return true
			}
		}
		return false
	}

	cases := []struct {
		name   string
		break_ func() // changes lines
		want   string
	}{
		{"a uid not in the world", func() {
			i := find(trig("message_reaction_added"))
			e := decode(lines[i])
			re := at(e, "data", "reaction").(map[string]any)
			re["uid"] = "nobody-here"
			re["reactedBy"].(map[string]any)["uid"] = "nobody-here"
			lines[i], _ = json.Marshal(e)
		}, `uid "nobody-here" is not a user of the world`},
		{"a message id that does not exist", func() {
			i := find(trig("message_sent"))
			e := decode(lines[i])
			at(e, "data", "message").(map[string]any)["id"] = "987654"
			lines[i], _ = json.Marshal(e)
		}, `message id "987654" is not in messages.json`},
		{"a time out of order", func() {
			i := find(trig("message_edited"))
			j := find(trig("message_sent"))
			lines[i], lines[j] = lines[j], lines[i]
		}, "out of order"},
		{"a receipt from a non-member", func() {
			i := find(func(e map[string]any) bool {
				return e["trigger"] == "message_delivery_receipt" && at(e, "data", "receiverType") == "group"
			})
			e := decode(lines[i])
			guid := s(at(e, "data", "receiver"))
			for _, uid := range allUsers {
				if !isMember(guid, uid) && uid != s(at(e, "data", "messageSender")) {
					// a user who never was a member: not among the
					// roster's actions either
					at(e, "data").(map[string]any)["sender"] = uid
					u := at(e, "data", "body", "user").(map[string]any)
					b, _ := os.ReadFile(filepath.Join(dir, "users.json"))
					var us struct{ Data []map[string]any }
					json.Unmarshal(b, &us)
					for _, w := range us.Data {
						if w["uid"] == uid {
							u["uid"], u["name"] = uid, w["name"]
						}
					}
					break
				}
			}
			lines[i], _ = json.Marshal(e)
		}, "who could not see it"},
		{"an edit whose text disagrees with messages.json", func() {
			i := find(trig("message_edited"))
			e := decode(lines[i])
			at(e, "data", "message", "data").(map[string]any)["text"] = "not what was written"
			lines[i], _ = json.Marshal(e)
		}, `text "not what was written" disagrees with messages.json's`},
		{"a group's name", func() {
			i := find(trig("group_member_joined"))
			e := decode(lines[i])
			at(e, "data", "group").(map[string]any)["name"] = "Renamed"
			lines[i], _ = json.Marshal(e)
		}, "name Renamed, where the world has"},
		{"a message never sent", func() {
			i := find(trig("message_sent"))
			lines = append(lines[:i:i], lines[i+1:]...)
		}, "is sent 0 times in the events, not once"},
		{"a reaction removed before it was added", func() {
			i := find(trig("message_reaction_removed"))
			e := decode(lines[i])
			at(e, "data", "reaction").(map[string]any)["id"] = "424242"
			lines[i], _ = json.Marshal(e)
		}, "no reaction 424242 was added before it is removed"},
		{"a scope change that disagrees with its action", func() {
			i := find(trig("group_member_scope_changed"))
			e := decode(lines[i])
			for _, m := range at(e, "data", "members").(map[string]any) {
				m.(map[string]any)["oldScope"] = m.(map[string]any)["scope"]
			}
			lines[i], _ = json.Marshal(e)
		}, "where messages.json's action"},
		{"a scope change from a scope the member did not have", func() {
			i := find(trig("group_member_scope_changed"))
			e := decode(lines[i])
			for _, m := range at(e, "data", "members").(map[string]any) {
				m.(map[string]any)["oldScope"] = "moderator"
			}
			lines[i], _ = json.Marshal(e)
		}, "where the events so far make it \"participant\""},
		{"a read receipt at another time than readAt", func() {
			i := find(func(e map[string]any) bool {
				return e["trigger"] == "message_read_receipt" && at(e, "data", "receiverType") == "user"
			})
			e := decode(lines[i])
			body := at(e, "data", "body").(map[string]any)
			body["timestamp"] = json.Number(fmt.Sprint(n(body["timestamp"]) + 1))
			lines[i], _ = json.Marshal(e)
		}, "where messages.json says readAt"},
		{"a membership action delivered for another user", func() {
			i := find(trig("group_member_added"))
			e := decode(lines[i])
			ms := at(e, "data", "members").(map[string]any)
			for k, v := range ms {
				delete(ms, k)
				ms["someone-else"] = v
			}
			lines[i], _ = json.Marshal(e)
		}, "no added action in messages.json for someone-else"},
		{"a one-to-one receipt addressed to its reader", func() {
			i := find(func(e map[string]any) bool {
				return e["trigger"] == "message_read_receipt" && at(e, "data", "receiverType") == "user"
			})
			e := decode(lines[i])
			at(e, "data").(map[string]any)["receiver"] = at(e, "data", "sender")
			lines[i], _ = json.Marshal(e)
		}, "the receipt goes to"},
		{"a receipt whose reader is a delivery's user, not a receipt's", func() {
			i := find(trig("message_delivery_receipt"))
			e := decode(lines[i])
			u := at(e, "data", "body", "user").(map[string]any)
			delete(u, "hasBlockedMe")
			lines[i], _ = json.Marshal(e)
		}, "hasBlockedMe <nil>, where a receipt's user has false"},
		{"a receipt of the wrong action", func() {
			i := find(trig("message_read_receipt"))
			e := decode(lines[i])
			at(e, "data", "body").(map[string]any)["action"] = "delivered"
			lines[i], _ = json.Marshal(e)
		}, "where it is of type receipts with action read"},
		{"a sent message's receiver last active after it was sent", func() {
			i := find(func(e map[string]any) bool {
				u, _ := at(e, "data", "message", "data", "entities", "receiver", "entity").(map[string]any)
				_, ok := u["lastActiveAt"]
				return e["trigger"] == "message_sent" && ok
			})
			e := decode(lines[i])
			u := at(e, "data", "message", "data", "entities", "receiver", "entity").(map[string]any)
			u["lastActiveAt"] = json.Number(fmt.Sprint(n(at(e, "data", "message", "sentAt")) + 86400))
			lines[i], _ = json.Marshal(e)
		}, "/data/message/data/entities/receiver/entity/lastActiveAt"},
		{"a nested user's updatedAt from the future", func() {
			i := find(trig("message_sent"))
			e := decode(lines[i])
			u := at(e, "data", "message", "data", "entities", "sender", "entity").(map[string]any)
			u["updatedAt"] = json.Number(fmt.Sprint(n(at(e, "data", "message", "sentAt")) + 1))
			lines[i], _ = json.Marshal(e)
		}, "sender/entity/updatedAt"},
		{"the user who acts, last active before the act", func() {
			i := find(trig("group_member_added"))
			e := decode(lines[i])
			by := at(e, "data", "by").(map[string]any)
			by["lastActiveAt"] = json.Number(fmt.Sprint(n(by["lastActiveAt"]) - 60))
			lines[i], _ = json.Marshal(e)
		}, "acts in it, so is last active at its time"},
		{"a reader last active long before the read", func() {
			i := find(trig("message_read_receipt"))
			e := decode(lines[i])
			u := at(e, "data", "body", "user").(map[string]any)
			u["lastActiveAt"] = json.Number(fmt.Sprint(n(u["lastActiveAt"]) - 30*86400))
			lines[i], _ = json.Marshal(e)
		}, "/data/body/user/lastActiveAt"},
		{"a member who does not act, last active at another time than the world's", func() {
			i := find(trig("group_member_added"))
			e := decode(lines[i])
			for _, m := range at(e, "data", "members").(map[string]any) {
				m.(map[string]any)["lastActiveAt"] = json.Number(fmt.Sprint(n(m.(map[string]any)["lastActiveAt"]) - 1))
			}
			lines[i], _ = json.Marshal(e)
		}, "where the world's"},
		{"a reaction removed before it was added", func() {
			i := find(trig("message_reaction_removed"))
			e := decode(lines[i])
			re := at(e, "data", "reaction").(map[string]any)
			re["reactedBy"].(map[string]any)["lastActiveAt"] = re["reactedAt"]
			lines[i], _ = json.Marshal(e)
		}, "not after it was added"},
		{"an unknown trigger", func() {
			i := find(trig("message_sent"))
			e := decode(lines[i])
			e["trigger"] = "message_sent_twice"
			lines[i], _ = json.Marshal(e)
		}, `trigger "message_sent_twice" is not one of a world's history`},
	}
	orig := append([][]byte(nil), lines...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines = append([][]byte(nil), orig...)
			c.break_()
			bad := t.TempDir()
			copyDir(t, dir, bad)
			if err := os.WriteFile(filepath.Join(bad, generate.EventsFile), append(bytes.Join(lines, []byte("\n")), '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			errs := checkWorldEvents(bad)
			joined := strings.Join(errs, "\n")
			if !strings.Contains(joined, c.want) {
				t.Fatalf("not caught: want %q among\n%s", c.want, joined)
			}
		})
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every event of a world, broken by BreakWebhook (as webhook send
// --faults does), is caught with exactly its label.
func TestWorldEventsBroken(t *testing.T) {
	dir := writeWorld(t, 5, 15, 3, 300)
	g, _ := generate.New(generate.Options{Seed: 7})
	v, _ := validate.New(validate.Options{})
	for i, line := range readLines(t, filepath.Join(dir, generate.EventsFile)) {
		var d map[string]any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		m, err := g.BreakWebhook(d, i)
		if err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
		vd := v.Check(m.JSON)
		hit := false
		for _, x := range vd.Violations {
			hit = hit || (x.Rule == m.Rule && x.Pointer == m.Pointer)
		}
		if !hit {
			t.Fatalf("event %d broken (%s: %s at %s) not caught: %v", i+1, m.Fault, m.Rule, m.Pointer, vd.Violations)
		}
	}
}

// timesOf are the keys of times in deliveries, at any depth.
var timesOf = map[string]bool{
	"sentAt": true, "deliveredAt": true, "readAt": true, "createdAt": true, "updatedAt": true, "lastActiveAt": true,
	"joinedAt": true, "initiatedAt": true, "editedAt": true, "deletedAt": true, "blockedAt": true, "blockedByMeAt": true,
	"deactivatedAt": true, "pinnedAt": true, "endedAt": true, "reactedAt": true, "timestamp": true,
}

// laterThan lists the pointers under v (at path) of times later than t.
func laterThan(v any, t int64, path string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for _, k := range keys(x) {
			p := path + "/" + k
			if timesOf[k] && n(x[k]) > t {
				out = append(out, fmt.Sprintf("%s %v", p, x[k]))
			}
			out = append(out, laterThan(x[k], t, p)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, laterThan(e, t, fmt.Sprintf("%s/%d", path, i))...)
		}
	}
	return out
}

// lastActive lists what is wrong with the lastActiveAt of the users under v
// (objects with a uid and a name) in a delivery at t in which actor acts:
// the actor's is t, wherever it is named, and it is named; another's, where
// it has one, the world's or t, whichever is earlier (t when the world has
// none).
func lastActive(v any, t int64, actor string, users map[string]map[string]any, path string) []string {
	var out []string
	seen := false
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			uid, isUser := x["uid"].(string)
			_, named := x["name"]
			if w, ok := users[uid]; isUser && named && ok {
				la, has := x["lastActiveAt"]
				switch {
				case uid == actor:
					seen = true
					if n(la) != t {
						out = append(out, fmt.Sprintf("%s/lastActiveAt %v: %s acts in it, so is last active at its time %d", path, la, uid, t))
					}
				case has:
					want := t
					if l, ok := w["lastActiveAt"]; ok && n(l) < t {
						want = n(l)
					}
					if n(la) != want {
						out = append(out, fmt.Sprintf("%s/lastActiveAt %v, where the world's %v and the event's time %d make it %d", path, la, w["lastActiveAt"], t, want))
					}
				}
			}
			for _, k := range keys(x) {
				walk(x[k], path+"/"+k)
			}
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s/%d", path, i))
			}
		}
	}
	walk(v, path)
	if actor != "" && !seen {
		out = append(out, fmt.Sprintf("names no user %s, who acts in it", actor))
	}
	return out
}

// asOfWorld is a deep copy of m, a message of messages.json, as it was at
// t with who acting on it: the times still to come left out, at any depth;
// users' lastActiveAt no later than t, and who's t.
func asOfWorld(m map[string]any, t int64, who string) map[string]any {
	var cp func(v any) any
	cp = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				if timesOf[k] && k != "lastActiveAt" && n(e) > t {
					continue
				}
				out[k] = cp(e)
			}
			if uid, ok := out["uid"].(string); ok {
				if la, has := out["lastActiveAt"]; uid == who || (has && n(la) > t) {
					out["lastActiveAt"] = json.Number(fmt.Sprint(t))
				}
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = cp(e)
			}
			return out
		}
		return v
	}
	return cp(m).(map[string]any)
}
