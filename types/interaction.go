package types

// ReactionCount is one reaction on a message as the message carries it in
// data.reactions: an emoji, how many people reacted with it, and whether the
// requesting user is one of them.
type ReactionCount struct {
	// Reaction is the reaction itself, usually an emoji.
	Reaction string `json:"reaction" jsonschema:"minLength=1"`
	// Count is how many users reacted so.
	Count Integer `json:"count" jsonschema:"minimum=1"`
	// ReactedByMe tells whether the requesting user reacted so.
	ReactedByMe *bool `json:"reactedByMe,omitempty"`
}

// Moderation is what CometChat's moderation made of a message, in
// data.moderation.
type Moderation struct {
	// Status is pending, approved or disapproved.
	Status ModerationStatus `json:"status"`
	// Rule is the moderation rule that decided, as CometChat's moderation
	// webhooks report it ({id, name, ...}).
	Rule Metadata `json:"rule,omitzero"`
}

// Receipts lists a message's receipts, as a message's details carry them.
type Receipts struct {
	// Data holds one receipt per recipient.
	Data []Receipt `json:"data"`
}

// Receipt says when one recipient got a message and when they read it.
type Receipt struct {
	// Recipient is the user the receipt is about.
	Recipient *User `json:"recipient,omitempty"`
	// DeliveredAt is when the message was delivered to the recipient, in
	// Unix seconds.
	DeliveredAt Timestamp `json:"deliveredAt,omitempty"`
	// ReadAt is when the recipient read the message, in Unix seconds.
	ReadAt Timestamp `json:"readAt,omitempty"`
}

// Interactions holds what other users did with a message, under its data:
// reactions, mentions and moderation. It is embedded in the data of text,
// media and custom messages.
type Interactions struct {
	// Reactions counts the reactions on the message.
	Reactions []ReactionCount `json:"reactions,omitzero" profile:"rest,sdk"`
	// Mentions maps the uid of each user the message mentions to that user.
	Mentions map[string]User `json:"mentions,omitzero" profile:"rest,sdk"`
	// Moderation is what moderation made of the message.
	Moderation *Moderation `json:"moderation,omitempty" profile:"rest,sdk"`
}
