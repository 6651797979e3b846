package types

// UserStatus tells whether a user is connected.
type UserStatus string

// The user statuses. The documentation lists online and offline; CometChat's
// REST API v3 reports a connected user as available, so the rest profile
// accepts that too.
const (
	UserOnline    UserStatus = "online"
	UserOffline   UserStatus = "offline"
	UserAvailable UserStatus = "available"
)

// GroupType says who may join a group.
type GroupType string

// The group types.
const (
	GroupPublic   GroupType = "public"
	GroupPrivate  GroupType = "private"
	GroupPassword GroupType = "password"
)

// MemberScope is a member's rank in a group.
type MemberScope string

// The member scopes.
const (
	ScopeAdmin       MemberScope = "admin"
	ScopeModerator   MemberScope = "moderator"
	ScopeParticipant MemberScope = "participant"
)

// MessageType is the type of a message of category message (the
// documentation's messageType).
type MessageType string

// The message types.
const (
	MessageText   MessageType = "text"
	MessageImage  MessageType = "image"
	MessageVideo  MessageType = "video"
	MessageAudio  MessageType = "audio"
	MessageFile   MessageType = "file"
	MessageCustom MessageType = "custom"
)

// MediaTypes lists the message types that make a MediaMessage.
func MediaTypes() []MessageType {
	return []MessageType{MessageImage, MessageVideo, MessageAudio, MessageFile}
}

// ReceiverType says whether a message goes to a user or to a group.
type ReceiverType string

// The receiver types.
const (
	ReceiverUser  ReceiverType = "user"
	ReceiverGroup ReceiverType = "group"
)

// Category is a message's category (the documentation's messageCategory), the
// first thing a decoder dispatches on.
type Category string

// The categories.
const (
	CategoryMessage Category = "message"
	CategoryAction  Category = "action"
	CategoryCall    Category = "call"
	CategoryCustom  Category = "custom"
)

// ActionType is the type of an action message: an action on a group member
// (the only one the data model documentation shows) or on a message (an edit
// or a deletion, as CometChat's message structure page lists them).
type ActionType string

// The action types.
const (
	ActionGroupMember ActionType = "groupMember"
	ActionMessage     ActionType = "message"
)

// MemberAction is what an action message reports: what happened to a group
// member, or to a message (edited, deleted).
type MemberAction string

// The member actions.
const (
	ActionJoined       MemberAction = "joined"
	ActionLeft         MemberAction = "left"
	ActionKicked       MemberAction = "kicked"
	ActionBanned       MemberAction = "banned"
	ActionUnbanned     MemberAction = "unbanned"
	ActionInvited      MemberAction = "invited"
	ActionScopeChanged MemberAction = "scopeChanged"
	ActionAdded        MemberAction = "added"
	// ActionEdited and ActionDeleted are the actions of type message: the
	// message in data.entities.on was edited or deleted.
	ActionEdited  MemberAction = "edited"
	ActionDeleted MemberAction = "deleted"
)

// CallStatus is where a call is in its life (the documentation's callStatus).
type CallStatus string

// The call statuses.
const (
	CallInitiated  CallStatus = "initiated"
	CallOngoing    CallStatus = "ongoing"
	CallUnanswered CallStatus = "unanswered"
	CallRejected   CallStatus = "rejected"
	CallBusy       CallStatus = "busy"
	CallCancelled  CallStatus = "cancelled"
	// CallCanceled is the same status as CometChat's message structure
	// page spells it; live calls carry whichever their client sent.
	CallCanceled CallStatus = "canceled"
	CallEnded    CallStatus = "ended"
)

// CallType says whether a call carries audio only or video too.
type CallType string

// The call types.
const (
	CallAudio CallType = "audio"
	CallVideo CallType = "video"
)

// EntityType says what the entity of an EntityRef is.
type EntityType string

// The entity types.
const (
	EntityUser  EntityType = "user"
	EntityGroup EntityType = "group"
	EntityCall  EntityType = "call"
	// EntityMessage wraps a message, in the REST wire shape: the message an
	// edit or deletion action is about.
	EntityMessage EntityType = "message"
)

// ModerationStatus is where a message is in CometChat's moderation.
type ModerationStatus string

// The moderation statuses.
const (
	ModerationPending     ModerationStatus = "pending"
	ModerationApproved    ModerationStatus = "approved"
	ModerationDisapproved ModerationStatus = "disapproved"
)

// Values lists the statuses accepted in profile p: the documentation's two,
// and in the rest and sdk profiles available too, which the REST API sends
// and the SDKs keep where they copy the wire's users.
func (UserStatus) Values(p Profile) []string {
	if p == ProfileDocs {
		return strs(UserOnline, UserOffline)
	}
	return strs(UserOnline, UserOffline, UserAvailable)
}

// Values lists the group types.
func (GroupType) Values(Profile) []string { return strs(GroupPublic, GroupPrivate, GroupPassword) }

// Values lists the member scopes.
func (MemberScope) Values(Profile) []string {
	return strs(ScopeAdmin, ScopeModerator, ScopeParticipant)
}

// Values lists the message types of category message.
func (MessageType) Values(Profile) []string {
	return strs(MessageText, MessageImage, MessageVideo, MessageAudio, MessageFile, MessageCustom)
}

// Values lists the receiver types.
func (ReceiverType) Values(Profile) []string { return strs(ReceiverUser, ReceiverGroup) }

// Values lists the categories.
func (Category) Values(Profile) []string {
	return strs(CategoryMessage, CategoryAction, CategoryCall, CategoryCustom)
}

// Values lists the action types.
func (ActionType) Values(Profile) []string { return strs(ActionGroupMember, ActionMessage) }

// Values lists the member actions.
func (MemberAction) Values(Profile) []string {
	return strs(ActionJoined, ActionLeft, ActionKicked, ActionBanned, ActionUnbanned,
		ActionInvited, ActionScopeChanged, ActionAdded, ActionEdited, ActionDeleted)
}

// Values lists the call statuses.
func (CallStatus) Values(Profile) []string {
	return strs(CallInitiated, CallOngoing, CallUnanswered, CallRejected, CallBusy,
		CallCancelled, CallCanceled, CallEnded)
}

// Values lists the call types.
func (CallType) Values(Profile) []string { return strs(CallAudio, CallVideo) }

// Values lists the entity types.
func (EntityType) Values(Profile) []string {
	return strs(EntityUser, EntityGroup, EntityCall, EntityMessage)
}

// Values lists the moderation statuses.
func (ModerationStatus) Values(Profile) []string {
	return strs(ModerationPending, ModerationApproved, ModerationDisapproved)
}

// Enum is implemented by every enumeration of the model. Values lists the
// values documented for a profile; the schema generator writes them as the
// enumeration's "enum".
type Enum interface {
	Values(Profile) []string
}

func strs[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
