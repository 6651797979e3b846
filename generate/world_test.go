package generate_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
	if len(files) != 3 || len(members) != 6 {
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
			if on := x.Data.Entities.On; on != nil {
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
