package generate

import (
	"bytes"
	"encoding/json"

	"github.com/ccconform/ccconform/types"
)

// The sdk profile is made from the rest profile as the official SDKs make
// their objects from server JSON (4.x, docs/research/sdk-objects.md): every
// wire key kept and data as sent, sender and receiver turned into objects,
// the receiver's id in receiverId, parentId renamed parentMessageId, and the
// SDK's own keys added. sdkView does that to one rest document.

// sdkView returns the SDK object a rest document decodes to: a
// *types.SDKTextMessage for a *types.RESTTextMessage, and so on; users,
// groups, members and conversations as the SDK's lists give them.
func sdkView(doc types.Document) types.Document {
	switch d := doc.(type) {
	case *types.User:
		u := fullUser(*d)
		return &u
	case *types.Group:
		g := sdkGroup(*d)
		return &g
	case *types.GroupMember:
		m := *d
		m.User = fullUser(d.User)
		return &m
	case *types.Conversation:
		return sdkConversation(d)
	case *types.RESTTextMessage:
		m := &types.SDKTextMessage{Type: d.Type, Text: d.Data.Text, Data: d.Data}
		m.SDKHeader, m.WireFields = sdkHeader(d.MessageHeader, d.WireFields, d.Data.Entities.Sender, d.Data.Entities.Receiver, false, d.Data.Metadata)
		sdkRaw(m, &m.SDKHeader, &m.WireFields)
		return m
	case *types.RESTMediaMessage:
		m := &types.SDKMediaMessage{Type: d.Type, Caption: d.Data.Text, Data: d.Data}
		m.SDKHeader, m.WireFields = sdkHeader(d.MessageHeader, d.WireFields, d.Data.Entities.Sender, d.Data.Entities.Receiver, false, d.Data.Metadata)
		sdkRaw(m, &m.SDKHeader, &m.WireFields)
		return m
	case *types.RESTCustomMessage:
		m := &types.SDKCustomMessage{Type: d.Type, CustomData: d.Data.CustomData, SubType: d.Data.SubType, Data: d.Data}
		m.SDKHeader, m.WireFields = sdkHeader(d.MessageHeader, d.WireFields, d.Data.Entities.Sender, d.Data.Entities.Receiver, false, d.Data.Metadata)
		sdkRaw(m, &m.SDKHeader, &m.WireFields)
		return m
	case *types.RESTAction:
		return sdkAction(d)
	case *types.RESTCall:
		return sdkCall(d)
	}
	return doc
}

// sdkHeader makes the keys every SDK message has from the wire message's
// header, its wire fields and its sender and receiver entities (raw says
// the users keep every wire key, as an action's do), with metadata the
// copy of data.metadata.
func sdkHeader(h types.MessageHeader, w types.WireFields, from, to *types.EntityRef, raw bool, meta types.Metadata) (types.SDKHeader, types.WireFields) {
	sh := types.SDKHeader{ID: h.ID, MUID: h.MUID, ReceiverID: h.Receiver, ReceiverType: h.ReceiverType,
		Category: h.Category, SentAt: h.SentAt, DeliveredAt: h.DeliveredAt, ReadAt: h.ReadAt,
		ParentMessageID: w.ParentID, Metadata: meta}
	if u := from.User(); u != nil {
		sh.Sender = messageUser(*u, raw)
	}
	sh.Receiver = sdkParty(to, raw)
	w.ParentID = ""
	return sh, w
}

// sdkParty is the User (short, or raw) or Group an entity wraps.
func sdkParty(ref *types.EntityRef, raw bool) types.UserOrGroup {
	if g := ref.Group(); g != nil {
		sg := sdkGroup(*g)
		return types.UserOrGroup{Group: &sg}
	}
	if u := ref.User(); u != nil {
		su := messageUser(*u, raw)
		return types.UserOrGroup{User: &su}
	}
	return types.UserOrGroup{}
}

func messageUser(u types.User, raw bool) types.User {
	if raw {
		return rawUser(u)
	}
	return shortUser(u)
}

// sdkRaw sets rawMessage to the object as it is before rawMessage and
// threadSubscribed are added (4.x), then threadSubscribed to false.
func sdkRaw(doc types.Document, h *types.SDKHeader, w *types.WireFields) {
	h.RawMessage, w.ThreadSubscribed = nil, nil
	b, err := json.Marshal(doc)
	if err != nil {
		panic("generate: encoding an sdk message: " + err.Error())
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic("generate: decoding an sdk message: " + err.Error())
	}
	delete(m, "rawMessage")
	h.RawMessage = m
	f := types.Flag(false)
	w.ThreadSubscribed = &f
}

// sdkStatus is the status the SDK's User class writes: offline when the
// wire says offline or nothing, else online.
func sdkStatus(s types.UserStatus) types.UserStatus {
	if s == types.UserOffline || s == "" {
		return types.UserOffline
	}
	return types.UserOnline
}

// rawUser is a user with every wire key and the wire's status, and the
// three keys the SDK's User always has (an action's users).
func rawUser(u types.User) types.User {
	f := false
	if u.HasBlockedMe == nil {
		u.HasBlockedMe = &f
	}
	if u.BlockedByMe == nil {
		u.BlockedByMe = &f
	}
	if u.DeactivatedAt == nil {
		var z types.Timestamp
		u.DeactivatedAt = &z
	}
	return u
}

// fullUser is a user as the SDK's user lists give it: every wire key, the
// status made online or offline.
func fullUser(u types.User) types.User {
	u = rawUser(u)
	u.Status = sdkStatus(u.Status)
	return u
}

// shortUser is a user as the SDK's User class keeps it from a message's
// entity: its own fields only, no empty avatar, nothing blocked.
func shortUser(u types.User) types.User {
	hasBlockedMe, blockedByMe := false, false
	d := types.Timestamp(0)
	if u.DeactivatedAt != nil {
		d = *u.DeactivatedAt
	}
	s := types.User{UID: u.UID, Name: u.Name, Status: sdkStatus(u.Status), HasBlockedMe: &hasBlockedMe, BlockedByMe: &blockedByMe,
		DeactivatedAt: &d, AuthToken: u.AuthToken, Avatar: u.Avatar, LastActiveAt: u.LastActiveAt, Link: u.Link,
		Metadata: u.Metadata, Role: u.Role, StatusMessage: u.StatusMessage, Tags: u.Tags}
	return s
}

// sdkGroup is a group with the keys the SDK's Group always has.
func sdkGroup(g types.Group) types.Group {
	f, b := false, false
	if g.HasJoined == nil {
		g.HasJoined = &f
	}
	if g.MembersCount == nil {
		var n types.Integer
		g.MembersCount = &n
	}
	if g.IsBanned == nil {
		g.IsBanned = &b
	}
	return g
}

func sdkAction(d *types.RESTAction) types.Document {
	ents := d.Data.Entities
	m := &types.SDKAction{Type: d.Type, Action: d.Data.Action, Data: d.Data}
	// An action's data.metadata is not copied to the top level.
	m.SDKHeader, m.WireFields = sdkHeader(d.MessageHeader, d.WireFields, ents.By, ents.For, true, nil)
	m.ActionBy = m.Sender
	m.ActionFor = m.Receiver
	byName, onName := m.Sender.Name, ""
	if ents.On != nil {
		if u := ents.On.User(); u != nil {
			ru := rawUser(*u)
			m.ActionOn = &types.ActionTarget{User: &ru}
			onName = u.Name
		} else if ents.On.Entity != nil {
			m.ActionOn = &types.ActionTarget{Message: sdkView(ents.On.Entity.(types.Document))}
		}
	}
	var scope types.MemberScope
	if x := d.Data.Extras; x != nil && x.Scope != nil {
		m.OldScope, m.NewScope = x.Scope.Old, x.Scope.New
		scope = x.Scope.New
	}
	m.Message = sdkActionMessage(d.Data.Action, byName, onName, scope)
	sdkRaw(m, &m.SDKHeader, &m.WireFields)
	return m
}

// sdkActionMessage is the sentence the SDKs write in an action's message.
func sdkActionMessage(a types.MemberAction, by, on string, scope types.MemberScope) string {
	switch a {
	case types.ActionJoined, types.ActionLeft:
		return by + " " + string(a)
	case types.ActionAdded, types.ActionKicked, types.ActionBanned, types.ActionUnbanned:
		return by + " " + string(a) + " " + on
	case types.ActionScopeChanged:
		return by + " made " + on + " " + string(scope)
	}
	return "" // invited, edited, deleted
}

func sdkCall(d *types.RESTCall) types.Document {
	ents := d.Data.Entities
	m := &types.SDKCall{Type: d.Type, Action: d.Data.Action, Data: d.Data}
	m.SDKHeader, m.WireFields = sdkHeader(d.MessageHeader, d.WireFields, ents.By, ents.For, false, d.Data.Metadata)
	if c := ents.On.Call(); c != nil {
		m.SessionID, m.Status, m.InitiatedAt, m.JoinedAt = c.SessionID, c.Status, c.InitiatedAt, c.JoinedAt
		if u := c.Data.Entities.Sender.User(); u != nil {
			m.CallInitiator = shortUser(*u)
		}
	}
	m.CallReceiver = m.Receiver
	sdkRaw(m, &m.SDKHeader, &m.WireFields)
	return m
}

// sdkConversation is a conversation as the 4.x SDK's conversation list
// gives it: no createdAt or updatedAt, a number of unread messages, the
// three 4.x keys with their defaults, the last message decoded (null when
// there is none), the other party as a full User or a Group.
func sdkConversation(d *types.Conversation) types.Document {
	c := *d
	c.CreatedAt, c.UpdatedAt = 0, 0
	if c.UnreadMentionsCount == nil {
		var z types.Integer
		c.UnreadMentionsCount = &z
	}
	if c.LastMessage == nil || c.LastMessage.Document == nil {
		c.LastMessage = &types.AnyMessage{}
	} else {
		c.LastMessage = &types.AnyMessage{Document: sdkView(c.LastMessage.Document)}
	}
	switch w := d.ConversationWith; {
	case w.User != nil:
		u := fullUser(*w.User)
		c.ConversationWith = types.UserOrGroup{User: &u}
	case w.Group != nil:
		g := sdkGroup(*w.Group)
		c.ConversationWith = types.UserOrGroup{Group: &g}
	}
	return &c
}
