package types

import (
	"encoding/json"
	"errors"
	"fmt"
)

// EntityRef is the wrapper {"entity": ..., "entityType": ...} in which a
// message's data carries full objects: its sender and receiver, and who an
// action or call was by, for and on. Entity is a *User, *Group, *CallEntity
// or a rest profile message (the message an edit or deletion action is
// about), and EntityType says which; make one with UserRef, GroupRef, CallRef
// or MessageRef so that the two agree.
type EntityRef struct {
	// Entity is the object itself.
	Entity Entity `json:"entity"`
	// EntityType says what Entity is: user, group or call.
	EntityType EntityType `json:"entityType"`
}

// Entity is what an EntityRef wraps: a *User, a *Group, a *CallEntity or a
// rest profile message.
type Entity interface {
	// EntityType returns the entity type that names the entity.
	EntityType() EntityType
}

// EntityType returns EntityUser.
func (*User) EntityType() EntityType { return EntityUser }

// EntityType returns EntityGroup.
func (*Group) EntityType() EntityType { return EntityGroup }

// EntityType returns EntityCall.
func (*CallEntity) EntityType() EntityType { return EntityCall }

// EntityType returns EntityMessage.
func (*RESTTextMessage) EntityType() EntityType { return EntityMessage }

// EntityType returns EntityMessage.
func (*RESTMediaMessage) EntityType() EntityType { return EntityMessage }

// EntityType returns EntityMessage.
func (*RESTCustomMessage) EntityType() EntityType { return EntityMessage }

// EntityType returns EntityMessage.
func (*RESTAction) EntityType() EntityType { return EntityMessage }

// EntityType returns EntityMessage.
func (*RESTCall) EntityType() EntityType { return EntityMessage }

// MessageRef wraps m, a rest profile message.
func MessageRef(m Entity) *EntityRef { return &EntityRef{Entity: m, EntityType: EntityMessage} }

// UserRef wraps u.
func UserRef(u User) *EntityRef { return &EntityRef{Entity: &u, EntityType: EntityUser} }

// GroupRef wraps g.
func GroupRef(g Group) *EntityRef { return &EntityRef{Entity: &g, EntityType: EntityGroup} }

// CallRef wraps c.
func CallRef(c CallEntity) *EntityRef { return &EntityRef{Entity: &c, EntityType: EntityCall} }

// User returns the wrapped user, or nil when the entity is not a user.
func (r *EntityRef) User() *User {
	if r == nil {
		return nil
	}
	u, _ := r.Entity.(*User)
	return u
}

// Group returns the wrapped group, or nil when the entity is not a group.
func (r *EntityRef) Group() *Group {
	if r == nil {
		return nil
	}
	g, _ := r.Entity.(*Group)
	return g
}

// Call returns the wrapped call, or nil when the entity is not a call.
func (r *EntityRef) Call() *CallEntity {
	if r == nil {
		return nil
	}
	c, _ := r.Entity.(*CallEntity)
	return c
}

// UnmarshalJSON reads the wrapper, decoding the entity as its entityType
// says.
func (r *EntityRef) UnmarshalJSON(b []byte) error {
	var w struct {
		Entity     json.RawMessage `json:"entity"`
		EntityType *EntityType     `json:"entityType"`
	}
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.EntityType == nil {
		return errors.New("entity wrapper has no entityType")
	}
	if len(w.Entity) == 0 || string(w.Entity) == "null" {
		return errors.New("entity wrapper has no entity")
	}
	var e Entity
	switch *w.EntityType {
	case EntityUser:
		e = new(User)
	case EntityGroup:
		e = new(Group)
	case EntityCall:
		e = new(CallEntity)
	case EntityMessage:
		doc, err := DecodeAs(w.Entity, messageKindOf(w.Entity), ProfileREST)
		if err != nil {
			return err
		}
		m, ok := doc.(Entity)
		if !ok {
			return fmt.Errorf("the entity of entityType message is a %s, not a message", doc.Kind())
		}
		*r = EntityRef{Entity: m, EntityType: EntityMessage}
		return nil
	default:
		return fmt.Errorf("entityType %q is not one of user, group, call, message", *w.EntityType)
	}
	if err := json.Unmarshal(w.Entity, e); err != nil {
		return err
	}
	*r = EntityRef{Entity: e, EntityType: *w.EntityType}
	return nil
}

// AppEntity is the documentation's AppEntity: what an action was by, on or
// for, and who a call was to. It is a User, a Group, a Call or a message (the
// message an edit or deletion action is about, in the REST wire shape), told
// apart by shape: an object with a uid is a User, else one with a guid a
// Group, else one with a category a message, else one with a sessionId a
// Call, and any other a User. A key counts when
// present, whatever its value. Exactly one of the fields is set.
type AppEntity struct {
	User    *User
	Group   *Group
	Call    *Call
	Message Entity
}

// MarshalJSON writes the set entity, or null when none is set.
func (e AppEntity) MarshalJSON() ([]byte, error) {
	switch {
	case e.User != nil:
		return json.Marshal(e.User)
	case e.Group != nil:
		return json.Marshal(e.Group)
	case e.Call != nil:
		return json.Marshal(e.Call)
	case e.Message != nil:
		return json.Marshal(e.Message)
	}
	return []byte("null"), nil
}

// UnmarshalJSON decodes the entity as its shape says.
func (e *AppEntity) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*e = AppEntity{}
	switch appEntityType(keys) {
	case EntityGroup:
		e.Group = new(Group)
		return json.Unmarshal(b, e.Group)
	case EntityCall:
		e.Call = new(Call)
		return json.Unmarshal(b, e.Call)
	case EntityMessage:
		doc, err := DecodeAs(b, messageKindOf(b), ProfileREST)
		if err != nil {
			return err
		}
		m, ok := doc.(Entity)
		if !ok {
			return fmt.Errorf("a %s is not a message", doc.Kind())
		}
		e.Message = m
		return nil
	}
	e.User = new(User)
	return json.Unmarshal(b, e.User)
}

// appEntityType tells the type of an AppEntity from its keys.
func appEntityType[V any](keys map[string]V) EntityType {
	_, cat := keys["category"]
	_, uid := keys["uid"]
	_, guid := keys["guid"]
	_, session := keys["sessionId"]
	switch {
	case uid:
		return EntityUser
	case guid:
		return EntityGroup
	case cat:
		return EntityMessage
	case session:
		return EntityCall
	}
	return EntityUser
}

// CallEntity is a call as the entity of data.on in a call message: the wire
// form of the call, whose session id is spelled sessionid.
type CallEntity struct {
	// SessionID is the call's session id (spelled sessionid here).
	SessionID string `json:"sessionid" jsonschema:"minLength=1"`
	// Status is where the call is in its life.
	Status CallStatus `json:"status"`
	// Type says whether the call is audio or video.
	Type CallType `json:"type"`
	// InitiatedAt is when the call was started, in Unix seconds.
	InitiatedAt Timestamp `json:"initiatedAt"`
	// JoinedAt is when the call was joined, in Unix seconds.
	JoinedAt Timestamp `json:"joinedAt,omitempty"`
	// EndedAt is when the call ended, in Unix seconds.
	EndedAt Timestamp `json:"endedAt,omitempty"`
	// Sender is the uid of the user who started the call.
	Sender string `json:"sender,omitempty"`
	// Receiver is the uid or guid the call was made to.
	Receiver string `json:"receiver,omitempty"`
	// ReceiverType says whether the call was made to a user or a group.
	ReceiverType ReceiverType `json:"receiverType,omitempty"`
	// ConversationID names the conversation the call belongs to.
	ConversationID string `json:"conversationId,omitempty"`
	// Data carries the call's sender and receiver as full objects; the SDK
	// reads the call's initiator and receiver from here.
	Data CallEntityData `json:"data"`
	// WSChannel is the realtime channel the call's signalling uses.
	WSChannel *WSChannel `json:"wsChannel,omitempty"`
}

// CallEntityData holds a call entity's sender and receiver objects.
type CallEntityData struct {
	// Entities holds the call's sender and receiver.
	Entities MessageEntities `json:"entities"`
}

// WSChannel names the realtime channel of a call.
type WSChannel struct {
	// Identity is the caller's identity on the channel.
	Identity string `json:"identity"`
	// Secret is the channel's secret.
	Secret string `json:"secret"`
	// Service is the channel's service name.
	Service string `json:"service"`
}

// messageKindOf tells the kind of the message b holds, or "" when it holds
// none.
func messageKindOf(b []byte) Kind {
	k, _, err := Detect(b)
	if err != nil || !k.IsMessage() {
		return ""
	}
	return k
}
