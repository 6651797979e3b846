package types

// The sdk profile: what the official CometChat JavaScript SDKs (3.x and 4.x)
// write when an app serialises the objects they decoded from server JSON
// (JSON.stringify of a TextMessage, an Action, ...). The SDKs keep the wire
// message: every top-level key, and data exactly as sent, data.entities
// included. They turn the sender and receiver into objects, move the
// receiver's id to receiverId, rename parentId to parentMessageId, and add
// keys of their own (rawMessage, text, actionBy, callInitiator, ...).
// docs/research/sdk-objects.md records what each SDK writes and how it was
// found.

// SDKHeader holds the fields the SDKs write on every message object.
type SDKHeader struct {
	// ID identifies the message uniquely.
	ID string `json:"id" jsonschema:"minLength=1"`
	// MUID is a second id that developers may set for their own use.
	MUID string `json:"muid,omitempty"`
	// ReceiverID is the uid of the user or the guid of the group the
	// message was sent to: the wire message's receiver.
	ReceiverID string `json:"receiverId" jsonschema:"minLength=1"`
	// ReceiverType says whether the receiver is a user or a group.
	ReceiverType ReceiverType `json:"receiverType"`
	// Category is the message's category: message, custom, action or call.
	Category Category `json:"category"`
	// SentAt is when the message was sent, in Unix seconds.
	SentAt Timestamp `json:"sentAt"`
	// DeliveredAt is when the message was delivered, in Unix seconds.
	DeliveredAt Timestamp `json:"deliveredAt,omitempty"`
	// ReadAt is when the message was read, in Unix seconds.
	ReadAt Timestamp `json:"readAt,omitempty"`
	// Sender is the user who sent the message, built from
	// data.entities.sender (data.entities.by for actions and calls).
	Sender User `json:"sender"`
	// Receiver is the user or group the message was sent to, built from
	// data.entities.receiver (data.entities.for for actions and calls).
	Receiver UserOrGroup `json:"receiver"`
	// ParentMessageID is the id of the message this one replies to in a
	// thread: the wire message's parentId.
	ParentMessageID string `json:"parentMessageId,omitempty"`
	// Metadata is a copy of data.metadata.
	Metadata Metadata `json:"metadata,omitzero"`
	// RawMessage is the message the object was built from: the wire
	// message (3.x), or the decoded object before rawMessage was added
	// (4.x).
	RawMessage Metadata `json:"rawMessage"`
	// MentionedUsers are the users data.mentions names (4.x).
	MentionedUsers []User `json:"mentionedUsers,omitzero"`
	// MentionedMe tells whether data.mentions names the logged-in user
	// (4.x).
	MentionedMe *bool `json:"mentionedMe,omitempty"`
}

// SDKTextMessage is a TextMessage object of the SDKs.
type SDKTextMessage struct {
	SDKHeader
	WireFields
	// Type is always text.
	Type MessageType `json:"type"`
	// Text is a copy of data.text; a deleted message has none.
	Text string `json:"text,omitempty"`
	// Data is the wire message's data, as sent.
	Data TextMessageData `json:"data"`
}

// SDKMediaMessage is a MediaMessage object of the SDKs. The file's URL stays
// in data.url and data.attachments.
type SDKMediaMessage struct {
	SDKHeader
	WireFields
	// Type is image, video, audio or file.
	Type MessageType `json:"type"`
	// Caption is a copy of data.text.
	Caption string `json:"caption,omitempty"`
	// Data is the wire message's data, as sent.
	Data MediaMessageData `json:"data"`
}

// SDKCustomMessage is a CustomMessage object of the SDKs.
type SDKCustomMessage struct {
	SDKHeader
	WireFields
	// Type is the developer's name for the kind of custom message; custom
	// when the category is message.
	Type string `json:"type" jsonschema:"minLength=1"`
	// CustomData is a copy of data.customData.
	CustomData Metadata `json:"customData"`
	// SubType is a copy of data.subType.
	SubType string `json:"subType,omitempty"`
	// Data is the wire message's data, as sent.
	Data CustomMessageData `json:"data"`
}

// SDKAction is an Action object of the SDKs: an action on a group member or
// on a message.
type SDKAction struct {
	SDKHeader
	WireFields
	// Type is groupMember or message.
	Type ActionType `json:"type"`
	// Action is a copy of data.action.
	Action MemberAction `json:"action"`
	// ActionBy is the user who acted, from data.entities.by, with the
	// wire's values.
	ActionBy User `json:"actionBy"`
	// ActionFor is the group (or, in a one-to-one conversation, the user)
	// the action was for, from data.entities.for.
	ActionFor UserOrGroup `json:"actionFor"`
	// ActionOn is the member acted on, or the message edited or deleted
	// (decoded as the SDK decodes messages), from data.entities.on.
	ActionOn *ActionTarget `json:"actionOn,omitempty"`
	// Message is the SDK's own sentence for the action, such as "Ada
	// joined"; empty for invited, edited and deleted.
	Message string `json:"message"`
	// OldScope is a copy of data.extras.scope.old.
	OldScope MemberScope `json:"oldScope,omitempty"`
	// NewScope is a copy of data.extras.scope.new.
	NewScope MemberScope `json:"newScope,omitempty"`
	// Data is the wire message's data, as sent.
	Data RESTActionData `json:"data"`
}

// SDKCall is a Call object of the SDKs.
type SDKCall struct {
	SDKHeader
	WireFields
	// Type says whether the call is audio or video.
	Type CallType `json:"type"`
	// Action is a copy of data.action.
	Action CallStatus `json:"action"`
	// SessionID is a copy of the call entity's sessionid.
	SessionID string `json:"sessionId" jsonschema:"minLength=1"`
	// Status is a copy of the call entity's status, as sent.
	Status CallStatus `json:"status"`
	// InitiatedAt is a copy of the call entity's initiatedAt.
	InitiatedAt Timestamp `json:"initiatedAt"`
	// JoinedAt is a copy of the call entity's joinedAt.
	JoinedAt Timestamp `json:"joinedAt,omitempty"`
	// CallInitiator is the user who started the call, from the call
	// entity's sender.
	CallInitiator User `json:"callInitiator"`
	// CallReceiver is the user or group the call was made to: the same
	// object as receiver.
	CallReceiver UserOrGroup `json:"callReceiver"`
	// Data is the wire message's data, as sent.
	Data RESTCallData `json:"data"`
}

// Header returns the fields every SDK message object has.
func (h *SDKHeader) Header() *SDKHeader { return h }

// Kind returns KindTextMessage.
func (*SDKTextMessage) Kind() Kind { return KindTextMessage }

// Kind returns KindMediaMessage.
func (*SDKMediaMessage) Kind() Kind { return KindMediaMessage }

// Kind returns KindCustomMessage.
func (*SDKCustomMessage) Kind() Kind { return KindCustomMessage }

// Kind returns KindAction.
func (*SDKAction) Kind() Kind { return KindAction }

// Kind returns KindCall.
func (*SDKCall) Kind() Kind { return KindCall }
