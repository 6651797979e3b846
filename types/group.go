package types

// Group is a conversation that many users can join: the documentation's
// Group class. The same type describes a group at the top level and a group
// embedded in a message (a receiver, the group an action was for).
type Group struct {
	// GUID identifies the group uniquely; it is given when the group is
	// created.
	GUID string `json:"guid" jsonschema:"minLength=1"`
	// Name is the group's display name.
	Name string `json:"name" jsonschema:"minLength=1"`
	// Type says who may join: public, private or password.
	Type GroupType `json:"type"`
	// CreatedAt is when the group was created, in Unix seconds.
	CreatedAt Timestamp `json:"createdAt"`
	// Owner is the uid of the group's owner. Optional: groups embedded in
	// messages and actions omit it.
	Owner string `json:"owner,omitempty"`
	// UpdatedAt is when the group was last updated, in Unix seconds.
	UpdatedAt Timestamp `json:"updatedAt,omitempty"`
	// Password is the password a user must give to join a group of type
	// password; a public group has none.
	Password string `json:"password,omitempty"`
	// Icon is the URL of the group's icon.
	Icon string `json:"icon,omitempty" jsonschema:"format=uri"`
	// Description describes the group.
	Description string `json:"description,omitempty"`
	// Metadata is any additional data given when the group was created.
	Metadata Metadata `json:"metadata,omitzero"`
	// HasJoined tells whether the logged-in user has joined the group.
	HasJoined *bool `json:"hasJoined,omitempty"`

	// Scope is the requesting user's scope in the group, when a member
	// (REST API).
	Scope MemberScope `json:"scope,omitempty" profile:"rest,sdk"`
	// JoinedAt is when the requesting user joined the group (REST API).
	JoinedAt Timestamp `json:"joinedAt,omitempty" profile:"rest,sdk"`
	// OnlineMembersCount is how many of the group's members are online, as
	// webhook deliveries report it.
	OnlineMembersCount *Integer `json:"onlineMembersCount,omitempty" profile:"rest,sdk" jsonschema:"minimum=0"`
	// MembersCount is how many members the group has (REST API).
	MembersCount *Integer `json:"membersCount,omitempty" profile:"rest,sdk" jsonschema:"minimum=0"`
	// ConversationID names the group's conversation, group_<guid> (REST API).
	ConversationID string `json:"conversationId,omitempty" profile:"rest,sdk"`
	// Tags are labels given to the group (REST API, with withTags).
	Tags []string `json:"tags,omitzero" profile:"rest,sdk"`
	// UpdatedBy is the uid of the user who last updated the group (REST API).
	UpdatedBy string `json:"updatedBy,omitempty" profile:"rest,sdk"`
	// IsBanned tells whether the requesting user is banned from the group
	// (the 4.x SDK always writes it).
	IsBanned *bool `json:"isBanned,omitempty" profile:"rest,sdk"`
	// WSChannel is the realtime channel of the group's calls, which a group
	// inside a call message carries.
	WSChannel *WSChannel `json:"wsChannel,omitempty" profile:"rest,sdk"`
}

// Kind returns KindGroup.
func (*Group) Kind() Kind { return KindGroup }
