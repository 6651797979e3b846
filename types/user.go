package types

// User is a person who chats: the documentation's User class. The same type
// describes a user at the top level of a document and a user embedded in a
// message (a sender, an entity of data.entities, the actor of an action).
type User struct {
	// UID identifies the user uniquely; it is given when the user is created.
	UID string `json:"uid" jsonschema:"minLength=1"`
	// Name is the user's display name.
	Name string `json:"name" jsonschema:"minLength=1"`
	// Status tells whether the user is connected: online or offline (the REST
	// API says available for online).
	Status UserStatus `json:"status"`
	// LastActiveAt is when the user was last available to chat, in Unix
	// seconds. Optional: a user who never connected has none, and users
	// embedded in messages usually omit it.
	LastActiveAt Timestamp `json:"lastActiveAt,omitempty"`
	// Email is the user's email address.
	Email string `json:"email,omitempty" jsonschema:"format=email"`
	// Avatar is the URL of the user's profile picture.
	Avatar string `json:"avatar,omitempty" jsonschema:"format=uri"`
	// Link is the URL of the user's profile page.
	Link string `json:"link,omitempty" jsonschema:"format=uri"`
	// Role is the role the user was given; custom roles are allowed.
	Role string `json:"role,omitempty"`
	// Metadata is any additional data given when the user was created.
	Metadata Metadata `json:"metadata,omitzero"`
	// Credits are the credits the user has available.
	Credits *Integer `json:"credits,omitempty"`
	// StatusMessage is the custom status message the user has set.
	StatusMessage string `json:"statusMessage,omitempty"`
	// AuthToken is the token a user logs in with. Only the documentation's
	// examples show it; CometChat returns it when a user is created with a
	// token asked for, never in lists.
	AuthToken string `json:"authToken,omitempty"`

	// CreatedAt is when the user was created, in Unix seconds (REST API).
	CreatedAt Timestamp `json:"createdAt,omitempty" profile:"rest,sdk"`
	// UpdatedAt is when the user was last updated, in Unix seconds (REST API).
	UpdatedAt Timestamp `json:"updatedAt,omitempty" profile:"rest,sdk"`
	// DeactivatedAt is when the user was deactivated, in Unix seconds, or 0
	// for an active user (REST API).
	DeactivatedAt *Timestamp `json:"deactivatedAt,omitempty" profile:"rest,sdk"`
	// ConversationID names the one-to-one conversation between this user and
	// the user on whose behalf the request was made (REST API).
	ConversationID string `json:"conversationId,omitempty" profile:"rest,sdk"`
	// Tags are labels given to the user (REST API, with withTags).
	Tags []string `json:"tags,omitzero" profile:"rest,sdk"`
	// BlockedByMe tells whether the requesting user has blocked this user
	// (REST API).
	BlockedByMe *bool `json:"blockedByMe,omitempty" profile:"rest,sdk"`
	// BlockedByMeAt is when the requesting user blocked this user (REST API).
	BlockedByMeAt Timestamp `json:"blockedByMeAt,omitempty" profile:"rest,sdk"`
	// HasBlockedMe tells whether this user has blocked the requesting user
	// (REST API).
	HasBlockedMe *bool `json:"hasBlockedMe,omitempty" profile:"rest,sdk"`
	// BlockedAt is when the block between the two users was made (REST API).
	BlockedAt Timestamp `json:"blockedAt,omitempty" profile:"rest,sdk"`
}

// Kind returns KindUser.
func (*User) Kind() Kind { return KindUser }
