package types

// MessageHeader holds the fields every message has, whatever its category and
// profile. It is embedded in each message type, so its fields sit at the top
// level of the message.
type MessageHeader struct {
	// ID identifies the message uniquely; CometChat assigns it and writes it
	// as a string of digits.
	ID string `json:"id" jsonschema:"minLength=1"`
	// MUID is a second id that developers may set for their own use.
	MUID string `json:"muid,omitempty"`
	// Receiver is the uid of the user or the guid of the group the message
	// was sent to.
	Receiver string `json:"receiver" jsonschema:"minLength=1"`
	// ReceiverType says whether the receiver is a user or a group.
	ReceiverType ReceiverType `json:"receiverType"`
	// Category is the message's category (the documentation's
	// messageCategory): message, custom, action or call.
	Category Category `json:"category"`
	// SentAt is when the message was sent, in Unix seconds.
	SentAt Timestamp `json:"sentAt"`
	// DeliveredAt is when the message was delivered, in Unix seconds; absent
	// until it is.
	DeliveredAt Timestamp `json:"deliveredAt,omitempty"`
	// ReadAt is when the message was read, in Unix seconds; absent until it
	// is.
	ReadAt Timestamp `json:"readAt,omitempty"`
}

// Header returns the message's header.
func (h *MessageHeader) Header() *MessageHeader { return h }

// WireFields holds the fields CometChat's REST API v3 adds to every message.
// It is embedded in the rest profile's message types.
type WireFields struct {
	// ConversationID names the conversation the message belongs to:
	// <uid>_user_<uid> between two users, group_<guid> in a group.
	ConversationID string `json:"conversationId,omitempty"`
	// UpdatedAt is when the message was last changed, in Unix seconds.
	UpdatedAt Timestamp `json:"updatedAt,omitempty"`
	// ParentID is the id of the message this one replies to in a thread.
	// The SDKs rename it parentMessageId.
	ParentID string `json:"parentId,omitempty" profile:"rest"`
	// EditedAt is when the message was last edited, in Unix seconds.
	EditedAt Timestamp `json:"editedAt,omitempty"`
	// EditedBy is the uid of whoever last edited the message.
	EditedBy string `json:"editedBy,omitempty"`
	// DeletedAt is when the message was deleted, in Unix seconds.
	DeletedAt Timestamp `json:"deletedAt,omitempty"`
	// DeletedBy is the uid of whoever deleted the message.
	DeletedBy string `json:"deletedBy,omitempty"`
	// Tags are labels given to the message.
	Tags []string `json:"tags,omitzero"`
	// ReplyCount is how many replies the message has in its thread.
	ReplyCount *Integer `json:"replyCount,omitempty" jsonschema:"minimum=0"`
	// UnreadRepliesCount is how many replies in the message's thread the
	// requesting user has not read.
	UnreadRepliesCount *Integer `json:"unreadRepliesCount,omitempty" jsonschema:"minimum=0"`
	// ThreadSubscribed tells whether the requesting user follows the
	// message's thread (the 4.x SDK always writes it, as a boolean).
	ThreadSubscribed *Flag `json:"threadSubscribed,omitempty"`
	// PinnedAt is when the message was pinned, in Unix seconds.
	PinnedAt Timestamp `json:"pinnedAt,omitempty"`
	// PinnedBy is the uid of whoever pinned the message.
	PinnedBy string `json:"pinnedBy,omitempty"`
	// QuotedMessageID is the id of the message this one quotes.
	QuotedMessageID string `json:"quotedMessageId,omitempty"`
	// QuotedMessage is the message this one quotes, as the server or the
	// SDK wrote it.
	QuotedMessage Metadata `json:"quotedMessage,omitzero"`
	// Receipts lists, in a message's details, who the message was
	// delivered to and who read it.
	Receipts *Receipts `json:"receipts,omitempty"`
}

// Message is implemented by the message types of the rest and docs profiles
// (five kinds, two profiles), whose header is a MessageHeader. The sdk
// profile's message types have an SDKHeader instead.
type Message interface {
	Document
	// Header returns the fields every message has.
	Header() *MessageHeader
	// Profile returns the profile whose shape the type has.
	Profile() Profile
	// SenderID returns the uid of the message's sender, an object's uid in
	// the sdk profile and the uid itself in the rest profile.
	SenderID() string
}

// Document is implemented by the concrete type of every kind, in either
// profile: what Decode returns.
type Document interface {
	// Kind returns the kind of the document.
	Kind() Kind
}

// MessageEntities holds a message's sender and receiver as full objects
// (data.entities), which is where CometChat's SDK reads them from.
type MessageEntities struct {
	// Sender wraps the sending user; its entityType is user.
	Sender *EntityRef `json:"sender"`
	// Receiver wraps the receiving user or group; its entityType matches the
	// message's receiverType.
	Receiver *EntityRef `json:"receiver"`
}
