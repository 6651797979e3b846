package types

import "encoding/json"

// UserOrGroup is a user or a group as an object, told apart by shape: an
// object with a uid is a User, else one with a guid a Group, and any other a
// User. It is a message's receiver in the sdk profile and a conversation's
// other party. Exactly one of the two fields is set.
type UserOrGroup struct {
	User  *User
	Group *Group
}

// MarshalJSON writes the set party, or null when none is set.
func (e UserOrGroup) MarshalJSON() ([]byte, error) {
	switch {
	case e.User != nil:
		return json.Marshal(e.User)
	case e.Group != nil:
		return json.Marshal(e.Group)
	}
	return []byte("null"), nil
}

// UnmarshalJSON decodes the party as its shape says.
func (e *UserOrGroup) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*e = UserOrGroup{}
	if partyType(keys) == EntityGroup {
		e.Group = new(Group)
		return json.Unmarshal(b, e.Group)
	}
	e.User = new(User)
	return json.Unmarshal(b, e.User)
}

// ID returns the party's uid or guid.
func (e UserOrGroup) ID() string {
	switch {
	case e.User != nil:
		return e.User.UID
	case e.Group != nil:
		return e.Group.GUID
	}
	return ""
}

// partyType tells a user from a group by its keys.
func partyType[V any](keys map[string]V) EntityType {
	_, uid := keys["uid"]
	_, guid := keys["guid"]
	if !uid && guid {
		return EntityGroup
	}
	return EntityUser
}

// ActionTarget is what an sdk profile action was done to: a member (a User)
// or a message (for edited and deleted, the message decoded as the SDK
// decodes messages), told apart by shape: an object with a category is a
// message. Exactly one of the two fields is set.
type ActionTarget struct {
	User    *User
	Message Document
}

// MarshalJSON writes the set target, or null when none is set.
func (e ActionTarget) MarshalJSON() ([]byte, error) {
	switch {
	case e.User != nil:
		return json.Marshal(e.User)
	case e.Message != nil:
		return json.Marshal(e.Message)
	}
	return []byte("null"), nil
}

// UnmarshalJSON decodes the target as its shape says; a message is decoded
// as Decode decodes documents.
func (e *ActionTarget) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*e = ActionTarget{}
	if _, ok := keys["category"]; ok {
		doc, err := Decode(b)
		if err != nil {
			return err
		}
		e.Message = doc
		return nil
	}
	e.User = new(User)
	return json.Unmarshal(b, e.User)
}
