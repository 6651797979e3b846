package types

import "fmt"

// Kind names one of the eight documented entities, spelled as the
// documentation spells them in lower camel case. It is what the command line
// accepts after --kind and what verdicts report.
type Kind string

// The documented kinds.
const (
	KindUser          Kind = "user"
	KindGroup         Kind = "group"
	KindGroupMember   Kind = "groupMember"
	KindTextMessage   Kind = "textMessage"
	KindMediaMessage  Kind = "mediaMessage"
	KindCustomMessage Kind = "customMessage"
	KindAction        Kind = "action"
	KindCall          Kind = "call"
	// KindConversation is a conversation as CometChat's conversation lists
	// return it: its parties, its last message and its unread count. The
	// data model documentation does not list it; the REST API and the SDKs
	// do.
	KindConversation Kind = "conversation"
)

// KindWebhook is the kind verdicts give a webhook delivery: an envelope
// around entities of the kinds above. It is not one of Kinds: no schema
// describes a delivery whole; package webhook says where its entities sit.
const KindWebhook Kind = "webhook"

// Kinds lists every kind: the documentation's eight in its order, then the
// conversation.
func Kinds() []Kind {
	return []Kind{KindUser, KindGroup, KindGroupMember, KindTextMessage,
		KindMediaMessage, KindCustomMessage, KindAction, KindCall, KindConversation}
}

// IsMessage reports whether documents of kind k are messages, that is,
// carry a category and are dispatched on it.
func (k Kind) IsMessage() bool {
	switch k {
	case KindTextMessage, KindMediaMessage, KindCustomMessage, KindAction, KindCall:
		return true
	}
	return false
}

// ParseKind returns the Kind named s, or an error that lists the valid names.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == s {
			return k, nil
		}
	}
	var names []string
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return "", fmt.Errorf("unknown kind %q: use one of %s%s", s, kindList(), hint(s, names))
}

func kindList() string {
	s := ""
	for i, k := range Kinds() {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// Profile names one of the three shapes in which the model is exchanged.
type Profile string

const (
	// ProfileSDK is the object view the official CometChat JavaScript SDKs
	// (3.x and 4.x) write when an app serialises what they decoded: the wire
	// message's keys and data kept as sent, its sender and receiver turned
	// into User or Group objects (the receiver's id moved to receiverId),
	// and the SDK's own keys added (rawMessage, text, actionBy, ...).
	ProfileSDK Profile = "sdk"
	// ProfileREST is the wire shape of CometChat's REST API v3: a message's
	// sender is a uid string, its content and sender object live under data,
	// and servers add fields such as conversationId and updatedAt.
	ProfileREST Profile = "rest"
	// ProfileDocs is the layout of the data model documentation's own
	// examples: a message's sender is a User object, its text, URL or
	// custom data sits at the top level beside a copy under data, and an
	// action's parties sit under data.by, data.for and data.on. No SDK in
	// use writes it; it is kept so that documents written from the
	// documentation still validate.
	ProfileDocs Profile = "docs"
)

// Profiles lists the three profiles: sdk, rest, docs.
func Profiles() []Profile { return []Profile{ProfileSDK, ProfileREST, ProfileDocs} }

// ParseProfile returns the Profile named s, or an error that lists the valid
// names.
func ParseProfile(s string) (Profile, error) {
	switch Profile(s) {
	case ProfileSDK, ProfileREST, ProfileDocs:
		return Profile(s), nil
	}
	return "", fmt.Errorf("unknown profile %q: use sdk, rest or docs%s", s, hint(s, []string{"sdk", "rest", "docs"}))
}
