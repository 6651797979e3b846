package validate

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// RuleEndpointKind is the rule id of a document whose kind is not what its
// REST endpoint returns (a user in a group list).
const RuleEndpointKind = "endpoint-kind"

// An endpoint is a REST v3 path whose documents are of known kinds.
type endpoint struct {
	pattern string // segments after /v3, {x} matching any one
	kinds   []types.Kind
	what    string // what the endpoint returns, in words
}

var messageKinds = []types.Kind{types.KindTextMessage, types.KindMediaMessage, types.KindCustomMessage, types.KindAction, types.KindCall}

// endpoints are the REST API v3 paths (and the client API's /v3.0 ones, which
// the SDKs call) whose documents ccconform knows.
var endpoints = []endpoint{
	{"users", []types.Kind{types.KindUser}, "users"},
	{"users/{uid}", []types.Kind{types.KindUser}, "a user"},
	{"users/{uid}/blockedusers", []types.Kind{types.KindUser}, "users"},
	{"users/{uid}/friends", []types.Kind{types.KindUser}, "users"},
	{"groups", []types.Kind{types.KindGroup}, "groups"},
	{"groups/{guid}", []types.Kind{types.KindGroup}, "a group"},
	{"groups/{guid}/members", []types.Kind{types.KindGroupMember}, "group members"},
	{"groups/{guid}/bannedusers", []types.Kind{types.KindUser, types.KindGroupMember}, "users"},
	{"messages", messageKinds, "messages"},
	{"messages/{id}", messageKinds, "a message"},
	{"users/{uid}/messages", messageKinds, "messages"},
	{"groups/{guid}/messages", messageKinds, "messages"},
	{"conversations", []types.Kind{types.KindConversation}, "conversations"},
	{"users/{uid}/conversation", []types.Kind{types.KindConversation}, "a conversation"},
	{"groups/{guid}/conversation", []types.Kind{types.KindConversation}, "a conversation"},
}

// endpointOf returns the endpoint a source names, when it is an http(s) URL
// of a known REST v3 path, or a request as the proxy names its responses
// ("GET /v3/users?page=2"), or nil.
func endpointOf(source string) *endpoint {
	if method, target, ok := strings.Cut(source, " "); ok && method != "" && strings.ToUpper(method) == method && strings.HasPrefix(target, "/") {
		if method != "GET" && method != "HEAD" {
			return nil // what a POST or PUT answers is not the list the path names
		}
		source = "http://proxied" + target
	}
	if !strings.HasPrefix(source, "http://") && !strings.HasPrefix(source, "https://") {
		return nil
	}
	u, err := url.Parse(source)
	if err != nil {
		return nil
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i, s := range segs {
		if s != "v3" && s != "v3.0" {
			continue
		}
		rest := segs[i+1:]
		for j := range endpoints {
			if matchPath(endpoints[j].pattern, rest) {
				return &endpoints[j]
			}
		}
		return nil
	}
	return nil
}

func matchPath(pattern string, segs []string) bool {
	ps := strings.Split(pattern, "/")
	if len(ps) != len(segs) {
		return false
	}
	for i, p := range ps {
		if segs[i] == "" || !strings.HasPrefix(p, "{") && p != segs[i] {
			return false
		}
	}
	return true
}

func (e *endpoint) holds(k types.Kind) bool {
	for _, x := range e.kinds {
		if x == k {
			return true
		}
	}
	return false
}

// atEndpoint fits vd, the verdict of doc, to the endpoint doc came from: a
// document whose kind could not be told for want of the keys that tell it is
// checked as the endpoint's kind when it has one (in the rest profile unless
// --profile says otherwise: a REST path answers wire JSON), and a document
// of another kind gets an endpoint-kind violation. Suppressions apply afterwards, as to every verdict.
// It changes vd in place: a verdict is copied once less for every
// document.
func (v *Validator) atEndpoint(ep *endpoint, doc []byte, vd *Verdict) {
	if ep == nil || v.opts.Kind != "" {
		return
	}
	switch {
	case vd.Kind == "" && len(ep.kinds) == 1 && untellable(*vd):
		p := v.opts.Profile
		if p == "" {
			p = types.ProfileREST
		}
		loc := vd.Location
		*vd = v.reference(doc, hint{kind: ep.kinds[0], profile: p})
		vd.Location = loc
	case vd.Kind == "" && vd.HasRule(RuleKind):
		for i := range vd.Violations {
			if vd.Violations[i].Rule == RuleKind {
				vd.Violations[i].Message += fmt.Sprintf("; this endpoint returns %s", ep.what)
			}
		}
	case vd.Kind != "" && !ep.holds(vd.Kind):
		var want []string
		for _, k := range ep.kinds {
			want = append(want, string(k))
		}
		vd.Violations = sortViolations(append(vd.Violations, Violation{Rule: RuleEndpointKind, Actual: string(vd.Kind),
			Expected: strings.Join(want, " or "),
			Message:  fmt.Sprintf("is %s, but this endpoint returns %s", article(string(vd.Kind)), ep.what)}))
	}
}

// untellable reports whether vd says that its document's kind cannot be
// told for want of the keys that tell kinds (not a reaction, a receipt, an
// unknown category: those verdicts stand).
func untellable(vd Verdict) bool {
	for _, x := range vd.Violations {
		if x.Rule == RuleKind && strings.HasPrefix(x.Message, "cannot tell the kind") {
			return true
		}
	}
	return false
}
