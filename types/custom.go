package types

// CustomMessage is a message whose content the developer defines: the
// documentation's CustomMessage, in the sdk profile. Its category is custom
// and its type any name the developer chose (location, poll, ...); the
// documentation's own text gives category message and type custom, which is
// accepted too.
type CustomMessage struct {
	MessageHeader
	// Sender is the user who sent the message.
	Sender User `json:"sender"`
	// Type is the developer's name for the kind of custom message; custom
	// when the category is message.
	Type string `json:"type" jsonschema:"minLength=1"`
	// SubType is a further name the developer may use.
	SubType string `json:"subType,omitempty"`
	// CustomData is the content of the message, a JSON object.
	CustomData Metadata `json:"customData"`
	// Status is the status of the message.
	Status string `json:"status,omitempty"`
	// Metadata is extra information sent along with the message and
	// received without any processing.
	Metadata Metadata `json:"metadata,omitzero"`
	// Data repeats the custom data and carries the sender and receiver
	// objects.
	Data CustomMessageData `json:"data"`
}

// RESTCustomMessage is a custom message as CometChat's REST API v3 sends it:
// the sender is a uid, the custom data sits under data.
type RESTCustomMessage struct {
	MessageHeader
	WireFields
	// Sender is the uid of the user who sent the message.
	Sender string `json:"sender" jsonschema:"minLength=1"`
	// Type is the developer's name for the kind of custom message; custom
	// when the category is message.
	Type string `json:"type" jsonschema:"minLength=1"`
	// Data holds the custom data and the sender and receiver objects.
	Data CustomMessageData `json:"data"`
}

// CustomMessageData is the data of a custom message.
type CustomMessageData struct {
	// CustomData is the content of the message, a JSON object.
	CustomData Metadata `json:"customData"`
	// SubType is a further name the developer may use.
	SubType string `json:"subType,omitempty"`
	// Text is a text shown where the custom message cannot be (REST API).
	Text string `json:"text,omitempty" profile:"rest,sdk"`
	// Metadata is extra information sent along with the message (REST API).
	Metadata Metadata `json:"metadata,omitzero" profile:"rest,sdk"`
	// Entities holds the sender and receiver objects.
	Entities MessageEntities `json:"entities"`
	// Resource names the client that sent the message, such as
	// "WEB-4_0_0-...", as the REST API and webhooks write it.
	Resource string `json:"resource,omitempty" profile:"rest,sdk"`
	Interactions
}

// Kind returns KindCustomMessage.
func (*CustomMessage) Kind() Kind { return KindCustomMessage }

// Profile returns ProfileDocs.
func (*CustomMessage) Profile() Profile { return ProfileDocs }

// Kind returns KindCustomMessage.
func (*RESTCustomMessage) Kind() Kind { return KindCustomMessage }

// Profile returns ProfileREST.
func (*RESTCustomMessage) Profile() Profile { return ProfileREST }

// SenderID returns the uid of the message's sender.
func (m *CustomMessage) SenderID() string { return m.Sender.UID }

// SenderID returns the uid of the message's sender.
func (m *RESTCustomMessage) SenderID() string { return m.Sender }
