package generate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/internal/npmtest"
	"github.com/ccconform/ccconform/types"
)

// TestSDKViewMatchesSDK feeds generated rest documents of every kind to the
// official 4.x SDK (@cometchat/chat-sdk-javascript 4.2.0, installed from npm
// into a temporary folder, never committed) through
// testdata/sdk-inventory.js, and checks that the sdk profile's document of
// the same seed and index is what the SDK wrote: the same keys and values
// (key order aside). Messages are compared with
// CometChatHelper.processMessage, the others with the SDK's list requests.
func TestSDKViewMatchesSDK(t *testing.T) {
	node := npmtest.Command(t, "node")
	dir := t.TempDir()
	npmtest.Install(t, dir, "@cometchat/chat-sdk-javascript@4.2.0")
	n := 60
	if testing.Short() {
		n = 15
	}
	helper := map[types.Kind]string{types.KindUser: "UsersRequest.fetchNext", types.KindGroup: "GroupsRequest.fetchNext",
		types.KindGroupMember: "GroupMembersRequest.fetchNext", types.KindConversation: "ConversationsRequest.fetchNext"}
	type item struct {
		kind types.Kind
		want []byte
	}
	var items []item
	var input bytes.Buffer
	for _, k := range types.Kinds() {
		for i := 0; i < n; i++ {
			opts := generate.Options{Seed: 23, Profile: types.ProfileREST, Optional: generate.Optional(i % 3)}
			rest, _ := generate.New(opts)
			opts.Profile = types.ProfileSDK
			sdk, _ := generate.New(opts)
			b, _ := json.Marshal(rest.Document(k, i))
			fmt.Fprintf(&input, "{\"kind\":%q,\"doc\":%s}\n", inventoryKind(k), b)
			want, _ := json.Marshal(sdk.Document(k, i))
			items = append(items, item{k, want})
		}
	}
	out := runSDKScript(t, node, dir, "sdk-inventory.js", input.Bytes(), dir)
	got := map[int]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var line struct {
			Line   int            `json:"line"`
			Helper string         `json:"helper"`
			Object map[string]any `json:"object"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		k := items[line.Line-1].kind
		want := "CometChatHelper.processMessage"
		if h, ok := helper[k]; ok {
			want = h
		}
		if line.Helper == want {
			got[line.Line] = line.Object
		}
	}
	for i, it := range items {
		sdkObj, ok := got[i+1]
		if !ok {
			t.Errorf("%s #%d: the SDK made nothing", it.kind, i)
			continue
		}
		var mine map[string]any
		json.Unmarshal(it.want, &mine)
		if it.kind == types.KindGroupMember {
			// The SDK writes the guid the request was made for.
			sdkObj["guid"] = mine["guid"]
		}
		if it.kind == types.KindConversation {
			// The model cannot write 4.x's empty ids and null count.
			for _, k := range []string{"lastReadMessageId", "latestMessageId"} {
				if sdkObj[k] == "" {
					delete(sdkObj, k)
				}
			}
			if v, ok := sdkObj["unreadMessageCount"]; ok && v == nil {
				delete(sdkObj, "unreadMessageCount")
			}
		}
		if !reflect.DeepEqual(mine, sdkObj) {
			t.Errorf("%s #%d: the sdk profile differs from the SDK's object at %v\nmine: %s\nSDK:  %s",
				it.kind, i, diffKeys(mine, sdkObj), it.want, must(json.Marshal(sdkObj)))
		}
	}
}

func inventoryKind(k types.Kind) string {
	if k.IsMessage() {
		return "message"
	}
	return string(k)
}

func must(b []byte, _ error) []byte { return b }

// diffKeys lists the top-level keys whose values differ.
func diffKeys(a, b map[string]any) []string {
	var out []string
	for k := range a {
		if !reflect.DeepEqual(a[k], b[k]) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
