package types

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// A DecodeError says why a document could not be decoded. Path is the JSON
// Pointer of the offending value ("" for the whole document).
type DecodeError struct {
	Path string
	Msg  string
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Decode decodes one JSON document into the concrete type of its kind and
// profile, as Detect tells them: a *User, *Group or *GroupMember, or one of
// the message types (*TextMessage or *RESTTextMessage, and so on).
//
// Decode checks structure, not conformance: a document that decodes may
// still break the schema (a missing required field decodes as a zero value),
// which is what package validate reports. Decode does insist that object keys
// are spelled exactly as the model spells them, unlike encoding/json, so that
// it never reads {"Text": ...} as the text the schema says is missing.
func Decode(data []byte) (Document, error) {
	k, p, err := Detect(data)
	if err != nil {
		return nil, err
	}
	return DecodeAs(data, k, p)
}

// DecodeAs decodes data as kind k in profile p.
func DecodeAs(data []byte, k Kind, p Profile) (Document, error) {
	doc := New(k, p)
	if doc == nil {
		return nil, &DecodeError{Msg: fmt.Sprintf("unknown kind %q or profile %q", k, p)}
	}
	if _, err := object(data); err != nil {
		return nil, err
	}
	if err := checkKeys(data, doc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, &DecodeError{Msg: describeJSONError(err)}
	}
	return doc, nil
}

// New returns a new, empty value of the concrete type of kind k in profile
// p, or nil when either is unknown. Users, groups, members and conversations
// have one type in every profile.
func New(k Kind, p Profile) Document {
	if _, err := ParseProfile(string(p)); err != nil {
		return nil
	}
	switch k {
	case KindUser:
		return new(User)
	case KindGroup:
		return new(Group)
	case KindGroupMember:
		return new(GroupMember)
	case KindConversation:
		return new(Conversation)
	}
	switch p {
	case ProfileSDK:
		switch k {
		case KindTextMessage:
			return new(SDKTextMessage)
		case KindMediaMessage:
			return new(SDKMediaMessage)
		case KindCustomMessage:
			return new(SDKCustomMessage)
		case KindAction:
			return new(SDKAction)
		case KindCall:
			return new(SDKCall)
		}
	case ProfileREST:
		switch k {
		case KindTextMessage:
			return new(RESTTextMessage)
		case KindMediaMessage:
			return new(RESTMediaMessage)
		case KindCustomMessage:
			return new(RESTCustomMessage)
		case KindAction:
			return new(RESTAction)
		case KindCall:
			return new(RESTCall)
		}
	case ProfileDocs:
		switch k {
		case KindTextMessage:
			return new(TextMessage)
		case KindMediaMessage:
			return new(MediaMessage)
		case KindCustomMessage:
			return new(CustomMessage)
		case KindAction:
			return new(Action)
		case KindCall:
			return new(Call)
		}
	}
	return nil
}

// Detect tells the kind and profile of one JSON document by the rules the
// CometChat SDKs decode by, with keys matched exactly:
//
//   - A document with a category is a message. Category message dispatches on
//     type: text is a TextMessage; image, video, audio and file a
//     MediaMessage; custom a CustomMessage; any other type is an error.
//     Category custom is a CustomMessage whatever its type, action an Action,
//     call a Call; any other category is an error.
//   - Otherwise a document with a conversationWith, or a conversationType and
//     no uid or guid, is a Conversation (users and groups carry a
//     conversationId too).
//   - Otherwise a document with a messageId and a reaction is a reaction,
//     and one with a receiptType a receipt: both are errors, as neither is a
//     kind of its own (they are checked inside the messages that carry them).
//   - Otherwise a document with a uid is a GroupMember when it also has a
//     scope or a joinedAt, and a User when not.
//   - Otherwise a document with a guid is a Group (a group returned to a
//     member carries that member's scope, but never a uid).
//
// A message whose sender is a string is in the rest profile. One whose
// sender is an object is in the sdk profile when its receiver is an object
// too, or it has a receiverId or a rawMessage, and in the docs profile when
// not. Without a telling sender, fields only one profile has decide, and
// docs is the default. A user, group, member or conversation is in the sdk
// profile when it has the fields the SDKs always write (see entityProfile).
func Detect(data []byte) (Kind, Profile, error) {
	top, err := object(data)
	if err != nil {
		return "", "", err
	}
	return DetectObject(rawObject(top))
}

// Object gives the members of a parsed JSON object by exact key, for
// DetectObject: a validator that has parsed a document its own way detects
// with the same rules as Detect.
type Object interface {
	// Member returns the raw JSON of the member named key.
	Member(key string) (raw []byte, ok bool)
	// Keys calls yield with every key, until it returns false.
	Keys(yield func(key string) bool)
}

type rawObject map[string]json.RawMessage

func (o rawObject) Member(key string) ([]byte, bool) {
	raw, ok := o[key]
	return raw, ok
}

func (o rawObject) Keys(yield func(string) bool) {
	for k := range o {
		if !yield(k) {
			return
		}
	}
}

// DetectObject is Detect for an object already parsed.
func DetectObject(top Object) (Kind, Profile, error) {
	if raw, ok := top.Member("category"); ok {
		k, err := messageKind(raw, top)
		if err != nil {
			return "", "", err
		}
		return k, messageProfile(top), nil
	}
	var k Kind
	switch {
	case has(top, "conversationWith") || has(top, "conversationType") && !has(top, "uid") && !has(top, "guid"):
		k = KindConversation
	case has(top, "messageId") && has(top, "reaction"):
		return "", "", &DecodeError{Msg: "a reaction (it has a messageId and a reaction) is not a kind of its own: " +
			"validate the message that carries it, whose data.reactions counts it"}
	case has(top, "receiptType"):
		return "", "", &DecodeError{Msg: "a receipt (it has a receiptType) is not a kind of its own: " +
			"validate the message that carries it, whose receipts list it"}
	case has(top, "uid") && (has(top, "scope") || has(top, "joinedAt")):
		k = KindGroupMember
	case has(top, "uid"):
		k = KindUser
	case has(top, "guid"):
		k = KindGroup
	default:
		return "", "", &DecodeError{Msg: "cannot tell the kind: the document has no category (a message), " +
			"uid (a user or group member), guid (a group) or conversationWith (a conversation)"}
	}
	return k, entityProfile(k, top), nil
}

// object parses data as one JSON object and returns its members.
func object(data []byte) (map[string]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, &DecodeError{Msg: "empty document: expected a JSON object"}
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err != nil && strings.Contains(err.Error(), "exceeded max depth") {
			return nil, &DecodeError{Msg: "nested more than 10000 levels deep: no document of the model is"}
		}
		return nil, &DecodeError{Msg: "not JSON: " + describeJSONError(err)}
	}
	if data[0] != '{' {
		return nil, &DecodeError{Msg: "not an object: the document is " + jsonTypeOf(data) +
			"; decode one object at a time"}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, &DecodeError{Msg: describeJSONError(err)}
	}
	return top, nil
}

func messageKind(raw []byte, top Object) (Kind, error) {
	cat, ok := jsonString(raw)
	if !ok {
		return "", &DecodeError{Path: "/category", Msg: "category is " + jsonTypeOf(raw) + ", expected a string"}
	}
	switch Category(cat) {
	case CategoryAction:
		return KindAction, nil
	case CategoryCall:
		return KindCall, nil
	case CategoryCustom:
		return KindCustomMessage, nil
	case CategoryMessage:
	default:
		return "", &DecodeError{Path: "/category", Msg: fmt.Sprintf(
			"unknown category %q: expected one of message, custom, action, call%s", cat, hint(cat, Category("").Values(ProfileDocs)))}
	}
	rawType, ok := top.Member("type")
	if !ok {
		return "", &DecodeError{Path: "/type", Msg: `a message of category "message" needs a type: text, image, video, audio, file or custom`}
	}
	typ, ok := jsonString(rawType)
	if !ok {
		return "", &DecodeError{Path: "/type", Msg: "type is " + jsonTypeOf(rawType) + ", expected a string"}
	}
	switch MessageType(typ) {
	case MessageText:
		return KindTextMessage, nil
	case MessageImage, MessageVideo, MessageAudio, MessageFile:
		return KindMediaMessage, nil
	case MessageCustom:
		return KindCustomMessage, nil
	}
	return "", &DecodeError{Path: "/type", Msg: fmt.Sprintf(
		"message type %q is not valid for category \"message\": expected one of text, image, video, audio, file, custom%s",
		typ, hint(typ, MessageType("").Values(ProfileDocs)))}
}

// sdkKeys are top-level message keys that only the sdk profile has.
var sdkKeys = []string{"receiverId", "rawMessage", "parentMessageId", "caption", "mentionedUsers", "mentionedMe"}

// sdkMessage reports whether top has a key or value only the sdk profile
// has.
func sdkMessage(top Object) bool {
	// Every SDK object has a receiverId, and no other message has one: one
	// lookup tells the common cases, whatever the receiver is.
	if has(top, "receiverId") {
		return true
	}
	if r, ok := top.Member("receiver"); ok {
		switch jsonTypeOf(r) {
		case "an object":
			return true
		case "a string":
			return false
		}
	}
	for _, k := range sdkKeys {
		if has(top, k) {
			return true
		}
	}
	return false
}

// docsKeys are top-level message keys that the docs profile has and the rest
// profile has not.
var docsKeys = []string{"text", "url", "file", "customData", "subType", "metadata", "actionBy",
	"actionOn", "actionFor", "message", "callInitiator", "callReceiver", "sessionId", "initiatedAt"}

// restKeys are top-level message keys that the rest profile has and the docs
// profile has not.
var restKeys = []string{"conversationId", "updatedAt", "parentId", "editedAt", "editedBy",
	"deletedAt", "deletedBy", "tags", "replyCount"}

func messageProfile(top Object) Profile {
	if s, ok := top.Member("sender"); ok {
		switch jsonTypeOf(s) {
		case "a string":
			return ProfileREST
		case "an object":
			if sdkMessage(top) {
				return ProfileSDK
			}
			return ProfileDocs
		}
	}
	if sdkMessage(top) {
		return ProfileSDK
	}
	for _, k := range docsKeys {
		if has(top, k) {
			return ProfileDocs
		}
	}
	for _, k := range restKeys {
		if has(top, k) {
			return ProfileREST
		}
	}
	return ProfileDocs
}

// entityProfile tells the profile of a user, group, member or conversation.
// The SDKs always write hasBlockedMe, blockedByMe and deactivatedAt on a user
// (and a member), hasJoined, membersCount and (4.x) isBanned on a group, and
// no createdAt on a conversation: with those, a document is in the sdk
// profile; a 3.x group looks like the REST group it was built from, and is
// told rest. Otherwise a
// document with a field or value only the REST API sends (a user's status
// available, createdAt on a user) is in the rest profile, and any other in
// the docs profile. The validator also tries the other profiles on a
// document that fails the detected one, and keeps the one it fits best.
func entityProfile(k Kind, top Object) Profile {
	switch k {
	case KindUser, KindGroupMember:
		if has(top, "hasBlockedMe") && has(top, "blockedByMe") && has(top, "deactivatedAt") {
			return ProfileSDK
		}
	case KindGroup:
		// The REST API sends hasJoined and membersCount too: only 4.x's
		// isBanned beside them tells an SDK group.
		if has(top, "isBanned") && has(top, "hasJoined") && has(top, "membersCount") {
			return ProfileSDK
		}
	case KindConversation:
		if has(top, "createdAt") || has(top, "updatedAt") {
			return ProfileREST
		}
		if c, ok := top.Member("unreadMessageCount"); ok && jsonTypeOf(c) == "a string" {
			return ProfileREST
		}
		return ProfileSDK
	}
	rest := false
	only := restOnly[k]
	top.Keys(func(key string) bool {
		rest = only.has(key)
		return !rest
	})
	if rest {
		return ProfileREST
	}
	if status, _ := top.Member("status"); k != KindGroup && string(bytes.TrimSpace(status)) == `"`+string(UserAvailable)+`"` {
		return ProfileREST
	}
	return ProfileDocs
}

// restOnly holds, for each kind, the top-level fields that the docs profile
// lacks.
var restOnly = func() map[Kind]*keySet {
	m := map[Kind]*keySet{}
	for _, k := range Kinds() {
		m[k] = &keySet{names: map[string]bool{}}
		t := reflect.TypeOf(New(k, ProfileREST)).Elem()
		for name := range fieldsOf(t) {
			if !InProfile(t, name, ProfileDocs) {
				m[k].add(name)
			}
		}
	}
	return m
}()

// keySet is a set of keys that most keys it is asked about are not in: a
// key's first byte and length rule most out before the map is read (the
// detection asks it about every key of every user, group and member).
type keySet struct {
	lengths [256]uint64 // by first byte, a bit per length below 64
	names   map[string]bool
}

func (s *keySet) add(name string) {
	if len(name) > 0 && len(name) < 64 {
		s.lengths[name[0]] |= 1 << len(name)
	}
	s.names[name] = true
}

func (s *keySet) has(key string) bool {
	if len(key) == 0 || len(key) >= 64 || s.lengths[key[0]]&(1<<len(key)) == 0 {
		return false
	}
	return s.names[key]
}

func has(top Object, key string) bool {
	_, ok := top.Member(key)
	return ok
}

// jsonString reads a JSON string, cheaply when it has no escapes.
func jsonString(raw []byte) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// jsonTypeOf names the JSON type of a valid JSON value, with its article.
func jsonTypeOf(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// hint suggests the documented value that v differs from only in case.
func hint(v string, values []string) string {
	for _, w := range values {
		if strings.EqualFold(v, w) {
			return fmt.Sprintf("; did you mean %q?", w)
		}
	}
	return ""
}

// describeJSONError turns an encoding/json error into one line that names
// the place and the problem.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s (at byte %d)", syn.Error(), syn.Offset)
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "value"
		}
		return fmt.Sprintf("%s: got %s, expected %s", where, article(typ.Value), jsonTypeFor(typ.Type))
	case err != nil:
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "invalid JSON"
}

// article puts "a" or "an" before a JSON type name.
func article(v string) string {
	if strings.HasPrefix(v, "object") || strings.HasPrefix(v, "array") {
		return "an " + v
	}
	return "a " + v
}

// jsonTypeFor names the JSON type a Go type decodes from.
func jsonTypeFor(t reflect.Type) string {
	switch t {
	case reflect.TypeOf(Timestamp(0)):
		return "a whole number of Unix seconds"
	case reflect.TypeOf(Flag(false)):
		return `one of false, true, 0, 1, "0", "1"`
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return t.String()
}

// DetectProfile tells the profile of data taken as kind k, by the rules of
// Detect; it is for documents whose kind is known. It returns ProfileDocs when
// data is not an object.
func DetectProfile(data []byte, k Kind) Profile {
	top, err := object(data)
	if err != nil {
		return ProfileDocs
	}
	return DetectObjectProfile(rawObject(top), k)
}

// DetectObjectProfile is DetectProfile for an object already parsed.
func DetectObjectProfile(top Object, k Kind) Profile {
	if k.IsMessage() {
		return messageProfile(top)
	}
	return entityProfile(k, top)
}
