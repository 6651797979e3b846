package generate

import (
	"fmt"
	"strconv"

	"github.com/ccconform/ccconform/types"
)

// targeted reports whether action a is done to a member other than its
// actor, who then appears in data.on.
func targeted(a types.MemberAction) bool {
	return a != types.ActionJoined && a != types.ActionLeft
}

// actionMessage is the default text the SDK gives an action, in the form of
// the documentation's example ("SUPERHERO62 joined Avengers").
func actionMessage(a types.MemberAction, by, on string, group string, scope types.MemberScope) string {
	switch a {
	case types.ActionJoined:
		return fmt.Sprintf("%s joined %s", by, group)
	case types.ActionLeft:
		return fmt.Sprintf("%s left %s", by, group)
	case types.ActionScopeChanged:
		return fmt.Sprintf("%s made %s %s", by, on, scope)
	}
	return fmt.Sprintf("%s %s %s", by, a, on)
}

func (s *src) action() types.Document {
	sc := s.scene()
	if s.chance(0.25) {
		return s.messageAction(sc, pick(s, types.ActionEdited, types.ActionDeleted))
	}
	if sc.rtype != types.ReceiverGroup {
		sc.rtype, sc.to = types.ReceiverGroup, person{}
		sc.group = s.groupInfo(sc.sender.uid, sc.sent)
	}
	a := pick(s, types.ActionJoined, types.ActionLeft, types.ActionKicked, types.ActionBanned, types.ActionUnbanned,
		types.ActionInvited, types.ActionScopeChanged, types.ActionAdded)
	var on *person
	if targeted(a) {
		p := s.person(sc.sent)
		if p.uid == sc.sender.uid {
			p.uid += "-2"
		}
		on = &p
	}
	return s.actionIn(sc, a, on, s.scope())
}

// actionIn makes the action a, done by sc's sender in sc's group, to on
// when the action has a target; scope is the new scope of scopeChanged.
func (s *src) actionIn(sc scene, a types.MemberAction, on *person, scope types.MemberScope) types.Document {
	h := s.header(sc, types.CategoryAction)
	by := s.user(sc.sender, sc.sent)
	group := s.group(sc.group, sc.sent, true)
	ents := types.ActionEntities{By: types.UserRef(by), For: types.GroupRef(group)}
	var onUser *types.User
	onName := ""
	if on != nil {
		u := s.user(*on, sc.sent)
		onUser, onName = &u, u.Name
		ents.On = types.UserRef(u)
	}
	if s.rest() {
		m := &types.RESTAction{MessageHeader: h, WireFields: s.wire(sc), Sender: by.UID, Type: types.ActionGroupMember,
			Data: types.RESTActionData{Action: a, Entities: ents}}
		if a == types.ActionScopeChanged {
			// The server says what the member's scope was and became; the
			// SDKs read their oldScope, newScope and sentence from here.
			old := pick(s, types.ScopeParticipant, types.ScopeModerator, types.ScopeAdmin)
			if old == scope {
				old = types.ScopeParticipant
				if scope == old {
					old = types.ScopeModerator
				}
			}
			if sc.oldScope != "" {
				// Drawn all the same, so that the rest of the
				// document is what it was.
				old = sc.oldScope
			}
			m.Data.Extras = &types.ActionExtras{Scope: &types.ScopeChange{Old: old, New: scope}}
		}
		return m
	}
	m := &types.Action{MessageHeader: h, Sender: by, Type: types.ActionGroupMember, Status: s.messageStatus(), Action: a,
		ActionBy: types.AppEntity{User: &by}, ActionFor: types.AppEntity{Group: &group},
		Message: actionMessage(a, by.Name, onName, group.Name, scope),
		Data:    types.ActionData{Action: a, ActionEntities: ents}}
	if onUser != nil {
		m.ActionOn = &types.AppEntity{User: onUser}
	}
	return m
}

// messageAction makes the action that reports a message of sc's
// conversation edited or deleted (a) by sc's sender at sc's time. The
// message, in the REST wire shape in every profile, was sent by the same
// user before the action, and has a smaller id; a deleted one has lost its
// text.
func (s *src) messageAction(sc scene, a types.MemberAction) types.Document {
	msc := sc
	msc.sent = sc.sent - s.between(601, 7*86400)
	id, _ := strconv.ParseInt(sc.id, 10, 64)
	if id < 2 {
		id = 2
		sc.id = "2"
	}
	msc.id = strconv.FormatInt(s.between(max(1, id-5000), id-1), 10)
	msc.muid = ""
	msg := asREST(s, func() types.Document {
		switch s.f.IntN(6) {
		case 0:
			return s.mediaMessageIn(msc)
		case 1:
			return s.customMessageIn(msc)
		}
		return s.textMessageIn(msc)
	})
	at := types.Timestamp(sc.sent)
	var w *types.WireFields
	var ents types.MessageEntities
	switch m := msg.(type) {
	case *types.RESTTextMessage:
		w, ents = &m.WireFields, m.Data.Entities
		if a == types.ActionDeleted {
			m.Data.Text = ""
		}
	case *types.RESTMediaMessage:
		w, ents = &m.WireFields, m.Data.Entities
		if a == types.ActionDeleted {
			m.Data.Text = ""
		}
	case *types.RESTCustomMessage:
		w, ents = &m.WireFields, m.Data.Entities
		if a == types.ActionDeleted {
			m.Data.Text = ""
		}
	}
	if a == types.ActionEdited {
		w.EditedAt, w.EditedBy = at, sc.sender.uid
	} else {
		w.DeletedAt, w.DeletedBy = at, sc.sender.uid
	}
	w.UpdatedAt = at
	h := s.header(sc, types.CategoryAction)
	if s.rest() {
		// The actor and the conversation's other party are the ones the
		// message names.
		return &types.RESTAction{MessageHeader: h, WireFields: s.wire(sc), Sender: sc.sender.uid, Type: types.ActionMessage,
			Data: types.RESTActionData{Action: a, Entities: types.ActionEntities{By: ents.Sender, For: ents.Receiver,
				On: types.MessageRef(msg.(types.Entity))}}}
	}
	by, forRef := s.parties(sc)
	on := types.MessageRef(msg.(types.Entity))
	m := &types.Action{MessageHeader: h, Sender: by, Type: types.ActionMessage, Status: s.messageStatus(), Action: a,
		ActionBy: types.AppEntity{User: &by}, ActionOn: &types.AppEntity{Message: msg.(types.Entity)},
		Data: types.ActionData{Action: a, ActionEntities: types.ActionEntities{By: types.UserRef(by), For: forRef.Receiver, On: on}}}
	if g := forRef.Receiver.Group(); g != nil {
		m.ActionFor = types.AppEntity{Group: g}
	} else {
		m.ActionFor = types.AppEntity{User: forRef.Receiver.User()}
	}
	return m
}

// callStatuses weighs the statuses as calls end: most are answered and
// ended, some never are.
var callStatuses = []types.CallStatus{
	types.CallInitiated, types.CallOngoing, types.CallEnded, types.CallEnded, types.CallEnded,
	types.CallUnanswered, types.CallRejected, types.CallBusy, types.CallCancelled,
}

func (s *src) call() types.Document {
	sc := s.scene()
	status := pick(s, callStatuses...)
	typ := pick(s, types.CallAudio, types.CallVideo)
	// A call message is sent when the call reaches its status: at once
	// when initiated, later when ended.
	initiated := sc.sent
	if status != types.CallInitiated {
		initiated -= s.between(0, 3600)
	}
	return s.callIn(sc, status, typ, initiated, fmt.Sprintf("%d%s", initiated, s.hex(40)))
}

// callIn makes the message that reports call session (of type typ, started
// at initiated) reaching status at sc's time.
func (s *src) callIn(sc scene, status types.CallStatus, typ types.CallType, initiated int64, session string) types.Document {
	h := s.header(sc, types.CategoryCall)
	from, ents := s.parties(sc)
	ce := types.CallEntity{SessionID: session, Status: status, Type: typ,
		InitiatedAt: types.Timestamp(initiated)}
	if s.maybe() {
		ce.Sender, ce.Receiver, ce.ReceiverType = sc.sender.uid, sc.receiver(), sc.rtype
	}
	ce.Data = types.CallEntityData{Entities: ents}
	if s.maybe() {
		app := s.hex(11)
		ce.WSChannel = &types.WSChannel{Identity: "[" + app + "]" + ce.SessionID, Secret: s.hex(40), Service: app + ".call"}
	}
	call := types.CallEntities{By: types.UserRef(from), For: ents.Receiver, On: types.CallRef(ce)}
	if s.rest() {
		return &types.RESTCall{MessageHeader: h, WireFields: s.wire(sc), Sender: from.UID, Type: typ,
			Data: types.RESTCallData{Action: status, Entities: call}}
	}
	m := &types.Call{MessageHeader: h, Sender: from, Type: typ, Status: status, SessionID: ce.SessionID,
		InitiatedAt: types.Timestamp(initiated), CallInitiator: from,
		Data: types.CallData{Action: status, CallEntities: call}}
	if s.maybe() {
		m.Action = status
	}
	if s.maybe() {
		m.Metadata = s.metadata()
	}
	if g := ents.Receiver.Group(); g != nil {
		m.CallReceiver = types.AppEntity{Group: g}
	} else {
		m.CallReceiver = types.AppEntity{User: ents.Receiver.User()}
	}
	return m
}
