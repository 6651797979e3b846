package generate

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/ccconform/ccconform/types"
)

// conversation makes a conversation as CometChat's conversation lists
// return it to one of its members: its id, the other party (the user, or
// the group with the member's place in it), its last message, of any kind,
// in the profile's shape, and its unread counts.
func (s *src) conversation() types.Document {
	sc := s.scene()
	c := &types.Conversation{ConversationID: sc.conversationID(), ConversationType: sc.rtype}
	me := sc.sender
	if sc.rtype == types.ReceiverGroup {
		g := s.group(sc.group, sc.sent, false)
		joined := true
		g.HasJoined = &joined
		if s.rest() {
			g.Scope = s.scope()
			g.JoinedAt = types.Timestamp(s.between(sc.group.created, sc.sent))
		}
		if g.Type == types.GroupPassword {
			g.Password = "" // a conversation's group is as CometChat lists it
		}
		c.ConversationWith = types.UserOrGroup{Group: &g}
	} else {
		other := sc.to
		if s.chance(0.5) {
			me, other = sc.to, sc.sender
		}
		u := s.user(other, sc.sent)
		if s.rest() && s.maybe() {
			u.ConversationID = c.ConversationID
		}
		c.ConversationWith = types.UserOrGroup{User: &u}
	}
	started := sc.sent - s.between(0, 90*86400)
	if s.chance(0.9) {
		c.LastMessage = &types.AnyMessage{Document: s.lastMessage(sc)}
	}
	if s.chance(0.9) {
		n := types.Count(s.f.IntN(40))
		if s.f.IntN(3) != 0 {
			n = 0
		}
		c.UnreadMessageCount = &n
	}
	c.CreatedAt = types.Timestamp(started)
	if s.maybe() || c.LastMessage != nil {
		c.UpdatedAt = types.Timestamp(sc.sent)
	}
	if s.maybe() {
		n := types.Integer(s.f.IntN(3))
		c.UnreadMentionsCount = &n
	}
	if c.LastMessage != nil {
		id := messageID(c.LastMessage.Document)
		if s.maybe() {
			c.LatestMessageID = id
		}
		if s.maybe() {
			c.LastReadMessageID = id
			if c.UnreadMessageCount != nil && *c.UnreadMessageCount > 0 {
				n, _ := strconv.ParseInt(id, 10, 64)
				c.LastReadMessageID = strconv.FormatInt(max(1, n-int64(*c.UnreadMessageCount)), 10)
			}
		}
	}
	if s.maybe() && s.chance(0.3) {
		c.Tags = []string{pick(s, "work", "family", "archived", "muted")}
	}
	if s.maybe() && s.chance(0.2) {
		c.PinnedAt = types.Timestamp(s.between(started, sc.sent))
		c.PinnedBy = me.uid
	}
	return c
}

// lastMessage makes the latest message of sc's conversation: mostly
// texts, any kind possible; an action in a one-to-one conversation is an
// edit or a deletion.
func (s *src) lastMessage(sc scene) types.Document {
	switch s.f.IntN(10) {
	case 0:
		return s.mediaMessageIn(sc)
	case 1:
		return s.customMessageIn(sc)
	case 2:
		if sc.rtype == types.ReceiverGroup && s.chance(0.6) {
			a := pick(s, types.ActionJoined, types.ActionLeft, types.ActionKicked, types.ActionAdded, types.ActionScopeChanged)
			var on *person
			if targeted(a) {
				p := s.person(sc.sent)
				if p.uid == sc.sender.uid {
					p.uid += "-2"
				}
				on = &p
			}
			return s.actionIn(sc, a, on, s.scope())
		}
		return s.messageAction(sc, pick(s, types.ActionEdited, types.ActionDeleted))
	case 3:
		status := pick(s, callStatuses...)
		typ := pick(s, types.CallAudio, types.CallVideo)
		initiated := sc.sent
		if status != types.CallInitiated {
			initiated -= s.between(0, 3600)
		}
		return s.callIn(sc, status, typ, initiated, strconv.FormatInt(initiated, 10)+s.hex(40))
	}
	return s.textMessageIn(sc)
}

// messageID returns the id of a generated message.
func messageID(doc types.Document) string {
	switch m := doc.(type) {
	case types.Message:
		return m.Header().ID
	case interface{ Header() *types.SDKHeader }:
		return m.Header().ID
	}
	return ""
}

// encode writes a generated document. A rest conversation's unread count
// is written, in about one conversation of two, as a string of digits, as
// CometChat's REST examples write it (types.Count reads both).
func (g *Generator) encode(doc types.Document) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil || g.opts.Profile != types.ProfileREST {
		return b, err
	}
	c, ok := doc.(*types.Conversation)
	if !ok || c.UnreadMessageCount == nil || c.CreatedAt%2 != 0 {
		return b, nil
	}
	n := strconv.FormatInt(int64(*c.UnreadMessageCount), 10)
	key := []byte(`"unreadMessageCount":` + n + `,`)
	if i := bytes.Index(b, key); i >= 0 {
		out := append([]byte{}, b[:i]...)
		out = append(out, `"unreadMessageCount":"`+n+`",`...)
		return append(out, b[i+len(key):]...), nil
	}
	return b, nil
}
