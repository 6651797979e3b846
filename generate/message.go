package generate

import (
	"strconv"

	"github.com/ccconform/ccconform/types"
)

// scene is who a message is between, and when it was sent.
type scene struct {
	sent     int64
	sender   person
	rtype    types.ReceiverType
	to       person    // when rtype is user
	group    groupInfo // when rtype is group
	id, muid string
	// oldScope, when set, is the member's scope before a scopeChanged
	// action (a world knows it); otherwise one is drawn.
	oldScope types.MemberScope
}

func (s *src) scene() scene {
	sc := scene{sent: s.epoch()}
	sc.sender = s.person(sc.sent)
	sc.id = strconv.FormatInt(s.between(1, 99_999_999), 10)
	if s.maybe() {
		sc.muid = pick(s, "msg-"+s.hex(12), s.f.UUID())
	}
	if s.chance(0.6) {
		sc.rtype = types.ReceiverUser
		sc.to = s.person(sc.sent)
		if sc.to.uid == sc.sender.uid {
			sc.to.uid += "-2"
		}
	} else {
		sc.rtype = types.ReceiverGroup
		sc.group = s.groupInfo(sc.sender.uid, sc.sent)
	}
	return sc
}

func (sc scene) receiver() string {
	if sc.rtype == types.ReceiverGroup {
		return sc.group.guid
	}
	return sc.to.uid
}

// conversationID is how CometChat names the conversation of a message.
func (sc scene) conversationID() string {
	if sc.rtype == types.ReceiverGroup {
		return "group_" + sc.group.guid
	}
	a, b := sc.sender.uid, sc.to.uid
	if b < a {
		a, b = b, a
	}
	return a + "_user_" + b
}

// header fills the fields every message has, with receipts in order.
func (s *src) header(sc scene, c types.Category) types.MessageHeader {
	h := types.MessageHeader{ID: sc.id, MUID: sc.muid, Receiver: sc.receiver(), ReceiverType: sc.rtype,
		Category: c, SentAt: types.Timestamp(sc.sent)}
	if s.maybe() {
		h.DeliveredAt = types.Timestamp(sc.sent + s.between(0, 30))
	}
	if s.maybe() {
		h.ReadAt = types.Timestamp(max(int64(h.DeliveredAt), sc.sent) + s.between(0, 3600))
	}
	return h
}

// wire fills the fields the REST API adds to a message.
func (s *src) wire(sc scene) types.WireFields {
	var w types.WireFields
	if s.maybe() {
		w.ConversationID = sc.conversationID()
	}
	if s.maybe() {
		w.UpdatedAt = types.Timestamp(sc.sent + s.between(0, 600))
	}
	if s.maybe() && s.chance(0.3) {
		w.ParentID = strconv.FormatInt(s.between(1, 99_999_999), 10)
	}
	if s.maybe() && s.chance(0.2) {
		w.EditedAt = types.Timestamp(sc.sent + s.between(1, 600))
		w.EditedBy = sc.sender.uid
	}
	if s.maybe() && s.chance(0.3) {
		w.Tags = []string{pick(s, "important", "follow-up", "draft")}
	}
	if s.maybe() && s.chance(0.3) {
		n := types.Integer(s.f.IntN(20))
		w.ReplyCount = &n
	}
	return w
}

// parties returns the sender as a User, and the sender and receiver
// wrapped as data.entities holds them.
func (s *src) parties(sc scene) (types.User, types.MessageEntities) {
	from := s.user(sc.sender, sc.sent)
	ents := types.MessageEntities{Sender: types.UserRef(from)}
	if sc.rtype == types.ReceiverGroup {
		ents.Receiver = types.GroupRef(s.group(sc.group, sc.sent, true))
	} else {
		ents.Receiver = types.UserRef(s.user(sc.to, sc.sent))
	}
	return from, ents
}

func (s *src) messageStatus() string {
	if s.maybe() {
		return pick(s, "sent", "delivered", "read")
	}
	return ""
}

func (s *src) textMessage() types.Document { return s.textMessageIn(s.scene()) }

func (s *src) textMessageIn(sc scene) types.Document {
	h := s.header(sc, types.CategoryMessage)
	from, ents := s.parties(sc)
	text := s.text()
	if s.rest() {
		m := &types.RESTTextMessage{MessageHeader: h, WireFields: s.wire(sc), Sender: from.UID, Type: types.MessageText,
			Data: types.TextMessageData{Text: text, Entities: ents}}
		if s.maybe() {
			m.Data.Metadata = s.metadata()
		}
		return m
	}
	m := &types.TextMessage{MessageHeader: h, Sender: from, Type: types.MessageText, Text: text, Status: s.messageStatus(),
		Data: types.TextMessageData{Text: text, Entities: ents}}
	if s.maybe() {
		m.Metadata = s.metadata()
	}
	return m
}

func (s *src) mediaMessage() types.Document { return s.mediaMessageIn(s.scene()) }

func (s *src) mediaMessageIn(sc scene) types.Document {
	h := s.header(sc, types.CategoryMessage)
	from, ents := s.parties(sc)
	t := pick(s, types.MediaTypes()...)
	url, name, ext, mime := s.media(t, sc.sent)
	if s.rest() {
		m := &types.RESTMediaMessage{MessageHeader: h, WireFields: s.wire(sc), Sender: from.UID, Type: t,
			Data: types.MediaMessageData{Entities: ents}}
		// The SDK reads the file from data.attachments (getAttachment) and
		// data.url (getURL), and fails on a message without attachments:
		// servers send both.
		m.Data.URL = url
		m.Data.Attachments = []types.Attachment{s.attachment(url, name, ext, mime)}
		if s.maybe() {
			m.Data.Text = s.f.Sentence()
		}
		if s.maybe() {
			m.Data.Metadata = s.metadata()
		}
		return m
	}
	m := &types.MediaMessage{MessageHeader: h, Sender: from, Type: t, Status: s.messageStatus(), URL: url,
		Data: types.MediaMessageData{URL: url, Entities: ents}}
	if s.maybe() {
		file := url
		m.File = &file
	}
	if s.maybe() {
		m.Metadata = s.metadata()
	}
	return m
}

func (s *src) attachment(url, name, ext, mime string) types.Attachment {
	a := types.Attachment{URL: url}
	if s.maybe() {
		a.Name = name
	}
	if s.maybe() {
		a.Extension = ext
	}
	if s.maybe() {
		a.MimeType = mime
	}
	if s.maybe() {
		a.Size = []byte(strconv.Itoa(1 + s.f.IntN(50_000_000)))
	}
	return a
}

func (s *src) customMessage() types.Document { return s.customMessageIn(s.scene()) }

func (s *src) customMessageIn(sc scene) types.Document {
	cat, typ := types.CategoryCustom, pick(s, typesOf(s.custom)...)
	if s.custom == nil && s.chance(0.15) {
		// The documentation's own spelling: category message, type custom.
		cat, typ = types.CategoryMessage, string(types.MessageCustom)
	}
	h := s.header(sc, cat)
	from, ents := s.parties(sc)
	data := s.customDataFor(typ)
	var sub string
	if s.maybe() {
		sub = pick(s, "v1", "v2", "pin", "live", "draft")
	}
	if s.rest() {
		m := &types.RESTCustomMessage{MessageHeader: h, WireFields: s.wire(sc), Sender: from.UID, Type: typ,
			Data: types.CustomMessageData{CustomData: data, SubType: sub, Entities: ents}}
		if s.maybe() {
			m.Data.Text = "Sent a " + typ
		}
		if s.maybe() {
			m.Data.Metadata = s.metadata()
		}
		return m
	}
	m := &types.CustomMessage{MessageHeader: h, Sender: from, Type: typ, SubType: sub, CustomData: data, Status: s.messageStatus(),
		Data: types.CustomMessageData{CustomData: data, SubType: sub, Entities: ents}}
	if s.maybe() {
		m.Metadata = s.metadata()
	}
	return m
}
