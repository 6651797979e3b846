package generate

import (
	"sort"

	"github.com/ccconform/ccconform/types"
)

// ConversationsOf derives from the world's messages the conversations of
// the user uid, as CometChat's GET /v3/conversations lists them for the user
// named by its onBehalfOf header (a world's Conversations are those of its
// first user, the requesting user of its REST collections). They are uid's
// one-to-one conversations, one per user uid exchanged messages with, and
// the conversations of the groups uid is a member of at the end of the world
// (as Members says) that have messages; the most recently updated first, and
// by conversationId when two were updated at once.
//
// Each has the conversationId CometChat writes (group_<guid>, or the two
// uids, the smaller first, joined by _user_); lastMessage and
// latestMessageId, the latest message of any kind, actions included;
// createdAt and updatedAt, the sentAt of its first and of its latest
// message; and conversationWith, the other user, or the group with uid's
// scope, joinedAt and hasJoined, each with the conversationId. A user has
// read a conversation up to the last message they sent in it
// (lastReadMessageId): unreadMessageCount counts the messages of others
// after it, or all of them when uid sent none, and in a group only those
// from when uid joined it.
func (w *World) ConversationsOf(uid string) []types.Conversation {
	users := map[string]types.User{}
	for _, u := range w.Users {
		users[u.UID] = u
	}
	member := map[string]types.GroupMember{} // by guid: uid's membership
	for guid, ms := range w.Members {
		for _, m := range ms {
			if m.UID == uid {
				member[guid] = m
			}
		}
	}
	type conv struct {
		c        types.Conversation
		joined   types.Timestamp
		lastRead types.Message
		unread   int64
		last     types.Message
	}
	convs := map[string]*conv{}
	var order []string
	for _, m := range w.Messages {
		h := m.Header()
		var other string
		switch {
		case h.ReceiverType == types.ReceiverGroup:
			if _, ok := member[h.Receiver]; !ok {
				continue
			}
		case m.SenderID() == uid:
			other = h.Receiver
		case h.Receiver == uid:
			other = m.SenderID()
		default:
			continue
		}
		id := conversationOf(m)
		cv, ok := convs[id]
		if !ok {
			cv = &conv{c: types.Conversation{ConversationID: id, ConversationType: h.ReceiverType, CreatedAt: h.SentAt}}
			if h.ReceiverType == types.ReceiverGroup {
				gm := member[h.Receiver]
				cv.joined = gm.JoinedAt
				for _, g := range w.Groups {
					if g.GUID == h.Receiver {
						g.ConversationID, g.Scope, g.JoinedAt = id, gm.Scope, gm.JoinedAt
						yes := true
						g.HasJoined = &yes
						cv.c.ConversationWith.Group = &g
					}
				}
			} else {
				u := users[other]
				u.ConversationID = id
				cv.c.ConversationWith.User = &u
			}
			convs[id] = cv
			order = append(order, id)
		}
		cv.last = m
		switch {
		case m.SenderID() == uid:
			cv.lastRead, cv.unread = m, 0
		case h.SentAt >= cv.joined:
			cv.unread++
		}
	}
	out := make([]types.Conversation, 0, len(order))
	for _, id := range order {
		cv := convs[id]
		h := cv.last.Header()
		c := cv.c
		c.UpdatedAt = h.SentAt
		c.LastMessage = &types.AnyMessage{Document: cv.last}
		c.LatestMessageID = h.ID
		if cv.lastRead != nil {
			c.LastReadMessageID = cv.lastRead.Header().ID
		}
		n := types.Count(cv.unread)
		c.UnreadMessageCount = &n
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].UpdatedAt != out[j].UpdatedAt {
			return out[i].UpdatedAt > out[j].UpdatedAt
		}
		return out[i].ConversationID < out[j].ConversationID
	})
	return out
}
