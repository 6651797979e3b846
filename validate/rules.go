package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// Rule is a cross-field rule: a fact about a document that its schema
// cannot express. Each has a stable id that verdicts report.
type Rule struct {
	// ID names the rule in verdicts and in docs/rules.md.
	ID string
	// Description says in one line what the rule checks.
	Description string
	check       func(d *doc) []Violation
}

// Rules lists the cross-field rules, in the order they run.
func Rules() []Rule { return rules }

var rules = []Rule{
	{"category-type", "A message's category and type are a pair the model allows for its kind (message/text, message/image, custom/<any>, action/groupMember, action/message, call/audio, ...).", checkCategoryType},
	{"sender-entity", "The message's sender (the uid, or the sender object's uid and name) names the same user as data.entities.sender.entity (data.entities.by for actions and calls; data.by in the docs profile).", checkSender},
	{"receiver-entity", "The message's receiver (receiverId and the receiver object in the sdk profile) and receiverType agree with the receiver entity and its entityType (data.entities.receiver; data.entities.for for actions and calls; data.for in the docs profile).", checkReceiver},
	{"text-data", "A text message's text (a media message's caption in the sdk profile, and those of the message an sdk edit carries in actionOn) equals data.text, and in the sdk profile is there exactly when data.text is; a deleted message (deletedAt) has neither.", checkText},
	{"media-url", "A media message's url equals data.url (docs profile).", checkMediaURL},
	{"custom-data", "A custom message's customData and subType equal data.customData and data.subType.", checkCustomData},
	{"timestamp-unit", "Timestamps are Unix seconds: a value of 10^11 or more is flagged as milliseconds.", checkTimestampUnit},
	{"timestamp-order", "Timestamps are ordered: sentAt <= deliveredAt <= readAt, createdAt <= updatedAt, and a group's createdAt <= joinedAt.", checkTimestampOrder},
	{"call-entity", "A call's sessionId, status and type agree with the call entity (data.entities.on; data.on in the docs profile: sessionid, status, type), and its action with data.action.", checkCallEntity},
	{"call-parties", "A call's callInitiator is its sender (in the sdk profile, the call entity's sender) and its callReceiver is its receiver.", checkCallParties},
	{"action-data", "An action's action, actionBy, actionOn and actionFor agree with data.action and the by, on and for entities (data.entities in the sdk profile, data in the docs profile).", checkActionData},
	{"action-target", "Actions done to a member (kicked, banned, unbanned, scopeChanged, added, invited) name that member in data.on, edits and deletions name the message; joined and left name none.", checkActionTarget},
	{"message-action", "An action of type message is an edit or a deletion (and only those are): its on entity is the message (entityType message) with editedAt or deletedAt as the action says, at or after the message's sentAt, and a deleted message has no text (nor has the sdk profile's actionOn).", checkMessageAction},
	{"conversation-id", "A conversation's id names its parties: group_<guid> of conversationWith in a group, and in a one-to-one conversation the two uids joined by _user_, one of them conversationWith's.", checkConversationID},
	{"conversation-with", "A conversation's conversationWith is a user or a group as conversationType says, and lastMessage belongs to the conversation: its conversationId (when it has one) is the conversation's, and it was sent to the group, or sent or received by the other user.", checkConversationWith},
	{"group-password", "A password group carries its password (docs profile); a public or private group carries none.", checkGroupPassword},
}

// doc is a parsed document with its kind and profile, for the rules. It is
// read either from an any tree (m, the reference path) or from a tape (t,
// the fast path); the rules see the same values through its methods. On a
// tape, a value the fast path cannot read exactly sets unsure, and the
// reference path has the last word.
type doc struct {
	m       map[string]any
	t       *tape
	kind    types.Kind
	profile types.Profile
	unsure  bool
	// data and entities are the tokens of /data and /data/entities once
	// looked up (0 before), which most of the rules' paths start with.
	data, entities int32
}

// get returns the value at path in the any tree.
func (d *doc) get(path ...string) (any, bool) {
	var v any = d.m
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

// at returns the tape token at path, or -1.
func (d *doc) at(path ...string) int32 {
	k := int32(0)
	if len(path) > 1 && path[0] == "data" {
		if d.data == 0 {
			d.data = d.t.member(0, "data")
		}
		k, path = d.data, path[1:]
		if len(path) > 1 && path[0] == "entities" {
			if d.entities == 0 {
				d.entities = d.t.member(d.data, "entities")
			}
			k, path = d.entities, path[1:]
		}
	}
	for _, p := range path {
		if k = d.t.member(k, p); k < 0 {
			return -1
		}
	}
	return k
}

// has reports whether a value is at path.
func (d *doc) has(path ...string) bool {
	if d.t != nil {
		return d.at(path...) >= 0
	}
	_, ok := d.get(path...)
	return ok
}

// str returns the string at path.
func (d *doc) str(path ...string) (string, bool) {
	if d.t != nil {
		k := d.at(path...)
		if k < 0 || d.t.toks[k].kind != tString {
			return "", false
		}
		s, ok := d.t.text(k)
		if !ok {
			d.unsure = true
		}
		return s, ok
	}
	v, ok := d.get(path...)
	s, isStr := v.(string)
	return s, ok && isStr
}

// int returns the integer at path.
func (d *doc) int(path ...string) (int64, bool) {
	if d.t != nil {
		return d.t.int(d.at(path...))
	}
	v, ok := d.get(path...)
	if !ok {
		return 0, false
	}
	return intValue(v)
}

// same reports whether the values at a and b are equal, and whether both
// are there. On a tape, equal means the same bytes: values written
// differently make the rule speak, and so the reference decide.
func (d *doc) same(a, b []string) (equal, both bool) {
	if d.t != nil {
		ka, kb := d.at(a...), d.at(b...)
		if ka < 0 || kb < 0 {
			return false, false
		}
		return sameBytes(d.t.raw(ka), d.t.raw(kb)), true
	}
	va, ok1 := d.get(a...)
	vb, ok2 := d.get(b...)
	if !ok1 || !ok2 {
		return false, false
	}
	return reflect.DeepEqual(va, vb), true
}

// sameBytes reports whether two JSON values are written the same but for
// white space outside strings. Values that differ otherwise (key order,
// escapes, 1 against 1.0) count as different, which only ever sends a
// document to the reference.
func sameBytes(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	i, j := 0, 0
	inA, inB := false, false // inside a string
	for {
		for !inA && i < len(a) && isSpace(a[i]) {
			i++
		}
		for !inB && j < len(b) && isSpace(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		if a[i] == '"' {
			inA, inB = !inA, !inB
		} else if a[i] == '\\' && inA {
			// An escape: compare the escaped byte as it is.
			i++
			j++
			if i == len(a) || j == len(b) || a[i] != b[j] {
				return false
			}
		}
		i++
		j++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// show writes the value at path briefly, for a message.
func (d *doc) show(path ...string) string {
	if d.t != nil {
		k := d.at(path...)
		if k < 0 {
			return ""
		}
		v, ok := d.t.any(k)
		if !ok {
			d.unsure = true
		}
		return show(v)
	}
	v, _ := d.get(path...)
	return show(v)
}

// timestamps calls fn with the value of every integer under a timestamp
// key, outside free-form metadata, custom data, tags and quoted messages,
// and outside the copies an SDK object keeps (rawMessage, and actionOn, the
// decoded copy of data.entities.on): one wrong timestamp is reported once,
// where the wire has it. path gives its path, built only when asked for.
func (d *doc) timestamps(fn func(n int64, path func() []string)) {
	if d.t != nil {
		d.tapeTimestamps(fn)
		return
	}
	skip := func(k string) bool { return skipTimestamps([]byte(k), d.profile) }
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if skip(k) {
					continue
				}
				p := join(path, k)
				if timestampKeys[k] {
					if n, ok := intValue(c); ok {
						fn(n, func() []string { return p })
					}
					continue
				}
				walk(c, p)
			}
		case []any:
			for i, c := range x {
				walk(c, join(path, fmt.Sprint(i)))
			}
		}
	}
	walk(d.m, nil)
}

// tapeTimestamps is timestamps on a tape. It keeps the path as the tokens
// on the way down, in a walker the tape keeps: it does not allocate.
func (d *doc) tapeTimestamps(fn func(n int64, path func() []string)) {
	w := &d.t.ts
	w.d, w.fn = d, fn
	if w.path == nil {
		w.path = func() []string {
			p := make([]string, w.depth)
			for i := range p {
				if w.stack[i] < 0 {
					p[i] = fmt.Sprint(-w.stack[i] - 1)
				} else {
					p[i], _ = w.d.t.text(w.stack[i])
				}
			}
			return p
		}
	}
	w.walk(0, 0)
	w.d, w.fn = nil, nil
}

// tsWalk is the state of one tapeTimestamps walk.
type tsWalk struct {
	d     *doc
	fn    func(n int64, path func() []string)
	path  func() []string
	stack [64]int32 // key tokens, or -(index+1) for array elements
	depth int       // how much of stack path gives
}

func (w *tsWalk) walk(k int32, depth int) {
	t := w.d.t
	if depth >= len(w.stack) {
		w.d.unsure = true
		return
	}
	switch t.toks[k].kind {
	case tObject:
		for key := k + 1; key < t.toks[k].next; key = t.toks[key+1].next {
			v := key + 1
			if t.escaped(key) {
				w.d.unsure = true
				continue
			}
			name := t.key(key)
			w.stack[depth] = key
			// Every timestamp key ends in At: look up only those.
			if len(name) > 2 && name[len(name)-2] == 'A' && name[len(name)-1] == 't' && timestampKeys[string(name)] {
				if n, ok := t.int(v); ok {
					w.depth = depth + 1
					w.fn(n, w.path)
				}
				continue
			}
			switch t.toks[v].kind {
			case tObject, tArray:
			default:
				continue
			}
			if skipTimestamps(name, w.d.profile) {
				continue
			}
			w.walk(v, depth+1)
		}
	case tArray:
		i := int32(0)
		for e := k + 1; e < t.toks[k].next; e = t.toks[e].next {
			w.stack[depth] = -(i + 1)
			w.walk(e, depth+1)
			i++
		}
	}
}

// skipTimestamps reports whether the timestamp walk leaves the value of key
// k out in profile p. It takes the key's bytes, as the tape has them: a
// switch on their conversion does not copy them.
func skipTimestamps(k []byte, p types.Profile) bool {
	switch string(k) {
	case "metadata", "customData", "tags", "rawMessage", "quotedMessage":
		return true
	case "actionOn":
		return p == types.ProfileSDK
	}
	return false
}

func intValue(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

func ptr(path ...string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(escape(p))
	}
	return b.String()
}

func join(path []string, more ...string) []string {
	return append(append([]string{}, path...), more...)
}

// entityPath is where a message keeps the entity in role (sender or
// receiver for a text, media or custom message; by, for or on for an action
// or call), followed by the leaf, a path below it such as "entity/uid". The
// paths are made once: the rules ask for them for every document.
func (d *doc) entityPath(role, leaf string) []string {
	direct := false // data.<role>, as the sdk profile's actions and calls have it
	switch d.kind {
	case types.KindAction, types.KindCall:
		switch role {
		case "sender":
			role = "by"
		case "receiver":
			role = "for"
		}
		direct = d.profile == types.ProfileDocs
	}
	di := 0
	if direct {
		di = 1
	}
	return entityPaths[di][indexOf(entityRoles, role)][indexOf(entityLeaves, leaf)]
}

var (
	entityRoles  = []string{"sender", "receiver", "by", "for", "on"}
	entityLeaves = []string{"", "entity", "entityType", "entity/uid", "entity/name", "entity/guid",
		"entity/sessionid", "entity/status", "entity/type", "entity/id"}
)

// indexOf returns the index of s in list; the rules ask only for names in
// it.
func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	panic("validate: no entity path for " + s)
}

// entityPaths holds every path entityPath gives, by direct, role and leaf.
var entityPaths = func() (paths [2][][][]string) {
	for di, direct := range []bool{false, true} {
		paths[di] = make([][][]string, len(entityRoles))
		for ri, role := range entityRoles {
			paths[di][ri] = make([][]string, len(entityLeaves))
			for li, leaf := range entityLeaves {
				p := []string{"data", "entities", role}
				if direct {
					p = []string{"data", role}
				}
				if leaf != "" {
					p = append(p, strings.Split(leaf, "/")...)
				}
				paths[di][ri][li] = p
			}
		}
	}
	return paths
}()

// mismatch is a violation at path, whose value actual disagrees with the
// value expected at related.
func mismatch(rule string, path []string, actual, expected string, related []string) Violation {
	a, e := quote(actual), quote(expected)
	return Violation{Pointer: ptr(path...), Rule: rule, Expected: e, Actual: a,
		Message: fmt.Sprintf("is %s, but %s is %s; they must agree", a, dotted(ptr(related...)), e), related: ptr(related...)}
}

// Paths the action rules compare, made once.
var (
	pathAction, pathDataAction         = []string{"action"}, []string{"data", "action"}
	pathActionByUID, pathActionForGUID = []string{"actionBy", "uid"}, []string{"actionFor", "guid"}
	pathActionForUID, pathActionOnUID  = []string{"actionFor", "uid"}, []string{"actionOn", "uid"}
	pathActionOnID                     = []string{"actionOn", "id"}
)

// allowedPairs lists, for each message kind, its categories and the types
// each allows (nil: any type).
var allowedPairs = map[types.Kind]map[string][]string{
	types.KindTextMessage:   {"message": {"text"}},
	types.KindMediaMessage:  {"message": {"image", "video", "audio", "file"}},
	types.KindCustomMessage: {"message": {"custom"}, "custom": nil},
	types.KindAction:        {"action": {"groupMember", "message"}},
	types.KindCall:          {"call": {"audio", "video"}},
}

func checkCategoryType(d *doc) []Violation {
	if !d.kind.IsMessage() {
		return nil
	}
	cat, ok1 := d.str("category")
	typ, ok2 := d.str("type")
	if !ok1 || !ok2 {
		return nil
	}
	allowed := allowedPairs[d.kind]
	typesOK, catOK := allowed[cat]
	if !catOK {
		var cats []string
		for _, c := range types.Category("").Values(d.profile) {
			if _, ok := allowed[c]; ok {
				cats = append(cats, fmt.Sprintf("%q", c))
			}
		}
		return []Violation{{Pointer: "/category", Rule: "category-type", Actual: quote(cat), Expected: strings.Join(cats, " or "),
			Message: fmt.Sprintf("category %s is not one a %s has: use %s", quote(cat), d.kind, strings.Join(cats, " or "))}}
	}
	if typesOK == nil {
		return nil // any type goes with category custom
	}
	for _, t := range typesOK {
		if t == typ {
			return nil
		}
	}
	return []Violation{{Pointer: "/type", Rule: "category-type", Actual: quote(typ), Expected: strings.Join(typesOK, ", "),
		Message: fmt.Sprintf("type %s is not allowed with category %s in a %s: use %s%s", quote(typ), quote(cat), d.kind,
			strings.Join(typesOK, ", "), didYouMean(typ, anys(typesOK)))}}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func checkSender(d *doc) []Violation {
	if !d.kind.IsMessage() {
		return nil
	}
	var vs []Violation
	ent := d.entityPath("sender", "entity")
	if d.profile == types.ProfileREST {
		uid, ok1 := d.str("sender")
		euid, ok2 := d.str(d.entityPath("sender", "entity/uid")...)
		if ok1 && ok2 && uid != euid {
			vs = append(vs, mismatch("sender-entity", join(ent, "uid"), euid, uid, []string{"sender"}))
		}
		return vs
	}
	for _, f := range [...]struct{ field, leaf string }{{"uid", "entity/uid"}, {"name", "entity/name"}} {
		s, ok1 := d.str("sender", f.field)
		e, ok2 := d.str(d.entityPath("sender", f.leaf)...)
		if ok1 && ok2 && s != e {
			vs = append(vs, mismatch("sender-entity", join(ent, f.field), e, s, []string{"sender", f.field}))
		}
	}
	return vs
}

func checkReceiver(d *doc) []Violation {
	if !d.kind.IsMessage() {
		return nil
	}
	rt, okType := d.str("receiverType")
	if rt != string(types.ReceiverUser) && rt != string(types.ReceiverGroup) {
		return nil
	}
	var vs []Violation
	path := d.entityPath("receiver", "")
	if et, ok := d.str(d.entityPath("receiver", "entityType")...); okType && ok && et != rt {
		vs = append(vs, mismatch("receiver-entity", join(path, "entityType"), et, rt, []string{"receiverType"}))
		return vs
	}
	idKey, leaf := "uid", "entity/uid"
	if rt == string(types.ReceiverGroup) {
		idKey, leaf = "guid", "entity/guid"
	}
	recvKey := "receiver"
	if d.profile == types.ProfileSDK {
		recvKey = "receiverId"
	}
	recv, ok1 := d.str(recvKey)
	id, ok2 := d.str(d.entityPath("receiver", leaf)...)
	if ok1 && ok2 && recv != id {
		vs = append(vs, mismatch("receiver-entity", join(path, "entity", idKey), id, recv, []string{recvKey}))
		return vs
	}
	// The sdk profile's receiver object is built from the same entity.
	if d.profile == types.ProfileSDK && ok1 {
		if obj, ok := d.str("receiver", idKey); ok && obj != recv {
			vs = append(vs, mismatch("receiver-entity", []string{"receiver", idKey}, obj, recv, []string{recvKey}))
		}
	}
	return vs
}

// sameValue reports a mismatch when both top and data fields are present and
// differ.
func sameValue(d *doc, rule string, top []string, data []string) []Violation {
	equal, both := d.same(top, data)
	if !both || equal {
		return nil
	}
	a, b := d.show(top...), d.show(data...)
	return []Violation{{Pointer: ptr(data...), Rule: rule, Expected: a, Actual: b,
		Message: fmt.Sprintf("is %s, but %s is %s; they must agree", b, dotted(ptr(top...)), a), related: ptr(top...)}}
}

func checkText(d *doc) []Violation {
	if d.kind.IsMessage() && d.has("deletedAt") {
		// CometChat removes a deleted message's text, and the SDKs have
		// none to copy.
		for _, at := range [][]string{{"data", "text"}, {"text"}, {"caption"}} {
			if d.has(at...) && (d.profile == types.ProfileSDK || len(at) == 2) {
				return []Violation{{Pointer: ptr(at...), Rule: "text-data", Expected: "missing", Actual: "present",
					Message: "is present, but the message was deleted (deletedAt): CometChat removes its text", related: "/deletedAt"}}
			}
		}
		return nil
	}
	switch {
	case d.profile == types.ProfileREST:
		return nil
	case d.kind == types.KindTextMessage && d.profile == types.ProfileSDK:
		// The SDKs copy data.text to text exactly when it is there.
		if v := samePresence(d, []string{"text"}, []string{"data", "text"}); v != nil {
			return v
		}
		return sameValue(d, "text-data", []string{"text"}, []string{"data", "text"})
	case d.kind == types.KindTextMessage:
		return sameValue(d, "text-data", []string{"text"}, []string{"data", "text"})
	case d.kind == types.KindMediaMessage && d.profile == types.ProfileSDK:
		return sameValue(d, "text-data", []string{"caption"}, []string{"data", "text"})
	case d.kind == types.KindAction && d.profile == types.ProfileSDK:
		// The message an SDK edit or deletion carries is decoded as
		// messages are: its text or caption is its data.text.
		return append(sameValue(d, "text-data", []string{"actionOn", "text"}, []string{"actionOn", "data", "text"}),
			sameValue(d, "text-data", []string{"actionOn", "caption"}, []string{"actionOn", "data", "text"})...)
	}
	return nil
}

// samePresence reports a text-data violation when one of top and data is
// there without the other.
func samePresence(d *doc, top, data []string) []Violation {
	switch t, dt := d.has(top...), d.has(data...); {
	case t && !dt:
		return []Violation{{Pointer: ptr(top...), Rule: "text-data", Expected: "missing", Actual: "present",
			Message: fmt.Sprintf("is present, but %s is not; the SDKs copy one from the other", dotted(ptr(data...))), related: ptr(data...)}}
	case dt && !t:
		return []Violation{{Pointer: ptr(top...), Rule: "text-data", Expected: "present", Actual: "missing",
			Message: fmt.Sprintf("is missing, but %s is present; the SDKs copy one from the other", dotted(ptr(data...))), related: ptr(data...)}}
	}
	return nil
}

func checkMediaURL(d *doc) []Violation {
	if d.kind != types.KindMediaMessage || d.profile != types.ProfileDocs {
		return nil
	}
	return sameValue(d, "media-url", []string{"url"}, []string{"data", "url"})
}

func checkCustomData(d *doc) []Violation {
	if d.kind != types.KindCustomMessage || d.profile == types.ProfileREST {
		return nil
	}
	return append(sameValue(d, "custom-data", []string{"customData"}, []string{"data", "customData"}),
		sameValue(d, "custom-data", []string{"subType"}, []string{"data", "subType"})...)
}

// timestampKeys are the model's timestamp fields, wherever they appear.
var timestampKeys = map[string]bool{
	"sentAt": true, "deliveredAt": true, "readAt": true, "createdAt": true, "updatedAt": true,
	"lastActiveAt": true, "joinedAt": true, "initiatedAt": true, "editedAt": true, "deletedAt": true,
	"blockedAt": true, "blockedByMeAt": true, "deactivatedAt": true, "pinnedAt": true, "endedAt": true,
}

// millis is the smallest value read as milliseconds: 10^11 seconds is the
// year 5138, while milliseconds since 1973 are above it.
const millis = 100_000_000_000

func checkTimestampUnit(d *doc) []Violation {
	var vs []Violation
	d.timestamps(func(n int64, path func() []string) {
		if n >= millis {
			vs = append(vs, Violation{Pointer: ptr(path()...), Rule: "timestamp-unit", Actual: fmt.Sprint(n), Expected: fmt.Sprint(n / 1000),
				Message: fmt.Sprintf("%d looks like milliseconds; timestamps are Unix seconds (%d)", n, n/1000)})
		}
	})
	return vs
}

func checkTimestampOrder(d *doc) []Violation {
	seconds := func(k string) (int64, bool) {
		n, ok := d.int(k)
		return n, ok && n < millis
	}
	var vs []Violation
	order := func(before, after string) bool {
		a, ok1 := seconds(before)
		b, ok2 := seconds(after)
		if ok1 && ok2 && b < a {
			vs = append(vs, Violation{Pointer: "/" + after, Rule: "timestamp-order", Actual: fmt.Sprint(b), Expected: fmt.Sprintf(">= %d", a),
				Message: fmt.Sprintf("%d is before %s (%d)", b, before, a)})
			return false
		}
		return ok1 && ok2
	}
	if d.kind.IsMessage() {
		if d.has("deliveredAt") {
			order("sentAt", "deliveredAt")
			order("deliveredAt", "readAt")
		} else {
			order("sentAt", "readAt")
		}
		order("sentAt", "updatedAt")
	}
	order("createdAt", "updatedAt")
	if d.kind == types.KindGroup {
		order("createdAt", "joinedAt")
	}
	return vs
}

func checkCallEntity(d *doc) []Violation {
	if d.kind != types.KindCall {
		return nil
	}
	status, typ := d.entityPath("on", "entity/status"), d.entityPath("on", "entity/type")
	if d.profile == types.ProfileREST {
		return append(sameValue(d, "call-entity", []string{"data", "action"}, status),
			sameValue(d, "call-entity", []string{"type"}, typ)...)
	}
	var vs []Violation
	if d.profile == types.ProfileSDK {
		vs = append(vs, sameValue(d, "call-entity", []string{"data", "action"}, status)...)
	}
	vs = append(vs, sameValue(d, "call-entity", []string{"sessionId"}, d.entityPath("on", "entity/sessionid"))...)
	vs = append(vs, sameValue(d, "call-entity", []string{"status"}, status)...)
	vs = append(vs, sameValue(d, "call-entity", []string{"type"}, typ)...)
	vs = append(vs, sameValue(d, "call-entity", []string{"action"}, []string{"data", "action"})...)
	return vs
}

func checkCallParties(d *doc) []Violation {
	if d.kind != types.KindCall || d.profile == types.ProfileREST {
		return nil
	}
	var vs []Violation
	recvKey := "receiver"
	if d.profile == types.ProfileSDK {
		// The SDKs take the initiator from the call entity's own sender,
		// which may differ from the message's (data.entities.by).
		vs = append(vs, sameValue(d, "call-parties", []string{"data", "entities", "on", "entity", "data", "entities", "sender", "entity", "uid"}, []string{"callInitiator", "uid"})...)
		recvKey = "receiverId"
	} else {
		vs = append(vs, sameValue(d, "call-parties", []string{"sender", "uid"}, []string{"callInitiator", "uid"})...)
	}
	recv, ok := d.str(recvKey)
	if !ok {
		return vs
	}
	for _, key := range []string{"uid", "guid"} {
		if id, ok := d.str("callReceiver", key); ok && id != recv {
			vs = append(vs, mismatch("call-parties", []string{"callReceiver", key}, id, recv, []string{recvKey}))
		}
	}
	return vs
}

func checkActionData(d *doc) []Violation {
	if d.kind != types.KindAction || d.profile == types.ProfileREST {
		return nil
	}
	// The paths are made once (entityPath): this runs for every action.
	on := d.entityPath("on", "")
	var vs []Violation
	vs = append(vs, sameValue(d, "action-data", pathAction, pathDataAction)...)
	vs = append(vs, sameValue(d, "action-data", pathActionByUID, d.entityPath("by", "entity/uid"))...)
	vs = append(vs, sameValue(d, "action-data", pathActionForGUID, d.entityPath("for", "entity/guid"))...)
	if d.profile == types.ProfileSDK {
		vs = append(vs, sameValue(d, "action-data", pathActionForUID, d.entityPath("for", "entity/uid"))...)
	}
	top, data := d.has("actionOn"), d.has(on...)
	switch {
	case top && data:
		vs = append(vs, sameValue(d, "action-data", pathActionOnUID, d.entityPath("on", "entity/uid"))...)
		vs = append(vs, sameValue(d, "action-data", pathActionOnID, d.entityPath("on", "entity/id"))...)
	case top:
		vs = append(vs, Violation{Pointer: ptr(on...), Rule: "action-data", Expected: "present", Actual: "missing",
			Message: "is missing, but actionOn is present; they must agree"})
	case data:
		vs = append(vs, Violation{Pointer: "/actionOn", Rule: "action-data", Expected: "present", Actual: "missing",
			Message: fmt.Sprintf("is missing, but %s is present; they must agree", dotted(ptr(on...)))})
	}
	return vs
}

func checkActionTarget(d *doc) []Violation {
	if d.kind != types.KindAction {
		return nil
	}
	action, ok := d.str("data", "action")
	if !ok {
		return nil
	}
	onPath := d.entityPath("on", "")
	hasOn := d.has(onPath...)
	switch types.MemberAction(action) {
	case types.ActionKicked, types.ActionBanned, types.ActionUnbanned, types.ActionScopeChanged, types.ActionAdded, types.ActionInvited:
		if !hasOn {
			return []Violation{{Pointer: ptr(onPath...), Rule: "action-target", Expected: "present", Actual: "missing",
				Message: fmt.Sprintf("is missing: a %s action names the member it was done to", quote(action))}}
		}
	case types.ActionEdited, types.ActionDeleted:
		if !hasOn {
			return []Violation{{Pointer: ptr(onPath...), Rule: "action-target", Expected: "present", Actual: "missing",
				Message: fmt.Sprintf("is missing: a %s action carries the message it is about", quote(action))}}
		}
	case types.ActionJoined, types.ActionLeft:
		if hasOn {
			return []Violation{{Pointer: ptr(onPath...), Rule: "action-target", Expected: "missing", Actual: "present",
				Message: fmt.Sprintf("is present: a %s action is done by a member to themselves and names no other", quote(action))}}
		}
	}
	return nil
}

func checkGroupPassword(d *doc) []Violation {
	if d.kind != types.KindGroup {
		return nil
	}
	typ, ok := d.str("type")
	if !ok {
		return nil
	}
	has := d.has("password")
	pw, isStr := d.str("password")
	empty := has && isStr && pw == ""
	switch {
	case typ == string(types.GroupPassword) && (!has || empty) && d.profile == types.ProfileDocs:
		return []Violation{{Pointer: "/password", Rule: "group-password", Expected: "a password", Actual: "missing",
			Message: "is missing: a group of type password carries its password"}}
	case (typ == string(types.GroupPublic) || typ == string(types.GroupPrivate)) && has && !empty:
		return []Violation{{Pointer: "/password", Rule: "group-password", Expected: "missing", Actual: "a password",
			Message: fmt.Sprintf("is set, but a %s group has no password: remove it or make the group's type password", typ)}}
	}
	return nil
}

func checkMessageAction(d *doc) []Violation {
	if d.kind != types.KindAction {
		return nil
	}
	typ, ok1 := d.str("type")
	action, ok2 := d.str("data", "action")
	if !ok1 || !ok2 {
		return nil
	}
	aboutMessage := action == string(types.ActionEdited) || action == string(types.ActionDeleted)
	switch {
	case typ == string(types.ActionMessage) && !aboutMessage:
		return []Violation{{Pointer: "/data/action", Rule: "message-action", Expected: `"edited" or "deleted"`, Actual: quote(action),
			Message: fmt.Sprintf("is %s, but an action of type message is an edit or a deletion: use edited or deleted, or type groupMember", quote(action))}}
	case typ != string(types.ActionMessage) && aboutMessage:
		return []Violation{{Pointer: "/type", Rule: "message-action", Expected: `"message"`, Actual: quote(typ),
			Message: fmt.Sprintf("is %s, but an %s action is about a message: its type is message", quote(typ), quote(action))}}
	case !aboutMessage:
		return nil
	}
	on := d.entityPath("on", "")
	if !d.has(on...) {
		return nil // action-target says so
	}
	if et, ok := d.str(join(on, "entityType")...); ok && et != string(types.EntityMessage) {
		return []Violation{{Pointer: ptr(join(on, "entityType")...), Rule: "message-action", Expected: `"message"`, Actual: quote(et),
			Message: fmt.Sprintf("is %s, but an %s action carries the message it is about: entityType message", quote(et), quote(action))}}
	}
	ent := join(on, "entity")
	stamp, by := "editedAt", "edited"
	if action == string(types.ActionDeleted) {
		stamp, by = "deletedAt", "deleted"
		texts := [][]string{join(ent, "data", "text")}
		if d.profile == types.ProfileSDK {
			texts = append(texts, []string{"actionOn", "text"}, []string{"actionOn", "caption"}, []string{"actionOn", "data", "text"})
		}
		for _, at := range texts {
			if d.has(at...) {
				return []Violation{{Pointer: ptr(at...), Rule: "message-action", Expected: "missing", Actual: "present",
					Message: "is present, but a deleted message has no text: CometChat removes it"}}
			}
		}
	}
	at, ok := d.int(join(ent, stamp)...)
	if !ok {
		if !d.has(join(ent, stamp)...) {
			return []Violation{{Pointer: ptr(join(ent, stamp)...), Rule: "message-action", Expected: "present", Actual: "missing",
				Message: fmt.Sprintf("is missing: the message of a %s action says when it was %s", quote(action), by)}}
		}
		return nil
	}
	if sent, ok := d.int(join(ent, "sentAt")...); ok && at < sent && sent < millis {
		return []Violation{{Pointer: ptr(join(ent, stamp)...), Rule: "message-action", Expected: fmt.Sprintf(">= %d", sent), Actual: fmt.Sprint(at),
			Message: fmt.Sprintf("%d is before the message's sentAt (%d): a message is %s after it is sent", at, sent, by)}}
	}
	return nil
}

func checkConversationID(d *doc) []Violation {
	if d.kind != types.KindConversation {
		return nil
	}
	id, ok1 := d.str("conversationId")
	ct, ok2 := d.str("conversationType")
	if !ok1 || !ok2 {
		return nil
	}
	if v := conversationIDFault(d, id, ct); v != nil {
		return []Violation{*v}
	}
	return nil
}

// conversationIDFault is what is wrong with conversation id id of type ct,
// or nil.
func conversationIDFault(d *doc, id, ct string) *Violation {
	switch ct {
	case string(types.ReceiverGroup):
		guid, ok := d.str("conversationWith", "guid")
		if ok && id != "group_"+guid {
			return &Violation{Pointer: "/conversationId", Rule: "conversation-id", Actual: quote(id), Expected: quote("group_" + guid),
				Message: fmt.Sprintf("is %s, but a group conversation's id is group_ and its guid: %s (conversationWith.guid is %s)", quote(id), quote("group_"+guid), quote(guid)),
				related: "/conversationWith/guid"}
		}
	case string(types.ReceiverUser):
		uid, ok := d.str("conversationWith", "uid")
		if !ok {
			return nil
		}
		a, b, found := strings.Cut(id, "_user_")
		if !found || a == "" || b == "" || a != uid && b != uid {
			return &Violation{Pointer: "/conversationId", Rule: "conversation-id", Actual: quote(id), Expected: fmt.Sprintf("<uid>_user_%s or %s_user_<uid>", uid, uid),
				Message: fmt.Sprintf("is %s, but a one-to-one conversation's id joins its two uids with _user_, one of them %s (conversationWith.uid)", quote(id), quote(uid)), related: "/conversationWith/uid"}
		}
	}
	return nil
}

func checkConversationWith(d *doc) []Violation {
	if d.kind != types.KindConversation {
		return nil
	}
	var vs []Violation
	if ct, ok := d.str("conversationType"); ok {
		isGroup := d.has("conversationWith", "guid") && !d.has("conversationWith", "uid")
		switch {
		case ct == string(types.ReceiverGroup) && !isGroup && d.has("conversationWith"):
			vs = append(vs, Violation{Pointer: "/conversationWith", Rule: "conversation-with", Expected: "a group", Actual: "a user",
				Message: "is a user, but conversationType is \"group\": a group conversation is with its group (guid, no uid)", related: "/conversationType"})
		case ct == string(types.ReceiverUser) && isGroup:
			vs = append(vs, Violation{Pointer: "/conversationWith", Rule: "conversation-with", Expected: "a user", Actual: "a group",
				Message: "is a group, but conversationType is \"user\": a one-to-one conversation is with a user (uid)", related: "/conversationType"})
		}
	}
	// The last message is compared with an id that names the parties
	// right; a wrong id is conversation-id's alone.
	id, ok1 := d.str("conversationId")
	ct, ok2 := d.str("conversationType")
	if ok1 && ok2 && len(vs) == 0 && conversationIDFault(d, id, ct) == nil {
		vs = append(vs, sameValue(d, "conversation-with", []string{"conversationId"}, []string{"lastMessage", "conversationId"})...)
		if len(vs) == 0 {
			vs = append(vs, lastMessageParty(d, ct)...)
		}
	}
	return vs
}

// lastMessageParty checks that a conversation's last message is between its
// parties: sent to the group, or sent or received by the other user.
func lastMessageParty(d *doc, ct string) []Violation {
	if !d.has("lastMessage", "category") {
		return nil
	}
	// The receiver's id: receiverId in an SDK object, receiver elsewhere.
	recvKey := "receiver"
	if d.has("lastMessage", "receiverId") {
		recvKey = "receiverId"
	}
	recv, okR := d.str("lastMessage", recvKey)
	sender, okS := d.str("lastMessage", "sender")
	if !okS {
		sender, okS = d.str("lastMessage", "sender", "uid")
	}
	switch ct {
	case string(types.ReceiverGroup):
		if guid, ok := d.str("conversationWith", "guid"); ok && okR && recv != guid {
			return []Violation{mismatch("conversation-with", []string{"lastMessage", recvKey}, recv, guid, []string{"conversationWith", "guid"})}
		}
	case string(types.ReceiverUser):
		uid, ok := d.str("conversationWith", "uid")
		if ok && okR && okS && recv != uid && sender != uid {
			return []Violation{{Pointer: ptr("lastMessage", recvKey), Rule: "conversation-with", Actual: quote(recv), Expected: quote(uid),
				Message: fmt.Sprintf("is %s and the sender %s, but the conversation is with %s (conversationWith.uid): its last message is sent or received by them", quote(recv), quote(sender), quote(uid)),
				related: "/lastMessage/sender"}}
		}
	}
	return nil
}
