package generate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/internal/npmtest"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// The official CometChat JS SDKs whose objects the sdk profile describes.
// Their licences are proprietary: they are installed into temporary
// folders, never into the repository.
var sdkPackages = []string{"@cometchat-pro/chat@3.0.13", "@cometchat/chat-sdk-javascript@4.2.0"}

// sdkHelpers names, for each kind, the helpers of testdata/sdk-inventory.js
// that build an SDK object from a server document of that kind: the one
// that decodes a message, and the list and single getters for the rest.
// Each gives one object a document.
var sdkHelpers = map[types.Kind][]string{
	types.KindUser:         {"UsersRequest.fetchNext"},
	types.KindGroup:        {"GroupsRequest.fetchNext"},
	types.KindGroupMember:  {"GroupMembersRequest.fetchNext"},
	types.KindConversation: {"ConversationsRequest.fetchNext", "getConversation"},
}

const sdkProcessMessage = "CometChatHelper.processMessage"

// sdkToldREST lists the SDK objects that auto-detection tells rest, by
// version and kind: a 3.x group is the REST group it was built from with
// hasJoined and membersCount, which the REST API sends too, and without
// 4.x's isBanned (see entityProfile in types/decode.go). Such an object must
// be detected as rest and also conform when checked as sdk.
var sdkToldREST = map[string]map[types.Kind]bool{
	"3.0.13": {types.KindGroup: true},
}

// sdkClasses is the SDK class each kind decodes to.
var sdkClasses = map[types.Kind]string{
	types.KindTextMessage: "TextMessage", types.KindMediaMessage: "MediaMessage",
	types.KindCustomMessage: "CustomMessage", types.KindAction: "Action", types.KindCall: "Call",
	types.KindUser: "User", types.KindGroup: "Group", types.KindGroupMember: "GroupMember",
	types.KindConversation: "Conversation",
}

// sdkInput is one server document given to the SDKs.
type sdkInput struct {
	kind types.Kind
	doc  json.RawMessage
}

// sdkOutput is one line of testdata/sdk-inventory.js's output.
type sdkOutput struct {
	Line   int             `json:"line"`
	SDK    string          `json:"sdk"`
	Helper string          `json:"helper"`
	Class  *string         `json:"class"`
	Error  *string         `json:"error"`
	Object json.RawMessage `json:"object"`
}

// TestSDKObjectsConform installs both official SDKs, has each decode
// generated rest documents of every kind it has a builder for (messages
// with processMessage; users, groups, members and conversations with the
// request classes), and checks that `ccconform validate` finds what each
// SDK writes with JSON.stringify valid, detected as the document's kind in
// the sdk profile, with and without --strict. One-fault mutants of those
// objects must then each give exactly their labelled violation.
func TestSDKObjectsConform(t *testing.T) {
	node := npmtest.Command(t, "node")
	perMessageKind, perEntityKind, mutantsPerKind := 1000, 300, 20
	if testing.Short() {
		perMessageKind, perEntityKind, mutantsPerKind = 100, 50, 5
	}
	inputs := sdkObjectInputs(t, perMessageKind, perEntityKind)
	var buf bytes.Buffer
	helpers := []string{sdkProcessMessage}
	for _, x := range inputs {
		kind := string(x.kind)
		if x.kind.IsMessage() {
			kind = "message"
		}
		line, _ := json.Marshal(map[string]any{"kind": kind, "doc": x.doc})
		buf.Write(line)
		buf.WriteByte('\n')
	}
	for _, k := range types.Kinds() {
		for _, h := range sdkHelpers[k] {
			if !slices.Contains(helpers, h) {
				helpers = append(helpers, h)
			}
		}
	}
	var vals sdkValidators
	for _, v := range []struct {
		to   **validate.Validator
		opts validate.Options
	}{
		{&vals.plain, validate.Options{}},
		{&vals.strict, validate.Options{Strict: true}},
		{&vals.sdk, validate.Options{Profile: types.ProfileSDK}},
		{&vals.sdkStrict, validate.Options{Profile: types.ProfileSDK, Strict: true}},
	} {
		var err error
		if *v.to, err = validate.New(v.opts); err != nil {
			t.Fatal(err)
		}
	}

	for _, pkg := range sdkPackages {
		version := pkg[strings.LastIndex(pkg, "@")+1:]
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			dir := t.TempDir()
			npmtest.Install(t, dir, pkg)
			installed := time.Since(start)

			out := runSDKScript(t, node, dir, "sdk-inventory.js", buf.Bytes(), "--only="+strings.Join(helpers, ","), dir)
			decoded := time.Since(start) - installed
			objs := sdkObjects(t, version, inputs, out)

			r := newSDKReport(version, sdkToldREST[version])
			valid := map[types.Kind][]json.RawMessage{}
			messageActions := 0
			for _, o := range objs {
				if r.check(vals, o.kind, o.object) {
					valid[o.kind] = append(valid[o.kind], o.object)
				}
				if o.kind == types.KindAction && bytes.Contains(o.object, []byte(`"type":"message"`)) {
					var a struct{ Type string }
					if json.Unmarshal(o.object, &a) == nil && a.Type == "message" {
						messageActions++
					}
				}
			}
			checked := time.Since(start) - installed - decoded
			counts := map[types.Kind]int{}
			for _, o := range objs {
				counts[o.kind]++
			}
			t.Logf("%s: %d objects %v, %d actions about messages; install %v, node %v, validate %v",
				version, len(objs), counts, messageActions, installed.Round(time.Millisecond),
				decoded.Round(time.Millisecond), checked.Round(time.Millisecond))
			if messageActions == 0 {
				t.Errorf("%s: no decoded action is of type message", version)
			}
			r.fail(t, len(objs))

			// The SDKs' objects are checked on the fast path, as the
			// wire's are: it must decide nearly all valid ones itself.
			paths, err := validate.New(validate.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, objs := range valid {
				for _, o := range objs {
					paths.Check(o)
				}
			}
			if ps := paths.PathStats(); ps.Fast+ps.ReferenceValid == 0 || float64(ps.Fast) < 0.99*float64(ps.Fast+ps.ReferenceValid) {
				t.Errorf("%s: the fast path decided %d of %d valid objects; want 99%% or more", version, ps.Fast, ps.Fast+ps.ReferenceValid)
			} else {
				t.Logf("%s: the fast path decided %d of %d valid objects", version, ps.Fast, ps.Fast+ps.ReferenceValid)
			}

			m := newMutantReport(version)
			for _, k := range types.Kinds() {
				if !k.IsMessage() && k != types.KindConversation {
					continue
				}
				sample := sdkSpread(valid[k], mutantsPerKind)
				if len(sample) < mutantsPerKind {
					t.Logf("%s: %d of %d %s objects valid, %d mutated", version, len(valid[k]), counts[k], k, len(sample))
				}
				for _, obj := range sample {
					for _, f := range sdkFaults {
						m.check(vals.plain, vals.strict, k, obj, f)
					}
				}
			}
			m.fail(t)
		})
	}
}

// sdkObjectInputs generates the rest documents: n of each message kind, and
// entities of each other kind an SDK helper builds.
func sdkObjectInputs(t *testing.T, n, entities int) []sdkInput {
	t.Helper()
	var gens [3]*generate.Generator
	for o := range gens {
		g, err := generate.New(generate.Options{Seed: 14, Profile: types.ProfileREST, Optional: generate.Optional(o)})
		if err != nil {
			t.Fatal(err)
		}
		gens[o] = g
	}
	var inputs []sdkInput
	for _, k := range types.Kinds() {
		count := n
		if !k.IsMessage() {
			if sdkHelpers[k] == nil {
				t.Logf("no SDK helper builds a %s from server JSON: not checked", k)
				continue
			}
			count = entities
		}
		for i := 0; i < count; i++ {
			d := gens[i%3].Document(k, i)
			if d == nil {
				t.Fatalf("the generator made no %s", k)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, sdkInput{kind: k, doc: b})
		}
	}
	return inputs
}

// sdkObject is an object an SDK built, with the kind of its input.
type sdkObject struct {
	kind   types.Kind
	object json.RawMessage
}

// sdkObjects reads the script's output: every input must give one object
// of the expected class per helper of its kind.
func sdkObjects(t *testing.T, version string, inputs []sdkInput, out []byte) []sdkObject {
	t.Helper()
	got := make([]map[string]int, len(inputs))
	var objs []sdkObject
	problems := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var o sdkOutput
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("%s: output line %q: %v", version, sdkClip(sc.Text(), 200), err)
		}
		if o.Line < 1 || o.Line > len(inputs) {
			t.Fatalf("%s: output for input line %d of %d", version, o.Line, len(inputs))
		}
		x := inputs[o.Line-1]
		if got[o.Line-1] == nil {
			got[o.Line-1] = map[string]int{}
		}
		got[o.Line-1][o.Helper]++
		switch {
		case o.Error != nil:
			problems[fmt.Sprintf("%s %s: error %s", x.kind, o.Helper, *o.Error)]++
		case o.Class == nil || len(o.Object) == 0:
			problems[fmt.Sprintf("%s %s: no object", x.kind, o.Helper)]++
		case *o.Class != sdkClasses[x.kind]:
			problems[fmt.Sprintf("%s %s: class %s, want %s", x.kind, o.Helper, *o.Class, sdkClasses[x.kind])]++
		default:
			objs = append(objs, sdkObject{kind: x.kind, object: o.Object})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for i, x := range inputs {
		want := sdkHelpers[x.kind]
		if x.kind.IsMessage() {
			want = []string{sdkProcessMessage}
		}
		for _, h := range want {
			if n := got[i][h]; n != 1 {
				problems[fmt.Sprintf("%s %s: %d objects for one document, want 1", x.kind, h, n)]++
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("%s: the SDK did not build every object:\n%s", version, sdkHistogram(problems, 30))
	}
	return objs
}

// sdkReport collects what the validator found in SDK objects, for a
// failure message short enough to read.
type sdkReport struct {
	version  string
	toldREST map[types.Kind]bool
	failed   int
	counts   map[string]int
	examples map[string]json.RawMessage
}

func newSDKReport(version string, toldREST map[types.Kind]bool) *sdkReport {
	return &sdkReport{version: version, toldREST: toldREST, counts: map[string]int{}, examples: map[string]json.RawMessage{}}
}

// sdkValidators are the validators an SDK object goes through: detecting
// its profile, or told it is sdk, each with and without --strict.
type sdkValidators struct {
	plain, strict, sdk, sdkStrict *validate.Validator
}

var sdkArrayIndex = regexp.MustCompile(`/[0-9]+(/|$)`)

// sdkGeneralPointer replaces a pointer's array indices with *.
func sdkGeneralPointer(p string) string {
	for sdkArrayIndex.MatchString(p) {
		p = sdkArrayIndex.ReplaceAllString(p, "/*$1")
	}
	return p
}

func (r *sdkReport) add(key string, obj json.RawMessage) {
	r.counts[key]++
	if _, ok := r.examples[key]; !ok {
		r.examples[key] = obj
	}
}

// check validates obj, an SDK object built from a document of kind k, with
// and without --strict, records what is wrong with it, and reports whether
// it conforms.
func (r *sdkReport) check(vals sdkValidators, k types.Kind, obj json.RawMessage) bool {
	ok := true
	prefix := r.version + " " + string(k) + " "
	seen := map[string]bool{}
	profile := types.ProfileSDK
	modes := []struct {
		v    *validate.Validator
		name string
	}{{vals.plain, ""}, {vals.strict, " (strict)"}}
	if r.toldREST[k] {
		profile = types.ProfileREST
		modes = append(modes, []struct {
			v    *validate.Validator
			name string
		}{{vals.sdk, " (as sdk)"}, {vals.sdkStrict, " (strict, as sdk)"}}...)
	}
	for _, mode := range modes {
		vd := mode.v.Check(obj)
		want := profile
		if strings.Contains(mode.name, "as sdk") {
			want = types.ProfileSDK
		}
		if vd.Kind != k || vd.Profile != want {
			ok = false
			key := fmt.Sprintf("%sdetected as kind %q, profile %q", prefix, vd.Kind, vd.Profile)
			if !seen[key] {
				r.add(key, obj)
			}
			seen[key] = true
		}
		for _, v := range vd.Violations {
			ok = false
			key := prefix + v.Rule + " " + sdkGeneralPointer(v.Pointer)
			if seen[key] {
				continue // strict repeats what plain found
			}
			seen[key] = true
			if mode.name != "" && (v.Rule != validate.RuleUnknownField || mode.name != " (strict)") {
				key += mode.name
			}
			r.add(key, obj)
		}
	}
	if !ok {
		r.failed++
	}
	return ok
}

// fail fails the test with the histogram of violations and an example of
// the commonest ones. CCCONFORM_SDK_REPORT names a file to write every
// line and example to as well.
func (r *sdkReport) fail(t *testing.T, total int) {
	t.Helper()
	if r.failed == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d SDK objects do not conform; (sdk kind rule pointer) -> objects:\n%s",
		r.version, r.failed, total, sdkHistogram(r.counts, 30))
	keys := sdkSortedKeys(r.counts)
	for _, k := range keys[:min(len(keys), 2)] {
		fmt.Fprintf(&b, "\nexample of %s:\n%s\n", k, sdkClip(string(r.examples[k]), 3000))
	}
	if path := os.Getenv("CCCONFORM_SDK_REPORT"); path != "" {
		var full strings.Builder
		full.WriteString(sdkHistogram(r.counts, len(r.counts)))
		for _, k := range keys {
			fmt.Fprintf(&full, "\nexample of %s:\n%s\n", k, r.examples[k])
		}
		name := fmt.Sprintf("%s.%s.txt", strings.TrimSuffix(path, ".txt"), r.version)
		if err := os.WriteFile(name, []byte(full.String()), 0o644); err != nil {
			t.Error(err)
		}
		fmt.Fprintf(&b, "\n(every line and example: %s)", name)
	}
	t.Error(b.String())
}

// sdkFault is a one-fault mutation of an SDK message object, labelled with
// the one violation it must give.
type sdkFault struct {
	name string
	// kinds the fault applies to; none: every message kind.
	kinds []types.Kind
	// mutate breaks m, the object, and reports whether the fault fits it.
	mutate func(m map[string]any) bool
	rule   string
	// pointer of the violation; {sender} stands for the key of the sender
	// entity in data.entities (sender, or by in actions and calls),
	// {receiver} for the receiver's (receiver, or for), {id} for uid or
	// guid as receiverType says, and {on} for uid or id as actionOn is a
	// user or a message.
	pointer string
	// strict: the violation shows with --strict only; without it the
	// object conforms, the pointer among its undocumented fields.
	strict bool
}

var (
	// sdkNotCalls: a call's receiverId is compared with its callReceiver
	// too (call-parties), so that breaking it gives two violations.
	sdkNotCalls = []types.Kind{types.KindTextMessage, types.KindMediaMessage, types.KindCustomMessage, types.KindAction}
)

// sdkOtherAction is a member or message action other than the one given, of
// the same type.
var sdkOtherAction = map[string]string{
	"joined": "left", "left": "joined", "kicked": "banned", "banned": "kicked", "unbanned": "kicked",
	"scopeChanged": "kicked", "added": "kicked", "invited": "kicked", "edited": "deleted", "deleted": "edited",
}

// TODO(issue 14): the pointers of the cross-field rules follow how
// validate/rules.go points them today: at the data side of the pair
// (data.text, data.entities.*), not at the top-level field the fault changed.
var sdkFaults = []sdkFault{
	{name: "receiverId removed", mutate: sdkRemove("receiverId"), rule: validate.RuleRequired, pointer: "/receiverId"},
	{name: "rawMessage removed", mutate: sdkRemove("rawMessage"), rule: validate.RuleRequired, pointer: "/rawMessage"},
	{name: "receiverId of another", kinds: sdkNotCalls, mutate: sdkSetString("receiverId", "zz-someone-else"),
		rule: "receiver-entity", pointer: "/data/entities/{receiver}/entity/{id}"},
	{name: "receiver id of another", mutate: sdkSetID("receiver"),
		rule: "receiver-entity", pointer: "/receiver/{id}"},
	{name: "sender uid of another", mutate: sdkSetString("sender/uid", "zz-someone-else"),
		rule: "sender-entity", pointer: "/data/entities/{sender}/entity/uid"},
	{name: "sender name changed", mutate: sdkAppend("sender/name", " Changed"),
		rule: "sender-entity", pointer: "/data/entities/{sender}/entity/name"},
	{name: "text changed", kinds: []types.Kind{types.KindTextMessage}, mutate: sdkAppend("text", " (changed)"),
		rule: "text-data", pointer: "/data/text"},
	{name: "caption changed", kinds: []types.Kind{types.KindMediaMessage}, mutate: sdkAppend("caption", " (changed)"),
		rule: "text-data", pointer: "/data/text"},
	{name: "customData changed", kinds: []types.Kind{types.KindCustomMessage}, mutate: func(m map[string]any) bool {
		cd, ok := m["customData"].(map[string]any)
		if ok {
			cd["zzChanged"] = true
		}
		return ok
	}, rule: "custom-data", pointer: "/data/customData"},
	{name: "sentAt a string", mutate: func(m map[string]any) bool {
		n, ok := m["sentAt"].(json.Number)
		if ok {
			m["sentAt"] = n.String()
		}
		return ok
	}, rule: validate.RuleType, pointer: "/sentAt"},
	{name: "sentAt in milliseconds", mutate: func(m map[string]any) bool {
		n, ok := m["sentAt"].(json.Number)
		if ok {
			m["sentAt"] = json.Number(n.String() + "000")
		}
		return ok
	}, rule: "timestamp-unit", pointer: "/sentAt"},
	{name: "action changed", kinds: []types.Kind{types.KindAction}, mutate: func(m map[string]any) bool {
		a, _ := m["action"].(string)
		other, ok := sdkOtherAction[a]
		if ok {
			m["action"] = other
		}
		return ok
	}, rule: "action-data", pointer: "/data/action"},
	{name: "actionBy uid of another", kinds: []types.Kind{types.KindAction}, mutate: sdkSetString("actionBy/uid", "zz-someone-else"),
		rule: "action-data", pointer: "/data/entities/by/entity/uid"},
	{name: "actionFor id of another", kinds: []types.Kind{types.KindAction}, mutate: sdkSetID("actionFor"),
		rule: "action-data", pointer: "/data/entities/for/entity/{id}"},
	{name: "actionOn id of another", kinds: []types.Kind{types.KindAction}, mutate: func(m map[string]any) bool {
		return sdkSetString("actionOn/uid", "zz-someone-else")(m) || sdkSetString("actionOn/id", "999999999")(m)
	}, rule: "action-data", pointer: "/data/entities/on/entity/{on}"},
	{name: "callInitiator uid of another", kinds: []types.Kind{types.KindCall}, mutate: sdkSetString("callInitiator/uid", "zz-someone-else"),
		rule: "call-parties", pointer: "/callInitiator/uid"},
	{name: "callReceiver id of another", kinds: []types.Kind{types.KindCall}, mutate: sdkSetID("callReceiver"),
		rule: "call-parties", pointer: "/callReceiver/{id}"},
	{name: "call status changed", kinds: []types.Kind{types.KindCall}, mutate: func(m map[string]any) bool {
		st, ok := m["status"].(string)
		if ok {
			m["status"] = map[bool]string{true: "ongoing", false: "ended"}[st == "ended"]
		}
		return ok
	}, rule: "call-entity", pointer: "/data/entities/on/entity/status"},
	{name: "sessionId changed", kinds: []types.Kind{types.KindCall}, mutate: sdkAppend("sessionId", "-zz"),
		rule: "call-entity", pointer: "/data/entities/on/entity/sessionid"},
	{name: "conversationId of another", kinds: []types.Kind{types.KindConversation}, mutate: func(m map[string]any) bool {
		id, ok := m["conversationId"].(string)
		if ok {
			m["conversationId"] = map[bool]string{true: "group_zz-some-other-group", false: "zz-one_user_zz-other"}[strings.HasPrefix(id, "group_")]
		}
		return ok
	}, rule: "conversation-id", pointer: "/conversationId"},
	{name: "lastMessage of another conversation", kinds: []types.Kind{types.KindConversation}, mutate: sdkAppend("lastMessage/conversationId", "-zz"),
		rule: "conversation-with", pointer: "/lastMessage/conversationId"},
	{name: "unknown field", mutate: func(m map[string]any) bool {
		m["zzUnknownField"] = true
		return true
	}, rule: validate.RuleUnknownField, pointer: "/zzUnknownField", strict: true},
}

func sdkRemove(key string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		_, ok := m[key]
		delete(m, key)
		return ok
	}
}

// sdkField returns the object holding the last key of path (keys joined by
// /), and that key.
func sdkField(m map[string]any, path string) (map[string]any, string) {
	keys := strings.Split(path, "/")
	for _, k := range keys[:len(keys)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil, ""
		}
		m = next
	}
	return m, keys[len(keys)-1]
}

func sdkSetString(path, value string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		o, k := sdkField(m, path)
		if s, ok := o[k].(string); !ok || s == value {
			return false
		}
		o[k] = value
		return true
	}
}

// sdkSetID gives the user or group at key another uid or guid.
func sdkSetID(key string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		return sdkSetString(key+"/uid", "zz-someone-else")(m) || sdkSetString(key+"/guid", "zz-some-other-group")(m)
	}
}

func sdkAppend(path, suffix string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		o, k := sdkField(m, path)
		s, ok := o[k].(string)
		if ok {
			o[k] = s + suffix
		}
		return ok
	}
}

// sdkFaultPointer fills in the placeholders of f's pointer for the object m.
func sdkFaultPointer(f sdkFault, k types.Kind, m map[string]any) string {
	sender, receiver, id, on := "sender", "receiver", "uid", "uid"
	if k == types.KindAction || k == types.KindCall {
		sender, receiver = "by", "for"
	}
	if m["receiverType"] == "group" {
		id = "guid"
	}
	if o, ok := m["actionOn"].(map[string]any); ok && o["uid"] == nil {
		on = "id"
	}
	return strings.NewReplacer("{sender}", sender, "{receiver}", receiver, "{id}", id, "{on}", on).Replace(f.pointer)
}

// mutantReport collects the mutants that did not give their violation.
type mutantReport struct {
	version       string
	tried, failed int
	byFault       map[string]int
	counts        map[string]int
	examples      map[string][]byte
}

func newMutantReport(version string) *mutantReport {
	return &mutantReport{version: version, byFault: map[string]int{}, counts: map[string]int{}, examples: map[string][]byte{}}
}

// check breaks obj, a conforming SDK object of kind k, with f, and checks
// that the validator reports exactly f's violation, with and without
// --strict.
func (r *mutantReport) check(plain, strict *validate.Validator, k types.Kind, obj json.RawMessage, f sdkFault) {
	if len(f.kinds) > 0 && !slices.Contains(f.kinds, k) || len(f.kinds) == 0 && !k.IsMessage() {
		return
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || !f.mutate(m) {
		return
	}
	want := f.rule + " " + sdkFaultPointer(f, k, m)
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	r.tried++
	r.byFault[f.name]++
	bad := false
	for _, mode := range []struct {
		v      *validate.Validator
		strict bool
	}{{plain, false}, {strict, true}} {
		vd := mode.v.Check(b)
		var got []string
		for _, v := range vd.Violations {
			got = append(got, v.Rule+" "+v.Pointer)
		}
		expect := []string{want}
		if f.strict && !mode.strict {
			expect = nil
		}
		okUndocumented := !f.strict || mode.strict || slices.Contains(vd.Undocumented, sdkFaultPointer(f, k, m))
		if vd.Kind == k && vd.Profile == types.ProfileSDK && slices.Equal(got, expect) && okUndocumented {
			continue
		}
		bad = true
		for i := range got {
			parts := strings.SplitN(got[i], " ", 2)
			got[i] = parts[0] + " " + sdkGeneralPointer(parts[1])
		}
		detected := ""
		if vd.Kind != k || vd.Profile != types.ProfileSDK {
			detected = fmt.Sprintf(" detected %q %q", vd.Kind, vd.Profile)
		}
		if !okUndocumented {
			detected += " (not among undocumented fields)"
		}
		with := ""
		if mode.strict {
			with = " strict"
		}
		key := fmt.Sprintf("%s %s %q%s: want [%s], got [%s]%s", r.version, k, f.name, with, strings.Join(expect, ", "),
			strings.Join(got, ", "), detected)
		r.counts[key]++
		if _, ok := r.examples[key]; !ok {
			r.examples[key] = b
		}
	}
	if bad {
		r.failed++
	}
}

func (r *mutantReport) fail(t *testing.T) {
	t.Helper()
	t.Logf("%s: %d mutants", r.version, r.tried)
	for _, f := range sdkFaults {
		if r.byFault[f.name] == 0 {
			t.Errorf("%s: no SDK object took the fault %q", r.version, f.name)
		}
	}
	if r.failed == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d mutants did not give exactly their violation; (sdk kind fault) -> mutants:\n%s",
		r.version, r.failed, r.tried, sdkHistogram(r.counts, 30))
	keys := sdkSortedKeys(r.counts)
	fmt.Fprintf(&b, "\nexample of %s:\n%s\n", keys[0], sdkClip(string(r.examples[keys[0]]), 3000))
	t.Error(b.String())
}

// sdkSpread picks n of xs, evenly spaced, or all of them when there are fewer.
func sdkSpread[T any](xs []T, n int) []T {
	if len(xs) <= n {
		return xs
	}
	out := make([]T, n)
	for i := range out {
		out[i] = xs[i*len(xs)/n]
	}
	return out
}

// sdkSortedKeys returns counts's keys, commonest first, and among equals
// those of undocumented fields last: they are what --strict adds.
func sdkSortedKeys(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	strictOnly := func(k string) bool { return strings.Contains(k, " "+validate.RuleUnknownField+" ") }
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		if a, b := strictOnly(keys[i]), strictOnly(keys[j]); a != b {
			return b
		}
		return keys[i] < keys[j]
	})
	return keys
}

// sdkHistogram writes the top lines of counts, commonest first.
func sdkHistogram(counts map[string]int, top int) string {
	keys := sdkSortedKeys(counts)
	var b strings.Builder
	for i, k := range keys {
		if i == top {
			fmt.Fprintf(&b, "  ... and %d more lines\n", len(keys)-top)
			break
		}
		fmt.Fprintf(&b, "  %6d  %s\n", counts[k], k)
	}
	return b.String()
}

// sdkClip cuts s to about n bytes, keeping its start.
func sdkClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
