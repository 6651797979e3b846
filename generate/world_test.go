package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func TestWorldValidatesAndHoldsTogether(t *testing.T) {
	g, _ := generate.New(generate.Options{Seed: 3})
	w, err := g.World(40, 6, 600)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := w.Write(dir); err != nil {
		t.Fatal(err)
	}

	// Every file validates clean, strictly.
	v, _ := validate.New(validate.Options{Strict: true})
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	members, _ := filepath.Glob(filepath.Join(dir, "members", "*.json"))
	if len(files) != 4 || len(members) != 6 {
		t.Fatalf("files %v, member files %d", files, len(members))
	}
	docs := 0
	for _, f := range append(files, members...) {
		fh, _ := os.Open(f)
		err := v.Stream(context.Background(), validate.Input{Name: f, R: fh}, func(vd validate.Verdict) error {
			docs++
			if !vd.OK() {
				t.Errorf("%s: %v", vd.Location, vd.Violations)
			}
			return nil
		})
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
	}

	// Read it back as a client would, and walk the references.
	var users struct{ Data []types.User }
	var groups struct{ Data []types.Group }
	var msgs struct{ Data []json.RawMessage }
	read(t, filepath.Join(dir, "users.json"), &users)
	read(t, filepath.Join(dir, "groups.json"), &groups)
	read(t, filepath.Join(dir, "messages.json"), &msgs)
	user := map[string]bool{}
	for _, u := range users.Data {
		if user[u.UID] {
			t.Errorf("uid %s twice", u.UID)
		}
		user[u.UID] = true
	}
	member := map[string]map[string]types.GroupMember{}
	for _, gr := range groups.Data {
		if !user[gr.Owner] {
			t.Errorf("group %s: owner %s is no user", gr.GUID, gr.Owner)
		}
		var ms struct{ Data []types.GroupMember }
		read(t, filepath.Join(dir, "members", gr.GUID+".json"), &ms)
		member[gr.GUID] = map[string]types.GroupMember{}
		for _, m := range ms.Data {
			if !user[m.UID] {
				t.Errorf("group %s: member %s is no user", gr.GUID, m.UID)
			}
			if m.JoinedAt < gr.CreatedAt {
				t.Errorf("group %s: %s joined at %d, before the group was made at %d", gr.GUID, m.UID, m.JoinedAt, gr.CreatedAt)
			}
			member[gr.GUID][m.UID] = m
		}
		if o, ok := member[gr.GUID][gr.Owner]; !ok || o.Scope != types.ScopeAdmin {
			t.Errorf("group %s: owner %s is not an admin member", gr.GUID, gr.Owner)
		}
		if gr.MembersCount == nil || int(*gr.MembersCount) != len(ms.Data) {
			t.Errorf("group %s: membersCount %v, %d members", gr.GUID, gr.MembersCount, len(ms.Data))
		}
	}
	var last types.Timestamp
	sessions := map[string][]types.CallStatus{}
	kinds := map[types.Kind]int{}
	removed := map[string]types.Timestamp{} // guid/uid -> when kicked or banned
	for i, raw := range msgs.Data {
		doc, err := types.Decode(raw)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		m := doc.(types.Message)
		h := m.Header()
		kinds[m.Kind()]++
		if h.SentAt < last {
			t.Errorf("message %s is older than the one before it", h.ID)
		}
		last = h.SentAt
		from := m.SenderID()
		if !user[from] {
			t.Errorf("message %s: sender %s is no user", h.ID, from)
		}
		switch h.ReceiverType {
		case types.ReceiverUser:
			if !user[h.Receiver] || h.Receiver == from {
				t.Errorf("message %s: receiver %s", h.ID, h.Receiver)
			}
		case types.ReceiverGroup:
			if member[h.Receiver] == nil {
				t.Errorf("message %s: group %s does not exist", h.ID, h.Receiver)
			}
		}
		switch x := doc.(type) {
		case *types.RESTAction:
			if on := x.Data.Entities.On; on != nil && x.Type == types.ActionGroupMember {
				if !user[on.User().UID] {
					t.Errorf("action %s on %s, no user", h.ID, on.User().UID)
				}
				if x.Data.Action == types.ActionKicked || x.Data.Action == types.ActionBanned {
					removed[h.Receiver+"/"+on.User().UID] = h.SentAt
				}
			}
		case *types.RESTCall:
			s := x.Data.Entities.On.Call().SessionID
			sessions[s] = append(sessions[s], x.Data.Action)
		default:
			if h.ReceiverType == types.ReceiverGroup {
				if at, gone := removed[h.Receiver+"/"+from]; gone && at <= h.SentAt {
					t.Errorf("message %s: %s wrote to %s after being removed", h.ID, from, h.Receiver)
				}
				if m, ok := member[h.Receiver][from]; ok && m.JoinedAt > h.SentAt {
					t.Errorf("message %s: %s wrote to %s before joining", h.ID, from, h.Receiver)
				}
			}
		}
	}
	for s, life := range sessions {
		if life[0] != types.CallInitiated {
			t.Errorf("call %s starts with %s", s, life[0])
		}
		// Between its start and its last status (or the world's end), a
		// call can only be ongoing.
		for j := 1; j < len(life)-1; j++ {
			if life[j] != types.CallOngoing {
				t.Errorf("call %s: %v is not a plausible life", s, life)
			}
		}
	}
	for _, k := range []types.Kind{types.KindTextMessage, types.KindMediaMessage, types.KindCustomMessage, types.KindAction, types.KindCall} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the world", k)
		}
	}
	if docs < 600 {
		t.Errorf("validated %d documents", docs)
	}
}

func read(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestWorldRefusesNonsense(t *testing.T) {
	g, _ := generate.New(generate.Options{})
	if _, err := g.World(1, 1, 1); err == nil {
		t.Error("a world of one user")
	}
	if _, err := g.World(3, -1, 1); err == nil {
		t.Error("a world of -1 groups")
	}
}

// world writes the world of seed 3 into a directory, and returns it.
func world(t *testing.T) (*generate.World, string) {
	t.Helper()
	g, _ := generate.New(generate.Options{Seed: 3})
	w, err := g.World(40, 6, 600)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := w.Write(dir); err != nil {
		t.Fatal(err)
	}
	return w, dir
}

// messagesOf reads and decodes the messages of the world in dir.
func messagesOf(t *testing.T, dir string) []types.Message {
	t.Helper()
	var raws struct{ Data []json.RawMessage }
	read(t, filepath.Join(dir, "messages.json"), &raws)
	var out []types.Message
	for i, raw := range raws.Data {
		doc, err := types.Decode(raw)
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		out = append(out, doc.(types.Message))
	}
	return out
}

func TestWorldEditsAndDeletesItsMessages(t *testing.T) {
	_, dir := world(t)
	msgs := messagesOf(t, dir)
	at := map[string]int{}
	removed := map[string]types.Timestamp{} // guid/uid -> when kicked or banned
	prev := 0
	for i, m := range msgs {
		h := m.Header()
		n, err := strconv.Atoi(h.ID)
		if err != nil || n <= prev {
			t.Fatalf("message %d: id %q after %d", i, h.ID, prev)
		}
		prev = n
		at[h.ID] = i
		if a, ok := m.(*types.RESTAction); ok && (a.Data.Action == types.ActionKicked || a.Data.Action == types.ActionBanned) {
			removed[h.Receiver+"/"+a.Data.Entities.On.User().UID] = h.SentAt
		}
	}
	reported := map[string]types.MemberAction{}
	counts := map[types.MemberAction]int{}
	for _, m := range msgs {
		a, ok := m.(*types.RESTAction)
		if !ok || a.Type != types.ActionMessage {
			continue
		}
		counts[a.Data.Action]++
		on := a.Data.Entities.On
		if on == nil || on.EntityType != types.EntityMessage {
			t.Fatalf("action %s: on %+v is no message", a.ID, on)
		}
		entity, ok := on.Entity.(*types.RESTTextMessage)
		if !ok {
			t.Fatalf("action %s is on a %T, not a text message", a.ID, on.Entity)
		}
		i, listed := at[entity.ID]
		if !listed || i >= at[a.ID] {
			t.Fatalf("action %s is on message %s, which is not listed before it", a.ID, entity.ID)
		}
		if _, twice := reported[entity.ID]; twice {
			t.Errorf("message %s is changed twice", entity.ID)
		}
		reported[entity.ID] = a.Data.Action
		target := msgs[i].(*types.RESTTextMessage)
		// The entity is the message as listed.
		got, _ := json.Marshal(entity)
		want, _ := json.Marshal(target)
		if !bytes.Equal(got, want) {
			t.Errorf("action %s: the entity\n%s\nis not the listed message\n%s", a.ID, got, want)
		}
		var when types.Timestamp
		var by string
		switch a.Data.Action {
		case types.ActionEdited:
			when, by = target.EditedAt, target.EditedBy
			if target.Data.Text == "" || target.DeletedAt != 0 {
				t.Errorf("edited message %s has no text, or is deleted", target.ID)
			}
		case types.ActionDeleted:
			when, by = target.DeletedAt, target.DeletedBy
			if target.Data.Text != "" || target.EditedAt != 0 {
				t.Errorf("deleted message %s still has its text %q, or an edit", target.ID, target.Data.Text)
			}
		default:
			t.Fatalf("action %s of type message is %s", a.ID, a.Data.Action)
		}
		if when != a.SentAt || target.UpdatedAt != a.SentAt || when <= target.SentAt {
			t.Errorf("message %s sent at %d, %s at %d (updatedAt %d), reported at %d", target.ID, target.SentAt, a.Data.Action, when, target.UpdatedAt, a.SentAt)
		}
		if by != target.Sender || a.Sender != target.Sender || a.Data.Entities.By.User().UID != target.Sender {
			t.Errorf("message %s of %s: %s by %s, reported by %s", target.ID, target.Sender, a.Data.Action, by, a.Sender)
		}
		if a.Receiver != target.Receiver || a.ReceiverType != target.ReceiverType || a.ConversationID != target.ConversationID {
			t.Errorf("action %s to %s %s in %s; message %s to %s %s in %s", a.ID, a.ReceiverType, a.Receiver, a.ConversationID,
				target.ID, target.ReceiverType, target.Receiver, target.ConversationID)
		}
		switch f := a.Data.Entities.For; target.ReceiverType {
		case types.ReceiverGroup:
			if f.Group() == nil || f.Group().GUID != target.Receiver {
				t.Errorf("action %s is not for group %s", a.ID, target.Receiver)
			}
			if gone, ok := removed[target.Receiver+"/"+target.Sender]; ok && gone <= a.SentAt {
				t.Errorf("message %s: %s %s it after leaving %s", target.ID, target.Sender, a.Data.Action, target.Receiver)
			}
		default:
			if f.User() == nil || f.User().UID != target.Receiver {
				t.Errorf("action %s is not for user %s", a.ID, target.Receiver)
			}
		}
	}
	for _, m := range msgs {
		w := wireFields(m)
		if (w.EditedAt != 0 || w.DeletedAt != 0) && reported[m.Header().ID] == "" {
			t.Errorf("message %s is changed, and no action says so", m.Header().ID)
		}
	}
	if counts[types.ActionEdited] == 0 || counts[types.ActionDeleted] == 0 {
		t.Errorf("edits and deletions: %v", counts)
	}
}

func wireFields(m types.Message) types.WireFields {
	switch x := m.(type) {
	case *types.RESTTextMessage:
		return x.WireFields
	case *types.RESTMediaMessage:
		return x.WireFields
	case *types.RESTCustomMessage:
		return x.WireFields
	case *types.RESTAction:
		return x.WireFields
	case *types.RESTCall:
		return x.WireFields
	}
	return types.WireFields{}
}

func TestWorldConversations(t *testing.T) {
	_, dir := world(t)
	msgs := messagesOf(t, dir)
	var users struct{ Data []types.User }
	var groups struct{ Data []types.Group }
	var convs struct{ Data []types.Conversation }
	read(t, filepath.Join(dir, "users.json"), &users)
	read(t, filepath.Join(dir, "groups.json"), &groups)
	read(t, filepath.Join(dir, "conversations.json"), &convs)
	me := users.Data[0].UID
	mine := map[string]types.GroupMember{} // by guid
	for _, gr := range groups.Data {
		var ms struct{ Data []types.GroupMember }
		read(t, filepath.Join(dir, "members", gr.GUID+".json"), &ms)
		for _, m := range ms.Data {
			if m.UID == me {
				mine[gr.GUID] = m
			}
		}
	}
	// The conversations, from the messages: the first user's, and the
	// groups' they are in.
	want := map[string][]types.Message{}
	for _, m := range msgs {
		h := m.Header()
		var id string
		switch {
		case h.ReceiverType == types.ReceiverGroup:
			if _, ok := mine[h.Receiver]; ok {
				id = "group_" + h.Receiver
			}
		case m.SenderID() == me || h.Receiver == me:
			ids := []string{m.SenderID(), h.Receiver}
			sort.Strings(ids)
			id = ids[0] + "_user_" + ids[1]
		}
		if id != "" {
			want[id] = append(want[id], m)
		}
	}
	kinds := map[types.ReceiverType]int{}
	for i, c := range convs.Data {
		kinds[c.ConversationType]++
		ms, ok := want[c.ConversationID]
		if !ok {
			t.Errorf("conversation %s is not one of %s's", c.ConversationID, me)
			continue
		}
		delete(want, c.ConversationID)
		first, last := ms[0].Header(), ms[len(ms)-1].Header()
		if c.LastMessage == nil || c.LastMessage.Document.(types.Message).Header().ID != last.ID || c.LatestMessageID != last.ID {
			t.Errorf("conversation %s: lastMessage %v, latestMessageId %s, want message %s", c.ConversationID, c.LastMessage, c.LatestMessageID, last.ID)
		}
		if c.CreatedAt != first.SentAt || c.UpdatedAt != last.SentAt {
			t.Errorf("conversation %s: created %d, updated %d; messages from %d to %d", c.ConversationID, c.CreatedAt, c.UpdatedAt, first.SentAt, last.SentAt)
		}
		if i > 0 && convs.Data[i-1].UpdatedAt < c.UpdatedAt {
			t.Errorf("conversation %s comes after an older one", c.ConversationID)
		}
		// Read up to the last message of one's own; in a group, unread
		// from one's joining.
		var joined types.Timestamp
		if c.ConversationType == types.ReceiverGroup {
			g := c.ConversationWith.Group
			m := mine[first.Receiver]
			if g == nil || g.GUID != first.Receiver || g.Scope != m.Scope || g.JoinedAt != m.JoinedAt || g.HasJoined == nil || !*g.HasJoined {
				t.Errorf("conversation %s is with %+v", c.ConversationID, c.ConversationWith)
			}
			joined = m.JoinedAt
		} else {
			other := ms[0].SenderID()
			if other == me {
				other = first.Receiver
			}
			if u := c.ConversationWith.User; u == nil || u.UID != other || u.ConversationID != c.ConversationID {
				t.Errorf("conversation %s is with %+v, not %s", c.ConversationID, c.ConversationWith, other)
			}
		}
		unread, read := 0, ""
		for _, m := range ms {
			switch {
			case m.SenderID() == me:
				unread, read = 0, m.Header().ID
			case m.Header().SentAt >= joined:
				unread++
			}
		}
		if c.UnreadMessageCount == nil || int(*c.UnreadMessageCount) != unread || c.LastReadMessageID != read {
			t.Errorf("conversation %s: %v unread after %q, want %d after %q", c.ConversationID, c.UnreadMessageCount, c.LastReadMessageID, unread, read)
		}
	}
	for id := range want {
		t.Errorf("conversation %s is missing", id)
	}
	if kinds[types.ReceiverUser] == 0 || kinds[types.ReceiverGroup] == 0 {
		t.Errorf("conversations of each type: %v", kinds)
	}
}

func TestWorldReadsBackAsWritten(t *testing.T) {
	w, dir := world(t)
	back, err := generate.ReadWorld(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Conversations) == 0 || len(back.Conversations) != len(w.Conversations) {
		t.Fatalf("read %d conversations, of %d", len(back.Conversations), len(w.Conversations))
	}
	again := t.TempDir()
	if err := back.Write(again); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"users.json", "groups.json", "messages.json", "conversations.json"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(again, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s changes when read back and written again", name)
		}
	}
	// A world written before conversations were: they are derived.
	os.Remove(filepath.Join(dir, "conversations.json"))
	old, err := generate.ReadWorld(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(old.Conversations)
	b, _ := json.Marshal(w.Conversations)
	if !bytes.Equal(a, b) {
		t.Errorf("derived conversations differ from the written ones")
	}
}
