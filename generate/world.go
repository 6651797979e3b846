package generate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/ccconform/ccconform/types"
)

// World is a coherent chat dataset in the rest profile: users; groups owned
// by some of them; the members of each group; the messages between them,
// oldest first; and the conversations of the requesting user. Messages go
// only between existing users, and into a group only from its members at the
// time; the actions tell how each membership came to be (joined, added,
// scope changed) or ended (kicked, banned); calls follow a plausible life
// (initiated, then ongoing and ended, or unanswered, rejected, busy or
// cancelled). Some text messages are later edited or deleted by their
// sender, while still a member of the group: the message, as listed, carries
// editedAt and editedBy (and its new text) or deletedAt and deletedBy (and no
// text), and an action of type message (edited or deleted) follows at that
// time, with the message as it then was in data.entities.on.
type World struct {
	Users    []types.User
	Groups   []types.Group
	Members  map[string][]types.GroupMember // by guid: the members at the end
	Messages []types.Message
	// Conversations are those of the requesting user, Users[0], as
	// Conversations derives them.
	Conversations []types.Conversation
	// Events are the world's history as CometChat's webhooks deliver it,
	// in delivery order (see EventsFile); nil for a world read back by
	// ReadWorld.
	Events []map[string]any
}

// membership is a user's time in a group.
type membership struct {
	p            person
	scope        types.MemberScope
	joined, left int64 // left is 0 while a member
	last         int64 // the latest action on the membership
}

// World makes a world of the given size from the generator's seed (the
// generator's profile and optional mode do not apply: worlds are REST
// collections with every field a server sends). messages counts the
// conversation messages (texts, media, custom messages and call events);
// the membership actions, and the actions of edits and deletions, come on
// top of them.
func (g *Generator) World(users, groups, messages int) (*World, error) {
	if users < 2 || groups < 0 || messages < 0 {
		return nil, fmt.Errorf("a world needs at least 2 users, and no negative counts (got %d users, %d groups, %d messages)",
			users, groups, messages)
	}
	s := g.src("world", 0)
	s.profile, s.opt = types.ProfileREST, OptionalRandom
	s.users, s.groups = map[string]types.User{}, map[string]types.Group{}
	end := s.epoch()
	start := end - 365*86400
	w := &World{Members: map[string][]types.GroupMember{}}

	// People, with unique uids, created before the world's year begins or
	// during it.
	people := make([]person, 0, users)
	seen := map[string]bool{}
	for len(people) < users {
		p := s.person(start + s.between(0, 180*86400))
		for seen[p.uid] {
			p.uid += "-" + s.digits(1)
		}
		seen[p.uid] = true
		people = append(people, p)
		u := s.user(p, end)
		u.ConversationID = ""
		w.Users = append(w.Users, u)
		s.users[p.uid] = u
	}

	// Groups, each owned by a user, with the history of its members.
	type groupState struct {
		gi      groupInfo
		members []*membership
	}
	var all []*groupState
	var msgs []types.Message
	guids := map[string]bool{}
	for len(all) < groups {
		owner := pick(s, people...)
		gi := s.groupInfo(owner.uid, max(owner.created, start)+s.between(0, 90*86400))
		gi.created = max(gi.created, owner.created+60)
		for guids[gi.guid] {
			gi.guid += "-" + s.digits(1)
		}
		guids[gi.guid] = true
		full := s.group(gi, end, false)
		// No requesting user: no scope, joinedAt or hasJoined of theirs.
		full.Owner, full.Password, full.Scope, full.JoinedAt, full.HasJoined = owner.uid, "", "", 0, nil
		w.Groups = append(w.Groups, full)
		embedded := types.Group{GUID: gi.guid, Name: gi.name, Type: gi.typ, CreatedAt: types.Timestamp(gi.created),
			Owner: owner.uid, ConversationID: "group_" + gi.guid}
		s.groups[gi.guid] = embedded
		gs := &groupState{gi: gi, members: []*membership{{p: owner, scope: types.ScopeAdmin, joined: gi.created}}}
		for _, p := range people {
			if p.uid == owner.uid || !s.chance(min(0.8, 8/float64(users))) {
				continue
			}
			m := &membership{p: p, scope: types.ScopeParticipant, joined: max(gi.created, p.created) + s.between(60, 60*86400)}
			if m.joined >= end {
				continue
			}
			gs.members = append(gs.members, m)
			act := types.ActionJoined
			by, on := p, (*person)(nil)
			if gi.typ == types.GroupPrivate || s.chance(0.3) {
				act, by, on = types.ActionAdded, owner, &m.p
			}
			msgs = append(msgs, s.actionIn(scene{sent: m.joined, sender: by, rtype: types.ReceiverGroup, group: gi}, act, on, m.scope).(types.Message))
			if s.chance(0.2) {
				was := m.scope
				m.scope = pick(s, types.ScopeModerator, types.ScopeAdmin)
				t := m.joined + s.between(60, 30*86400)
				msgs = append(msgs, s.actionIn(scene{sent: t, sender: owner, rtype: types.ReceiverGroup, group: gi, oldScope: was},
					types.ActionScopeChanged, &m.p, m.scope).(types.Message))
				m.last = t
			}
			if s.chance(0.08) {
				m.left = max(m.joined, m.last) + s.between(60, 30*86400)
				msgs = append(msgs, s.actionIn(scene{sent: m.left, sender: owner, rtype: types.ReceiverGroup, group: gi},
					pick(s, types.ActionKicked, types.ActionBanned), &m.p, m.scope).(types.Message))
			}
		}
		all = append(all, gs)
	}

	// Conversation messages: in groups from members of the moment, or
	// between two users.
	for n := 0; n < messages; {
		sc := scene{sent: start + s.between(180*86400, 365*86400)}
		if len(all) > 0 && s.chance(0.6) {
			gs := pick(s, all...)
			var now []*membership
			for _, m := range gs.members {
				if m.joined <= sc.sent && (m.left == 0 || m.left > sc.sent) {
					now = append(now, m)
				}
			}
			if len(now) == 0 {
				continue
			}
			sc.sender, sc.rtype, sc.group = pick(s, now...).p, types.ReceiverGroup, gs.gi
		} else {
			a, b := s.f.IntN(users), s.f.IntN(users-1)
			if b >= a {
				b++
			}
			sc.sender, sc.rtype, sc.to = people[a], types.ReceiverUser, people[b]
		}
		switch r := s.f.IntN(20); {
		case r < 14:
			msgs = append(msgs, s.textMessageIn(sc).(types.Message))
			n++
		case r < 17:
			msgs = append(msgs, s.mediaMessageIn(sc).(types.Message))
			n++
		case r < 19:
			msgs = append(msgs, s.customMessageIn(sc).(types.Message))
			n++
		default:
			events := s.callEvents(sc)
			if n+len(events) > messages {
				events = events[:messages-n]
			}
			msgs = append(msgs, events...)
			n += len(events)
		}
	}

	// Some text messages are edited or deleted later, by their sender. A
	// source of their own, so that the rest of the world is the same as
	// before edits were made.
	memberAt := func(guid, uid string, t int64) bool {
		for _, gs := range all {
			if gs.gi.guid != guid {
				continue
			}
			for _, m := range gs.members {
				if m.p.uid == uid && m.joined <= t && (m.left == 0 || m.left > t) {
					return true
				}
			}
		}
		return false
	}
	changes, acts := editsOf(g.src("world/edits", 0), s, msgs, end, memberAt)
	msgs = append(msgs, acts...)

	// Oldest first, numbered as a server numbers them, each in its
	// conversation.
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].Header().SentAt < msgs[j].Header().SentAt })
	for i, m := range msgs {
		h := m.Header()
		h.ID = strconv.Itoa(i + 1)
		h.MUID = ""
		wf := wireOf(m)
		wf.ConversationID = conversationOf(m)
		wf.UpdatedAt = h.SentAt
		wf.ParentID, wf.EditedAt, wf.EditedBy, wf.ReplyCount = "", 0, "", nil
		if h.DeliveredAt != 0 && h.DeliveredAt < h.SentAt {
			h.DeliveredAt = h.SentAt
		}
	}
	sentText := map[string]string{}
	for _, c := range changes {
		sentText[c.msg.ID] = c.msg.Data.Text
		c.apply()
	}
	w.Messages = msgs

	for _, gs := range all {
		var ms []types.GroupMember
		for _, m := range gs.members {
			if m.left != 0 {
				continue
			}
			u := s.users[m.p.uid]
			ms = append(ms, types.GroupMember{User: u, Scope: m.scope, JoinedAt: types.Timestamp(m.joined)})
		}
		w.Members[gs.gi.guid] = ms
		for i := range w.Groups {
			if w.Groups[i].GUID == gs.gi.guid {
				n := types.Integer(len(ms))
				w.Groups[i].MembersCount = &n
			}
		}
	}
	w.Conversations = w.ConversationsOf(w.Users[0].UID)
	// The history, from a source of its own: the world's other files are
	// what they were before worlds had one.
	events, err := g.worldEvents(w, sentText)
	if err != nil {
		return nil, err
	}
	w.Events = append([]map[string]any{}, events...)
	return w, nil
}

// change is an edit or a deletion of a text message, by its sender, and
// the action that reports it.
type change struct {
	msg  *types.RESTTextMessage
	act  *types.RESTAction
	at   int64
	text string // the new text of an edit
}

// editsOf picks text messages of msgs to edit or delete later, by their
// sender, strictly after they were sent and before end, at a time when the
// sender is still in the group (memberAt) for a group message. It returns
// the changes, to apply once the messages are numbered, and the actions
// that report them, to add to the messages. es draws the choices; s holds
// the world's users and groups.
func editsOf(es, s *src, msgs []types.Message, end int64, memberAt func(guid, uid string, t int64) bool) ([]change, []types.Message) {
	var changes []change
	var acts []types.Message
	for _, m := range msgs {
		tm, ok := m.(*types.RESTTextMessage)
		if !ok {
			continue
		}
		var a types.MemberAction
		switch r := es.f.Float64(); {
		case r < 0.08:
			a = types.ActionEdited
		case r < 0.12:
			a = types.ActionDeleted
		default:
			continue
		}
		sent := int64(tm.SentAt)
		if end-1-sent < 1 {
			continue
		}
		at := sent + es.between(1, min(2*86400, end-1-sent))
		if tm.ReceiverType == types.ReceiverGroup && !memberAt(tm.Receiver, tm.Sender, at) {
			continue
		}
		c := change{msg: tm, at: at, act: messageAction(s, tm, a, at)}
		if a == types.ActionEdited {
			for c.text = es.text(); c.text == tm.Data.Text; c.text = es.text() {
			}
		}
		changes = append(changes, c)
		acts = append(acts, c.act)
	}
	return changes, acts
}

// messageAction is the action of type message that reports action a
// (edited or deleted) on m, by its sender at time at: for the group, or
// for the other user. Its data.entities.on is set when the change is
// applied, once m has its id.
func messageAction(s *src, m *types.RESTTextMessage, a types.MemberAction, at int64) *types.RESTAction {
	by := s.users[m.Sender]
	ents := types.ActionEntities{By: types.UserRef(by)}
	if m.ReceiverType == types.ReceiverGroup {
		ents.For = types.GroupRef(s.groups[m.Receiver])
	} else {
		ents.For = types.UserRef(s.users[m.Receiver])
	}
	h := types.MessageHeader{Receiver: m.Receiver, ReceiverType: m.ReceiverType, Category: types.CategoryAction,
		SentAt: types.Timestamp(at)}
	return &types.RESTAction{MessageHeader: h, Sender: by.UID, Type: types.ActionMessage,
		Data: types.RESTActionData{Action: a, Entities: ents}}
}

// apply edits or deletes the message, and puts it, as it now is, in the
// action's data.entities.on.
func (c change) apply() {
	t := types.Timestamp(c.at)
	if c.act.Data.Action == types.ActionEdited {
		c.msg.EditedAt, c.msg.EditedBy, c.msg.Data.Text = t, c.msg.Sender, c.text
	} else {
		c.msg.DeletedAt, c.msg.DeletedBy, c.msg.Data.Text = t, c.msg.Sender, ""
	}
	c.msg.UpdatedAt = t
	on := *c.msg
	c.act.Data.Entities.On = types.MessageRef(&on)
}

// callEvents makes the messages of one call, from initiated to its end.
func (s *src) callEvents(sc scene) []types.Message {
	typ := pick(s, types.CallAudio, types.CallVideo)
	session := fmt.Sprintf("%d%s", sc.sent, s.hex(40))
	initiated := sc.sent
	var life []types.CallStatus
	switch s.f.IntN(5) {
	case 0, 1:
		life = []types.CallStatus{types.CallInitiated, types.CallOngoing, types.CallEnded}
	default:
		life = []types.CallStatus{types.CallInitiated,
			pick(s, types.CallUnanswered, types.CallRejected, types.CallBusy, types.CallCancelled)}
	}
	var out []types.Message
	t := sc.sent
	for _, st := range life {
		sc.sent = t
		out = append(out, s.callIn(sc, st, typ, initiated, session).(types.Message))
		t += s.between(5, 1800)
	}
	return out
}

func wireOf(m types.Message) *types.WireFields {
	switch x := m.(type) {
	case *types.RESTTextMessage:
		return &x.WireFields
	case *types.RESTMediaMessage:
		return &x.WireFields
	case *types.RESTCustomMessage:
		return &x.WireFields
	case *types.RESTAction:
		return &x.WireFields
	case *types.RESTCall:
		return &x.WireFields
	}
	return &types.WireFields{}
}

// conversationOf names m's conversation as a server does.
func conversationOf(m types.Message) string {
	h := m.Header()
	if h.ReceiverType == types.ReceiverGroup {
		return "group_" + h.Receiver
	}
	a, b := m.SenderID(), h.Receiver
	if b < a {
		a, b = b, a
	}
	return a + "_user_" + b
}

// Write writes the world into dir as the REST API's collections, each a
// {"data": [...]} envelope: users.json, groups.json, members/<guid>.json,
// messages.json and conversations.json; and, when the world has them, its
// events as webhook deliveries, one a line, in events.ndjson.
func (w *World) Write(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "members"), 0o755); err != nil {
		return err
	}
	page := func(n int) map[string]any {
		return map[string]any{"pagination": map[string]any{"total": n, "count": n, "per_page": max(n, 1), "current_page": 1, "total_pages": 1}}
	}
	files := map[string]any{
		"users.json":    map[string]any{"data": w.Users, "meta": page(len(w.Users))},
		"groups.json":   map[string]any{"data": w.Groups, "meta": page(len(w.Groups))},
		"messages.json": map[string]any{"data": w.Messages, "meta": map[string]any{"current": map[string]any{"limit": len(w.Messages), "count": len(w.Messages)}}},
	}
	convs := w.Conversations
	if convs == nil {
		convs = []types.Conversation{}
	}
	files["conversations.json"] = map[string]any{"data": convs, "meta": page(len(convs))}
	for guid, ms := range w.Members {
		if ms == nil {
			ms = []types.GroupMember{}
		}
		files[filepath.Join("members", guid+".json")] = map[string]any{"data": ms, "meta": page(len(ms))}
	}
	for name, v := range files {
		b, err := encodeIndent(v)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	if w.Events != nil {
		return writeEvents(dir, w.Events)
	}
	return nil
}

// encodeIndent writes v as indented JSON with a final newline, without
// escaping <, > and &.
func encodeIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return buf.Bytes(), err
}

// ReadWorld reads a world that Write wrote into dir. It checks that each
// file is the collection it should be, and names the file and the fault
// when one is not. A world written before worlds had conversations has no
// conversations.json: its conversations are derived from its messages, as
// World does.
func ReadWorld(dir string) (*World, error) {
	w := &World{Members: map[string][]types.GroupMember{}}
	read := func(name string, into any) error {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("reading the world: %w (a world directory is what ccconform generate world -o DIR writes)", err)
		}
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(b, &env); err != nil || len(env.Data) == 0 {
			return fmt.Errorf("reading the world: %s is not a {\"data\": [...]} collection", filepath.Join(dir, name))
		}
		dec := json.NewDecoder(bytes.NewReader(env.Data))
		dec.UseNumber()
		if err := dec.Decode(into); err != nil {
			return fmt.Errorf("reading the world: %s: %v", filepath.Join(dir, name), err)
		}
		return nil
	}
	if err := read("users.json", &w.Users); err != nil {
		return nil, err
	}
	if err := read("groups.json", &w.Groups); err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := read("messages.json", &raws); err != nil {
		return nil, err
	}
	for i, raw := range raws {
		doc, err := types.Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("reading the world: messages.json item %d: %v", i, err)
		}
		m, ok := doc.(types.Message)
		if !ok {
			return nil, fmt.Errorf("reading the world: messages.json item %d is a %s, not a message", i, doc.Kind())
		}
		w.Messages = append(w.Messages, m)
	}
	for _, g := range w.Groups {
		var ms []types.GroupMember
		if err := read(filepath.Join("members", g.GUID+".json"), &ms); err != nil {
			return nil, err
		}
		w.Members[g.GUID] = ms
	}
	if _, err := os.Stat(filepath.Join(dir, "conversations.json")); errors.Is(err, fs.ErrNotExist) {
		if len(w.Users) > 0 {
			w.Conversations = w.ConversationsOf(w.Users[0].UID)
		}
	} else if err := read("conversations.json", &w.Conversations); err != nil {
		return nil, err
	}
	return w, nil
}
