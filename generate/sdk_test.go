package generate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/internal/npmtest"
	"github.com/ccconform/ccconform/types"
)

// sdkDecoded is what testdata/sdk-decode.js prints for one message.
type sdkDecoded struct {
	Class         *string        `json:"class"`
	Error         string         `json:"error"`
	ID            string         `json:"id"`
	Category      string         `json:"category"`
	Type          string         `json:"type"`
	ReceiverType  string         `json:"receiverType"`
	SentAt        int64          `json:"sentAt"`
	Sender        string         `json:"sender"`
	Receiver      string         `json:"receiver"`
	Text          string         `json:"text"`
	URL           string         `json:"url"`
	AttachmentURL string         `json:"attachmentURL"`
	CustomData    map[string]any `json:"customData"`
	Action        string         `json:"action"`
	ActionBy      string         `json:"actionBy"`
	ActionOn      string         `json:"actionOn"`
	ActionFor     string         `json:"actionFor"`
	ActionOnClass *string        `json:"actionOnClass"`
	EditedAt      int64          `json:"actionOnEditedAt"`
	DeletedAt     int64          `json:"actionOnDeletedAt"`
	OnText        *string        `json:"actionOnText"`
	Conversation  string         `json:"conversationId"`
	SessionID     string         `json:"sessionId"`
	Status        string         `json:"status"`
	CallInitiator string         `json:"callInitiator"`
	CallReceiver  string         `json:"callReceiver"`
}

// TestSDKDecodes feeds generated rest-profile messages of every kind to the
// official CometChat JS SDK (@cometchat-pro/chat 3.0.13, installed from npm
// into a temporary folder, never committed: its licence is proprietary) and
// checks that each decodes to the expected class with its fields intact.
func TestSDKDecodes(t *testing.T) {
	node := npmtest.Command(t, "node")
	dir := t.TempDir()
	npmtest.Install(t, dir, "@cometchat-pro/chat@3.0.13")
	n := 200
	if testing.Short() {
		n = 40
	}
	var docs []types.Message
	var input bytes.Buffer
	for _, k := range []types.Kind{types.KindTextMessage, types.KindMediaMessage, types.KindCustomMessage, types.KindAction, types.KindCall} {
		for i := 0; i < n; i++ {
			g, _ := generate.New(generate.Options{Seed: 21, Profile: types.ProfileREST, Optional: generate.Optional(i % 3)})
			d := g.Document(k, i).(types.Message)
			b, _ := json.Marshal(d)
			input.Write(b)
			input.WriteByte('\n')
			docs = append(docs, d)
		}
	}
	out := runSDKScript(t, node, dir, "sdk-decode.js", input.Bytes())
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var got sdkDecoded
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if i < len(docs) {
			checkSDK(t, docs[i], got)
		}
	}
	if i != len(docs) {
		t.Fatalf("the SDK answered %d of %d messages", i, len(docs))
	}
	edits := 0
	for _, d := range docs {
		if a, ok := d.(*types.RESTAction); ok && a.Type == types.ActionMessage {
			edits++
		}
	}
	if edits == 0 {
		t.Error("no edit or deletion among the actions: the test checks none")
	}
}

func checkSDK(t *testing.T, d types.Message, got sdkDecoded) {
	t.Helper()
	h := d.Header()
	where := string(d.Kind()) + " " + h.ID
	class := map[types.Kind]string{types.KindTextMessage: "TextMessage", types.KindMediaMessage: "MediaMessage",
		types.KindCustomMessage: "CustomMessage", types.KindAction: "Action", types.KindCall: "Call"}[d.Kind()]
	if got.Class == nil || *got.Class != class {
		t.Errorf("%s: the SDK made %v (%s), want a %s", where, got.Class, got.Error, class)
		return
	}
	want := sdkDecoded{Class: got.Class, ID: h.ID, Category: string(h.Category), ReceiverType: string(h.ReceiverType),
		SentAt: int64(h.SentAt), Receiver: h.Receiver}
	switch x := d.(type) {
	case *types.RESTTextMessage:
		want.Type, want.Sender, want.Text = string(x.Type), x.Sender, x.Data.Text
	case *types.RESTMediaMessage:
		want.Type, want.Sender, want.URL, want.AttachmentURL = string(x.Type), x.Sender, x.Data.URL, x.Data.Attachments[0].URL
	case *types.RESTCustomMessage:
		want.Type, want.Sender = x.Type, x.Sender
		b, _ := json.Marshal(x.Data.CustomData)
		json.Unmarshal(b, &want.CustomData)
	case *types.RESTAction:
		want.Type, want.Sender, want.Action = string(x.Type), x.Sender, string(x.Data.Action)
		want.ActionBy = x.Data.Entities.By.User().UID
		if g := x.Data.Entities.For.Group(); g != nil {
			want.ActionFor = g.GUID
		} else {
			want.ActionFor = x.Data.Entities.For.User().UID
		}
		on := x.Data.Entities.On
		switch {
		case on.User() != nil:
			want.ActionOn, want.ActionOnClass = on.User().UID, got.ActionOnClass
		case on != nil:
			// An edit or a deletion: the SDK decodes the message itself,
			// with its edit or deletion time, and a deleted one has no
			// text.
			m := on.Entity.(types.Message)
			class := map[types.Kind]string{types.KindTextMessage: "TextMessage", types.KindMediaMessage: "MediaMessage",
				types.KindCustomMessage: "CustomMessage", types.KindAction: "Action", types.KindCall: "Call"}[m.Kind()]
			want.ActionOn, want.ActionOnClass = m.Header().ID, &class
			w := wireOf(m)
			want.EditedAt, want.DeletedAt = w.EditedAt, w.DeletedAt
			if t, ok := m.(*types.RESTTextMessage); ok && x.Data.Action == types.ActionEdited {
				want.OnText = &t.Data.Text
			}
			if x.Data.Action == types.ActionDeleted && got.OnText != nil && *got.OnText != "" {
				t.Errorf("%s: the SDK kept text %q on a deleted message", where, *got.OnText)
			}
		}
		if x.Data.Action == types.ActionDeleted {
			got.OnText = nil
		}
	case *types.RESTCall:
		want.Type, want.Sender, want.Action = string(x.Type), x.Sender, string(x.Data.Action)
		want.SessionID, want.Status = x.Data.Entities.On.Call().SessionID, string(x.Data.Entities.On.Call().Status)
		want.CallInitiator, want.CallReceiver = x.Sender, h.Receiver
	}
	want.Conversation = wireOf(d).ConversationID
	if d.Kind() != types.KindAction {
		got.ActionOnClass, got.OnText = nil, nil
	}
	// Fields the SDK has no getter for on this class come back empty;
	// compare what the class has.
	got.Error = ""
	if d.Kind() != types.KindCall {
		got.Status = ""
	}
	if d.Kind() != types.KindAction && d.Kind() != types.KindCall {
		got.Action = ""
	}
	if !reflect.DeepEqual(got, want) {
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		t.Errorf("%s: the SDK read\n  %s\nwant\n  %s", where, gb, wb)
	}
}

// wire is what every rest message carries beside its header, as a test
// outside the package reads it.
type wire struct {
	ConversationID string `json:"conversationId"`
	EditedAt       int64  `json:"editedAt"`
	DeletedAt      int64  `json:"deletedAt"`
}

func wireOf(m types.Message) wire {
	var w wire
	b, _ := json.Marshal(m)
	json.Unmarshal(b, &w)
	return w
}
