package types

// TextMessage is a message of category message and type text, in the sdk
// profile: the documentation's TextMessage.
type TextMessage struct {
	MessageHeader
	// Sender is the user who sent the message.
	Sender User `json:"sender"`
	// Type is always text.
	Type MessageType `json:"type"`
	// Text is the text of the message.
	Text string `json:"text"`
	// Status is the status of the message.
	Status string `json:"status,omitempty"`
	// Metadata is extra information sent along with the message and
	// received without any processing.
	Metadata Metadata `json:"metadata,omitzero"`
	// Data repeats the text and carries the sender and receiver objects.
	Data TextMessageData `json:"data"`
}

// RESTTextMessage is a text message as CometChat's REST API v3 sends it: the
// sender is a uid, the text and metadata sit under data.
type RESTTextMessage struct {
	MessageHeader
	WireFields
	// Sender is the uid of the user who sent the message.
	Sender string `json:"sender" jsonschema:"minLength=1"`
	// Type is always text.
	Type MessageType `json:"type"`
	// Data holds the text, the metadata and the sender and receiver objects.
	Data TextMessageData `json:"data"`
}

// TextMessageData is the data of a text message.
type TextMessageData struct {
	// Text is the text of the message; a deleted message has none.
	Text string `json:"text,omitempty"`
	// Metadata is extra information sent along with the message (REST API).
	Metadata Metadata `json:"metadata,omitzero" profile:"rest,sdk"`
	// Entities holds the sender and receiver objects.
	Entities MessageEntities `json:"entities"`
	// Resource names the client that sent the message, such as
	// "WEB-4_0_0-...", as the REST API and webhooks write it.
	Resource string `json:"resource,omitempty" profile:"rest,sdk"`
	Interactions
}

// Kind returns KindTextMessage.
func (*TextMessage) Kind() Kind { return KindTextMessage }

// Profile returns ProfileDocs.
func (*TextMessage) Profile() Profile { return ProfileDocs }

// Kind returns KindTextMessage.
func (*RESTTextMessage) Kind() Kind { return KindTextMessage }

// Profile returns ProfileREST.
func (*RESTTextMessage) Profile() Profile { return ProfileREST }

// SenderID returns the uid of the message's sender.
func (m *TextMessage) SenderID() string { return m.Sender.UID }

// SenderID returns the uid of the message's sender.
func (m *RESTTextMessage) SenderID() string { return m.Sender }
