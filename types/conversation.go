package types

import "encoding/json"

// Conversation is a conversation as CometChat lists it: the requesting
// user's one-to-one conversation with another user, or a group's
// conversation, with its last message and how many messages are unread. The
// REST API returns it from /v3/conversations and from a user's or a group's
// conversation endpoint; the SDKs' Conversation objects have the same keys,
// without createdAt and updatedAt.
type Conversation struct {
	// ConversationID names the conversation: the two uids joined by _user_
	// between two users, group_<guid> in a group.
	ConversationID string `json:"conversationId" jsonschema:"minLength=1"`
	// ConversationType says whether the conversation is with a user or in a
	// group.
	ConversationType ReceiverType `json:"conversationType"`
	// UnreadMessageCount is how many messages the requesting user has not
	// read: a whole number, which the REST API's examples write as a string
	// of digits and the SDKs as a number, or null when the server sent
	// none.
	UnreadMessageCount *Count `json:"unreadMessageCount,omitempty"`
	// UnreadMentionsCount is how many unread messages mention the
	// requesting user.
	UnreadMentionsCount *Integer `json:"unreadMentionsCount,omitempty" jsonschema:"minimum=0"`
	// LastReadMessageID is the id of the last message the requesting user
	// read.
	LastReadMessageID string `json:"lastReadMessageId,omitempty"`
	// LatestMessageID is the id of the conversation's latest message.
	LatestMessageID string `json:"latestMessageId,omitempty"`
	// CreatedAt is when the conversation started, in Unix seconds (REST
	// API; the SDKs drop it).
	CreatedAt Timestamp `json:"createdAt,omitempty" profile:"rest,docs"`
	// UpdatedAt is when the conversation last changed, in Unix seconds
	// (REST API; the SDKs drop it).
	UpdatedAt Timestamp `json:"updatedAt,omitempty" profile:"rest,docs"`
	// LastMessage is the conversation's latest message, of any kind,
	// actions and calls included, in the profile's shape; null (4.x SDK)
	// or absent in a conversation without one.
	LastMessage *AnyMessage `json:"lastMessage,omitempty"`
	// ConversationWith is the other party: the user, or the group with the
	// requesting user's scope in it.
	ConversationWith UserOrGroup `json:"conversationWith"`
	// Tags are labels the requesting user gave the conversation.
	Tags []string `json:"tags,omitzero"`
	// PinnedAt is when the requesting user pinned the conversation, in Unix
	// seconds.
	PinnedAt Timestamp `json:"pinnedAt,omitempty"`
	// PinnedBy is the uid of whoever pinned the conversation.
	PinnedBy string `json:"pinnedBy,omitempty"`
}

// Kind returns KindConversation.
func (*Conversation) Kind() Kind { return KindConversation }

// AnyMessage is a message of any kind, decoded as Decode decodes documents.
type AnyMessage struct {
	Document Document
}

// MarshalJSON writes the message, or null when there is none.
func (m AnyMessage) MarshalJSON() ([]byte, error) {
	if m.Document == nil {
		return []byte("null"), nil
	}
	return json.Marshal(m.Document)
}

// UnmarshalJSON decodes the message by its kind and profile.
func (m *AnyMessage) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = AnyMessage{}
		return nil
	}
	doc, err := Decode(b)
	if err != nil {
		return err
	}
	m.Document = doc
	return nil
}
