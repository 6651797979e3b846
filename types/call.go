package types

// Call is a message of category call that tells where a voice or video call
// is in its life, in the sdk profile: the documentation's Call. As in the
// documentation's example, data holds by, for and on directly.
type Call struct {
	MessageHeader
	// Sender is the user who started the call.
	Sender User `json:"sender"`
	// Type says whether the call is audio or video.
	Type CallType `json:"type"`
	// Status is where the call is in its life (the documentation's
	// callStatus).
	Status CallStatus `json:"status"`
	// Action repeats the status as the action the message reports.
	Action CallStatus `json:"action,omitempty"`
	// SessionID identifies the call; every call has its own.
	SessionID string `json:"sessionId" jsonschema:"minLength=1"`
	// InitiatedAt is when the call was started, in Unix seconds.
	InitiatedAt Timestamp `json:"initiatedAt"`
	// Metadata is additional data sent along with the call (the
	// documentation's metaData).
	Metadata Metadata `json:"metadata,omitzero"`
	// CallInitiator is the user who started the call.
	CallInitiator User `json:"callInitiator"`
	// CallReceiver is the user or group the call was made to.
	CallReceiver AppEntity `json:"callReceiver"`
	// Data repeats the status and carries the call's entities.
	Data CallData `json:"data"`
}

// RESTCall is a call message as CometChat's REST API v3 sends it: the sender
// is a uid, the status and the call itself sit under data.entities.
type RESTCall struct {
	MessageHeader
	WireFields
	// Sender is the uid of the user who started the call.
	Sender string `json:"sender" jsonschema:"minLength=1"`
	// Type says whether the call is audio or video.
	Type CallType `json:"type"`
	// Data holds the call's status and entities.
	Data RESTCallData `json:"data"`
}

// CallEntities holds who a call was by and for, and the call itself.
type CallEntities struct {
	// By wraps the user who started the call.
	By *EntityRef `json:"by"`
	// For wraps the user or group the call was made to.
	For *EntityRef `json:"for"`
	// On wraps the call itself.
	On *EntityRef `json:"on"`
}

// CallData is the data of a call in the sdk profile.
type CallData struct {
	// Action is the call's status as the action the message reports.
	Action CallStatus `json:"action"`
	CallEntities
}

// RESTCallData is the data of a call in the rest profile.
type RESTCallData struct {
	// Action is the call's status as the action the message reports.
	Action CallStatus `json:"action"`
	// Entities holds who the call was by and for, and the call itself.
	Entities CallEntities `json:"entities"`
	// Metadata is extra information sent along with the call.
	Metadata Metadata `json:"metadata,omitzero"`
	// Resource names the client that started the call.
	Resource string `json:"resource,omitempty"`
}

// Kind returns KindCall.
func (*Call) Kind() Kind { return KindCall }

// Profile returns ProfileDocs.
func (*Call) Profile() Profile { return ProfileDocs }

// Kind returns KindCall.
func (*RESTCall) Kind() Kind { return KindCall }

// Profile returns ProfileREST.
func (*RESTCall) Profile() Profile { return ProfileREST }

// SenderID returns the uid of the message's sender.
func (m *Call) SenderID() string { return m.Sender.UID }

// SenderID returns the uid of the message's sender.
func (m *RESTCall) SenderID() string { return m.Sender }
