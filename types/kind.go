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
)

// Kinds lists every kind in the documentation's order.
func Kinds() []Kind {
	return []Kind{KindUser, KindGroup, KindGroupMember, KindTextMessage,
		KindMediaMessage, KindCustomMessage, KindAction, KindCall}
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

// Profile names one of the two shapes in which the model is exchanged.
type Profile string

const (
	// ProfileSDK is the object view the CometChat SDK documentation describes:
	// a message's sender is a User object, its text, URL or custom data sits at
	// the top level beside a copy under data.
	ProfileSDK Profile = "sdk"
	// ProfileREST is the wire shape of CometChat's REST API v3: a message's
	// sender is a uid string, its content and sender object live under data,
	// and servers add fields such as conversationId and updatedAt.
	ProfileREST Profile = "rest"
)

// Profiles lists both profiles, sdk first.
func Profiles() []Profile { return []Profile{ProfileSDK, ProfileREST} }

// ParseProfile returns the Profile named s, or an error that lists the valid
// names.
func ParseProfile(s string) (Profile, error) {
	switch Profile(s) {
	case ProfileSDK, ProfileREST:
		return Profile(s), nil
	}
	return "", fmt.Errorf("unknown profile %q: use sdk or rest%s", s, hint(s, []string{"sdk", "rest"}))
}
