package validate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

// TestCoverageCountsByHand checks the counts on a corpus small enough to
// count by hand.
func TestCoverageCountsByHand(t *testing.T) {
	text, err := os.ReadFile("../fixtures/rest/textMessage.json")
	if err != nil {
		t.Fatal(err)
	}
	corpus := strings.Join([]string{
		`{"uid":"a","name":"A","status":"online","avatar":"https://example.com/a.png"}`,
		`{"uid":"b","name":"B","status":"offline"}`,
		`{"uid":"c","name":"C","status":"offline","nickname":"cee"}`,
		`{"uid":"d","name":"D","status":"offline","nickname":"dee","shoeSize":9}`,
		compact(t, text),
		compact(t, text),
		`{"category":"message","type":"text"}`, // a broken text message counts too
		`{"neither":"kind"}`,
		`{"uid":"m","name":"M","status":"online","scope":"participant","joinedAt":1600000000,"isBanned":false}`,
		`{"uid":"n","name":"N","status":"online","scope":"admin","joinedAt":1600000000,"isBanned":1}`,
	}, "\n")
	v, err := validate.New(validate.Options{Coverage: true, Profile: ""})
	if err != nil {
		t.Fatal(err)
	}
	var vds []validate.Verdict
	if err := v.Stream(context.Background(), validate.Input{Name: "corpus.ndjson", R: strings.NewReader(corpus), Format: validate.FormatNDJSON},
		func(vd validate.Verdict) error { vds = append(vds, vd); return nil }); err != nil {
		t.Fatal(err)
	}
	r := v.Coverage().Report()
	find := func(k types.Kind, p types.Profile) validate.KindCoverage {
		for _, kc := range r.Kinds {
			if kc.Kind == k && (p == "" || kc.Profile == p) {
				return kc
			}
		}
		t.Fatalf("no coverage for %s: %+v", k, r.Kinds)
		return validate.KindCoverage{}
	}
	field := func(kc validate.KindCoverage, p string) validate.FieldCount {
		for _, f := range kc.Fields {
			if f.Pointer == p {
				return f
			}
		}
		t.Fatalf("%s has no documented field %s", kc.Kind, p)
		return validate.FieldCount{}
	}
	users := find(types.KindUser, "")
	if users.Documents != 4 {
		t.Errorf("users: %d documents, want 4", users.Documents)
	}
	for p, want := range map[string]int{"/uid": 4, "/name": 4, "/status": 4, "/avatar": 1, "/link": 0, "/metadata": 0} {
		if got := field(users, p).Count; got != want {
			t.Errorf("users %s: %d, want %d", p, got, want)
		}
	}
	if !field(users, "/uid").Required || field(users, "/avatar").Required {
		t.Error("required marks wrong: /uid is required, /avatar is not")
	}
	statuses := map[string]int{}
	for _, e := range users.Enums {
		if e.Pointer == "/status" {
			for _, c := range e.Values {
				statuses[c.Name] = c.Count
			}
		}
	}
	if statuses["online"] != 1 || statuses["offline"] != 3 {
		t.Errorf("status counts %v, want online 1, offline 3", statuses)
	}
	if _, listed := statuses["available"]; users.Profile == types.ProfileREST && !listed {
		t.Errorf("the rest profile's status values are all listed: %v", statuses)
	}
	drift := map[string]validate.Drift{}
	for _, d := range users.Undocumented {
		drift[d.Pointer] = d
	}
	if drift["/nickname"].Count != 2 || drift["/shoeSize"].Count != 1 {
		t.Errorf("undocumented fields %+v, want /nickname twice and /shoeSize once", users.Undocumented)
	}
	if !strings.Contains(drift["/nickname"].Sample, "corpus.ndjson:3") {
		t.Errorf("the sample of /nickname is %q, want its first place, line 3", drift["/nickname"].Sample)
	}

	texts := find(types.KindTextMessage, types.ProfileREST)
	if n := texts.Documents + find(types.KindTextMessage, types.ProfileDocs).Documents; n != 3 {
		t.Errorf("%d text messages over both profiles, want 3", n)
	}
	if texts.Documents != 2 || field(texts, "/data/text").Count != 2 || field(texts, "/data/entities/sender/entity/uid").Count != 2 {
		t.Errorf("rest text messages: %d documents, /data/text %d, sender uid %d; want 2, 2, 2",
			texts.Documents, field(texts, "/data/text").Count, field(texts, "/data/entities/sender/entity/uid").Count)
	}
	if got := field(texts, "/data/metadata").Count; got != 2 {
		t.Errorf("/data/metadata: %d, want 2", got)
	}
	pairs := map[string]int{}
	for _, p := range r.Pairs {
		pairs[p.Name] = p.Count
	}
	if pairs["message/text"] != 3 || pairs["message/image"] != 0 {
		t.Errorf("pairs %v, want message/text 3 and message/image listed with 0", pairs)
	}
	if _, listed := pairs["call/video"]; !listed {
		t.Error("a pair never seen, call/video, is not listed")
	}
	if r.Unknown != 1 {
		t.Errorf("%d documents of unknown kind, want 1", r.Unknown)
	}
	// An enum of several JSON types (isBanned: false, true, 0, 1, "0", "1")
	// counts each value apart.
	banned := map[string]int{}
	for _, e := range find(types.KindGroupMember, "").Enums {
		if e.Pointer == "/isBanned" {
			for _, c := range e.Values {
				banned[c.Name] = c.Count
			}
		}
	}
	if banned["false (boolean)"] != 1 || banned["1 (number)"] != 1 || banned["1"] != 0 || len(banned) != 6 {
		t.Errorf("isBanned counts %v, want false once, the number 1 once, and six values listed", banned)
	}
	never := strings.Join(r.NeverSeen(), "\n")
	for _, want := range []string{"user (", "field /link", "category/type message/image", "category/type call/audio"} {
		if !strings.Contains(never, want) {
			t.Errorf("never seen does not list %q:\n%s", want, never)
		}
	}
	if strings.Contains(never, "field /uid\n") || strings.Contains(never, "message/text\n") {
		t.Errorf("never seen lists what was seen:\n%s", never)
	}
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(string(b)), " ")
}

// TestCoverageIsBounded: documents with ever new undocumented keys, enum
// values or category/type pairs, or with keys of a megabyte, take bounded
// memory: past the bounds they are counted, not kept, and the report says
// so.
func TestCoverageIsBounded(t *testing.T) {
	c, err := validate.NewCoverage()
	if err != nil {
		t.Fatal(err)
	}
	user := []byte(`{"uid":"a","name":"A","status":"online"}`)
	add := func(raw []byte, k types.Kind, undocumented ...string) {
		c.Add(raw, validate.Verdict{Location: validate.Location{Source: "in.ndjson", Line: 1, Index: -1}, Kind: k, Profile: types.ProfileDocs, Undocumented: undocumented})
	}
	const past = 700
	for i := range validate.MaxUndocumentedPaths + past {
		add(user, types.KindUser, fmt.Sprintf("/k%d", i))
	}
	add(user, types.KindUser, "/k17") // listed: still counted in its row
	long := "/" + strings.Repeat("ü", 1<<20)
	add(user, types.KindUser, long, long+"/0/x")
	for i := range 1200 {
		add([]byte(fmt.Sprintf(`{"uid":"a","name":"A","status":"%d%s"}`, i, strings.Repeat("s", 1000))), types.KindUser)
		add([]byte(fmt.Sprintf(`{"category":"message","type":"t%d%s"}`, i, strings.Repeat("t", 1000))), types.KindTextMessage)
	}
	r := c.Report()
	var users validate.KindCoverage
	for _, kc := range r.Kinds {
		if kc.Kind == types.KindUser {
			users = kc
		}
	}
	if len(users.Undocumented) != validate.MaxUndocumentedPaths {
		t.Errorf("%d undocumented paths listed, want the bound, %d", len(users.Undocumented), validate.MaxUndocumentedPaths)
	}
	if users.UndocumentedOther != past+2 {
		t.Errorf("%d other undocumented fields counted, want %d", users.UndocumentedOther, past+2)
	}
	size := 0
	for _, d := range users.Undocumented {
		if d.Pointer == "/k17" && d.Count != 2 {
			t.Errorf("/k17 counted %d times, want 2", d.Count)
		}
		if len(d.Pointer) > 600 || len(d.Sample) > 700 {
			t.Errorf("an undocumented path kept at %d bytes, its sample at %d", len(d.Pointer), len(d.Sample))
		}
		size += len(d.Pointer) + len(d.Sample)
	}
	for _, e := range users.Enums {
		if e.Pointer != "/status" {
			continue
		}
		if len(e.Values) != 2+100+1 {
			t.Errorf("%d status values kept, want the documented two, 100 others and %q", len(e.Values), validate.OtherValues)
		}
		last := e.Values[len(e.Values)-1]
		if last.Name != validate.OtherValues || last.Count != 1100 {
			t.Errorf("the last status value is %+v, want %q counting the rest", last, validate.OtherValues)
		}
		for _, v := range e.Values {
			size += len(v.Name)
		}
	}
	if last := r.Pairs[len(r.Pairs)-1]; len(r.Pairs) > 1100 || last.Name != validate.OtherValues || last.Count != 200 {
		t.Errorf("%d category/type pairs kept, the last %+v; want the allowed ones, 1,000 seen and %q counting 200", len(r.Pairs), last, validate.OtherValues)
	}
	for _, p := range r.Pairs {
		size += len(p.Name)
	}
	if size > 8<<20 {
		t.Errorf("the report holds %d bytes of names", size)
	}
}

// TestCoverageCountsChosenBranches checks that fields documented under a
// user-or-group choice (the receiver entity, picked by if/then) are counted
// where the documents have them, as on the mock server's messages.
func TestCoverageCountsChosenBranches(t *testing.T) {
	g, err := generate.New(generate.Options{Seed: 1, Profile: types.ProfileREST})
	if err != nil {
		t.Fatal(err)
	}
	w, err := g.World(20, 3, 200)
	if err != nil {
		t.Fatal(err)
	}
	// One page of them, as the mock serves it.
	page, err := json.Marshal(map[string]any{"data": w.Messages, "meta": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	v := newValidator(t, validate.Options{Coverage: true})
	v.Bytes(page)
	r := v.Coverage().Report()
	counted := map[string]int{}
	for _, k := range r.Kinds {
		if k.Kind == types.KindTextMessage && k.Profile == types.ProfileREST {
			for _, f := range k.Fields {
				counted[f.Pointer] = f.Count
			}
		}
	}
	for _, p := range []string{"/data/entities/receiver/entity/uid", "/data/entities/receiver/entity/guid", "/data/entities/receiver/entity/name",
		"/data/entities/sender/entity/uid", "/data/entities/sender/entity/name"} {
		if counted[p] == 0 {
			t.Errorf("%s never counted, though the world's text messages have it (%d fields)", p, len(counted))
		}
	}
	for _, n := range r.NeverSeen() {
		if strings.HasSuffix(n, " /data/entities/receiver/entity/uid") || strings.HasSuffix(n, " /data/entities/receiver/entity/name") {
			t.Errorf("listed as never seen: %s", n)
		}
	}
}

// The sdk profile's receiver (a user or group told by shape) and a
// conversation's lastMessage (any message, through message.json) and
// conversationWith are counted field by field, as the fixtures have them.
func TestCoverageCountsNewShapes(t *testing.T) {
	v := newValidator(t, validate.Options{Coverage: true})
	for _, f := range []string{"sdk/textMessage-sdk4.json", "sdk/action-sdk4-edited.json", "rest/conversation-user.json", "rest/conversation-group.json"} {
		raw, err := os.ReadFile(filepath.Join("..", "fixtures", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, vd := range v.Bytes(raw) {
			if !vd.OK() {
				t.Fatalf("%s: %v", f, vd.Violations)
			}
		}
	}
	counted := map[string]int{}
	for _, k := range v.Coverage().Report().Kinds {
		for _, f := range k.Fields {
			counted[string(k.Kind)+"/"+string(k.Profile)+" "+f.Pointer] = f.Count
		}
	}
	for _, p := range []string{
		"textMessage/sdk /receiver/uid", "textMessage/sdk /receiverId", "textMessage/sdk /sender/hasBlockedMe",
		"textMessage/sdk /data/entities/receiver/entity/uid", "textMessage/sdk /rawMessage",
		"action/sdk /actionOn/id", "action/sdk /actionOn/text", "action/sdk /data/entities/on/entity/editedAt",
		"conversation/rest /conversationWith/uid", "conversation/rest /conversationWith/guid",
		"conversation/rest /lastMessage/data/text", "conversation/rest /lastMessage/data/entities/on/entity/deletedAt",
	} {
		if counted[p] == 0 {
			t.Errorf("%s never counted, though the fixtures have it", p)
		}
	}
}

// TestCoverageOfWebhooks: generated deliveries of every trigger of the
// model and CometChat's published examples leave no trigger of the model
// never seen, count each entity under its kind apart from documents, and
// put an undocumented field of a delivery on the entity that holds it.
func TestCoverageOfWebhooks(t *testing.T) {
	g, err := generate.New(generate.Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var corpus []string
	for i := range 2 * len(generate.ModelledTriggers()) {
		d, err := g.Webhook(generate.WebhookAll, i)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		corpus = append(corpus, string(b))
	}
	corpus = append(corpus, `{"trigger":"message_sent","data":{"message":{"id":"1","category":"message","type":"text","shoe":1}}}`)
	files, _ := filepath.Glob("../fixtures/webhooks/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, compact(t, b))
	}
	r := coverageOf(t, "hooks.ndjson", strings.Join(corpus, "\n"))
	if len(r.Triggers) == 0 {
		t.Fatal("no triggers counted")
	}
	for _, tr := range r.Triggers {
		if tr.Count == 0 {
			t.Errorf("trigger %s never seen", tr.Name)
		}
	}
	in := map[types.Kind]validate.KindCoverage{}
	for _, k := range r.Kinds {
		if k.In != validate.InWebhook {
			t.Errorf("%s counted as a document: only deliveries were checked", k.Title())
			continue
		}
		in[k.Kind] = k
	}
	for _, k := range []types.Kind{types.KindUser, types.KindGroup, types.KindTextMessage, types.KindCall} {
		if in[k].Documents == 0 {
			t.Errorf("no %s entity counted in deliveries: %v", k, slices.Collect(maps.Keys(in)))
		}
	}
	found := false
	for _, d := range in[types.KindTextMessage].Undocumented {
		if d.Pointer == "/shoe" {
			found = d.First.Source == "hooks.ndjson" && strings.HasSuffix(d.Sample, " /data/message/shoe")
		}
	}
	if !found {
		t.Errorf("the undocumented /data/message/shoe is not on the text message: %+v", in[types.KindTextMessage].Undocumented)
	}
	if never := strings.Join(r.NeverSeen(), "\n"); strings.Contains(never, "webhook trigger") {
		t.Errorf("never seen lists triggers:\n%s", never)
	}
}

// TestCoverageByTriggerAndPart counts by hand: each part of each trigger
// counts its entities and every documented field of their kind, and
// PartGaps lists, per part, only the fields it never had that entities of
// the same kind had in other deliveries; the rest are the kind's never-seen
// lines, once.
func TestCoverageByTriggerAndPart(t *testing.T) {
	banned := `{"trigger":"group_member_banned","data":{"group":{"guid":"g","name":"G","type":"public"},` +
		`"members":{"a":{"uid":"a","name":"A"},"b":{"uid":"b","name":"B","status":"offline"}},"by":{"uid":"o","name":"O","lastActiveAt":1700000000}}}`
	receipt := `{"trigger":"message_read_receipt","data":{"sender":"c","body":{"user":{"uid":"c","name":"C","avatar":"https://example.com/c.png","lastActiveAt":1700000000}}}}`
	// A kick's members have avatar and lastActiveAt now and then, its
	// actor a status always and never lastActiveAt.
	kicked := `{"trigger":"group_member_kicked","data":{"group":{"guid":"g","name":"G","type":"public"},` +
		`"members":{"k":{"uid":"k","name":"K","avatar":"https://example.com/k.png","lastActiveAt":1700000000},"l":{"uid":"l","name":"L"}},"by":{"uid":"o","name":"O","status":"online"}}}`
	r := coverageOf(t, "hooks.ndjson", banned+"\n"+banned+"\n"+receipt+"\n"+kicked+"\n"+`{"trigger":"nope","data":{"members":{"x":{"uid":"x"}}}}`)
	parts := map[string]validate.PartCoverage{}
	var order []string
	for _, p := range r.Parts {
		parts[p.Title()] = p
		order = append(order, p.Title())
	}
	want := []string{
		"message_read_receipt /data/body/user (user)",
		"group_member_kicked /data/group (group)",
		"group_member_kicked /data/members/* (user)",
		"group_member_kicked /data/by (user)",
		"group_member_banned /data/group (group)",
		"group_member_banned /data/members/* (user)",
		"group_member_banned /data/by (user)",
	}
	if !slices.Equal(order, want) {
		t.Fatalf("parts %q, want %q (the registry's order; an unknown trigger has none)", order, want)
	}
	users := 0
	for _, k := range r.Kinds {
		if k.Kind == types.KindUser && k.In == validate.InWebhook {
			users = len(k.Fields)
			if k.Documents != 10 {
				t.Errorf("the kind's summary counts %d users, want 10 (6 members, 3 by, 1 receipt user)", k.Documents)
			}
		}
	}
	count := func(title, field string) int {
		for _, f := range parts[title].Fields {
			if f.Pointer == field {
				return f.Count
			}
		}
		t.Fatalf("%s has no field %s", title, field)
		return 0
	}
	members := parts["group_member_banned /data/members/* (user)"]
	if members.Entities != 4 || len(members.Fields) != users || users == 0 {
		t.Errorf("members: %d entities, %d fields; want 4, and every documented field of a user (%d)", members.Entities, len(members.Fields), users)
	}
	for _, c := range []struct {
		title, field string
		want         int
	}{
		{"group_member_banned /data/members/* (user)", "/uid", 4},
		{"group_member_banned /data/members/* (user)", "/status", 2},
		{"group_member_banned /data/members/* (user)", "/lastActiveAt", 0},
		{"group_member_banned /data/by (user)", "/lastActiveAt", 2},
		{"group_member_banned /data/group (group)", "/type", 2},
		{"message_read_receipt /data/body/user (user)", "/avatar", 1},
	} {
		if got := count(c.title, c.field); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.title, c.field, got, c.want)
		}
	}
	gaps := map[string][]string{}
	for _, g := range r.PartGaps() {
		gaps[g.Title()] = g.Missing
	}
	// The ban's members never had what the kick's members had now and
	// then; the kick's never had the status some of the ban's had. The
	// actors differ only in what each trigger's actors always carried
	// (the kick's status, the ban's lastActiveAt), and the receipt's user
	// is compared with receipts' users alone: no gap there.
	wantGaps := map[string][]string{
		"group_member_banned /data/members/* (user)": {"/avatar", "/lastActiveAt"},
		"group_member_kicked /data/members/* (user)": {"/status"},
	}
	if !reflect.DeepEqual(gaps, wantGaps) {
		t.Errorf("part gaps %v, want %v", gaps, wantGaps)
	}
	never := strings.Join(r.NeverSeen(), "\n")
	if !strings.Contains(never, "user (rest, in webhook deliveries): field /email") || strings.Contains(never, "group_member_banned") {
		t.Errorf("the kind's never-seen list should name /email once, and no part:\n%s", never)
	}
}

// TestPartGapsLeaveOutChildren: a field under one the part never had is
// left out, the parent says it; an object the part had whose child it
// never had names the child.
func TestPartGapsLeaveOutChildren(t *testing.T) {
	withGroup := `{"trigger":"message_sent","data":{"message":{"id":"1","conversationId":"g_group_a","sender":"a","receiver":"g","receiverType":"group","category":"message","type":"text","data":{"text":"hi","entities":{"sender":{"entity":{"uid":"a","name":"A"},"entityType":"user"},"receiver":{"entity":{"guid":"g","name":"G","type":"public","icon":"https://example.com/g.png"},"entityType":"group"}}},"sentAt":1700000000,"updatedAt":1700000000}}}`
	bare := `{"trigger":"message_pinned","data":{"message":{"id":"2","conversationId":"a_user_b","sender":"a","receiver":"b","receiverType":"user","category":"message","type":"text","data":{"text":"hi"},"sentAt":1700000000,"updatedAt":1700000000}}}`
	iconless := strings.Replace(withGroup, `,"icon":"https://example.com/g.png"`, "", 1)
	iconless = strings.Replace(iconless, "message_sent", "user_mentioned", 1)
	// message_sent had entities, and a receiver's icon, once in two.
	bareSent := strings.Replace(strings.Replace(bare, "message_pinned", "message_sent", 1), `"id":"2"`, `"id":"3"`, 1)
	r := coverageOf(t, "m.ndjson", withGroup+"\n"+bareSent+"\n"+bare+"\n"+iconless)
	gaps := map[string][]string{}
	for _, g := range r.PartGaps() {
		gaps[g.Title()] = g.Missing
	}
	if got := gaps["message_pinned /data/message (textMessage)"]; !slices.Equal(got, []string{"/data/entities"}) {
		t.Errorf("message_pinned: %q, want only /data/entities (not each field under it)", got)
	}
	if got := gaps["user_mentioned /data/message (textMessage)"]; !slices.Equal(got, []string{"/data/entities/receiver/entity/icon"}) {
		t.Errorf("user_mentioned: %q, want the icon its receiver lacked", got)
	}
	if _, ok := gaps["message_sent /data/message (textMessage)"]; ok {
		t.Errorf("message_sent had every field seen elsewhere: %q", gaps["message_sent /data/message (textMessage)"])
	}
}

// TestCoveragePartsOfTheFixtures: CometChat's published examples, one per
// trigger, differ by trigger in the shape each trigger's entities always
// have (a receipt's user carries hasBlockedMe, an edit's message
// editedAt): no part lists those as gaps, while the full counts keep the
// differences (a read-by-all receipt's user has no lastActiveAt, a read
// receipt's has).
func TestCoveragePartsOfTheFixtures(t *testing.T) {
	files, _ := filepath.Glob("../fixtures/webhooks/*.json")
	var corpus []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, compact(t, b))
	}
	r := coverageOf(t, "fixtures.ndjson", strings.Join(corpus, "\n"))
	for _, g := range r.PartGaps() {
		for _, f := range []string{"/hasBlockedMe", "/blockedByMe", "/deactivatedAt", "/editedAt", "/deletedAt"} {
			if slices.Contains(g.Missing, f) {
				t.Errorf("%s lists %s, which belongs to another trigger's shape: %q", g.Title(), f, g.Missing)
			}
		}
	}
	lastActive := map[string]int{}
	for _, p := range r.Parts {
		if p.Part == "/data/body/user" {
			for _, f := range p.Fields {
				if f.Pointer == "/lastActiveAt" {
					lastActive[p.Trigger] = f.Count
				}
			}
		}
	}
	if lastActive["message_read_by_all"] != 0 || lastActive["message_read_receipt"] != 1 {
		t.Errorf("lastActiveAt of receipts' users by trigger: %v, want 0 for message_read_by_all and 1 for message_read_receipt", lastActive)
	}
	for _, p := range r.Parts {
		if p.Entities == 0 {
			t.Errorf("%s listed with no entity", p.Title())
		}
	}
}
