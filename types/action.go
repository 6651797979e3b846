package types

// Action is a message of category action that tells what happened to a group
// member (joined, left, kicked, ...) or to a message (edited, deleted), in the
// docs profile: the documentation's Action. As in the documentation's example, data holds by, for and on
// directly.
type Action struct {
	MessageHeader
	// Sender is the user who performed the action.
	Sender User `json:"sender"`
	// Type is groupMember (the documentation's messageType of an action).
	Type ActionType `json:"type"`
	// Status is the status of the message.
	Status string `json:"status,omitempty"`
	// Action is what happened: joined, left, kicked, banned, unbanned,
	// invited, scopeChanged or added.
	Action MemberAction `json:"action"`
	// ActionBy is the entity that performed the action.
	ActionBy AppEntity `json:"actionBy"`
	// ActionOn is the entity the action was performed on; actions a user
	// takes on themselves (joined, left) have none.
	ActionOn *AppEntity `json:"actionOn,omitempty"`
	// ActionFor is the entity the action was performed for: the group.
	ActionFor AppEntity `json:"actionFor"`
	// Message is the SDK's default text for the action, such as
	// "SUPERHERO1 joined Avengers".
	Message string `json:"message"`
	// Data repeats the action and carries its entities.
	Data ActionData `json:"data"`
}

// RESTAction is an action message as CometChat's REST API v3 sends it: the
// sender is a uid, the action and its entities sit under data.entities.
type RESTAction struct {
	MessageHeader
	WireFields
	// Sender is the uid of the user who performed the action.
	Sender string `json:"sender" jsonschema:"minLength=1"`
	// Type is groupMember.
	Type ActionType `json:"type"`
	// Data holds the action and its entities.
	Data RESTActionData `json:"data"`
}

// ActionEntities holds who an action was by, for and on.
type ActionEntities struct {
	// By wraps the user who performed the action.
	By *EntityRef `json:"by"`
	// For wraps the group the action was for.
	For *EntityRef `json:"for"`
	// On wraps the user the action was performed on (entityType user), or
	// the message that was edited or deleted (entityType message, in the
	// REST wire shape); absent when a user acted on themselves.
	On *EntityRef `json:"on,omitempty"`
}

// ActionData is the data of an action in the sdk profile.
type ActionData struct {
	// Action is what happened.
	Action MemberAction `json:"action"`
	ActionEntities
}

// RESTActionData is the data of an action in the rest profile, which the
// sdk profile keeps as sent.
type RESTActionData struct {
	// Action is what happened.
	Action MemberAction `json:"action"`
	// Entities holds who the action was by, for and on.
	Entities ActionEntities `json:"entities"`
	// Extras holds the old and new scope of a scopeChanged action.
	Extras *ActionExtras `json:"extras,omitempty"`
	// Metadata is extra information sent along with the action.
	Metadata Metadata `json:"metadata,omitzero"`
	// Resource names the client that sent the action.
	Resource string `json:"resource,omitempty"`
}

// ActionExtras is what an action adds to its entities.
type ActionExtras struct {
	// Scope is a member's scope before and after a scopeChanged action.
	Scope *ScopeChange `json:"scope,omitempty"`
}

// ScopeChange is a member's scope before and after a change.
type ScopeChange struct {
	// Old is the scope the member had.
	Old MemberScope `json:"old,omitempty"`
	// New is the scope the member was given.
	New MemberScope `json:"new,omitempty"`
}

// Kind returns KindAction.
func (*Action) Kind() Kind { return KindAction }

// Profile returns ProfileDocs.
func (*Action) Profile() Profile { return ProfileDocs }

// Kind returns KindAction.
func (*RESTAction) Kind() Kind { return KindAction }

// Profile returns ProfileREST.
func (*RESTAction) Profile() Profile { return ProfileREST }

// SenderID returns the uid of the message's sender.
func (m *Action) SenderID() string { return m.Sender.UID }

// SenderID returns the uid of the message's sender.
func (m *RESTAction) SenderID() string { return m.Sender }
