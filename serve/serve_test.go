package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/fetch"
	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/serve"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func world(t *testing.T) *generate.World {
	t.Helper()
	g, err := generate.New(generate.Options{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	w, err := g.World(23, 4, 150)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func start(t *testing.T, opts serve.Options) (*serve.Server, string) {
	t.Helper()
	s, err := serve.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs.URL
}

// check fetches every page of url and validates each document, returning
// the verdicts.
func check(t *testing.T, url string, profile types.Profile) []validate.Verdict {
	t.Helper()
	v, err := validate.New(validate.Options{Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	var out []validate.Verdict
	err = fetch.New(fetch.Options{}).Pages(context.Background(), url, func(p fetch.Page) error {
		return v.Stream(context.Background(), validate.Input{Name: p.URL, R: bytes.NewReader(p.Body), Page: p.Number},
			func(vd validate.Verdict) error { out = append(out, vd); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ids returns the uid, guid or id of each verdict's document, fetched again
// by its location: here, by counting.
func collections(w *generate.World, base string) map[string]int {
	c := map[string]int{
		base + "/v3/users?perPage=5":         len(w.Users),
		base + "/v3/groups?perPage=3":        len(w.Groups),
		base + "/v3/messages?limit=17":       len(w.Messages),
		base + "/v3/conversations?perPage=3": len(w.Conversations),
	}
	for guid, ms := range w.Members {
		c[base+"/v3/groups/"+guid+"/members?perPage=2"] = len(ms)
	}
	return c
}

func TestEveryEndpointConforms(t *testing.T) {
	w := world(t)
	_, base := start(t, serve.Options{World: w})
	for url, want := range collections(w, base) {
		vds := check(t, url, "")
		if len(vds) != want {
			t.Errorf("%s: %d documents, want %d (every document once, over every page)", url, len(vds), want)
		}
		pages := map[int]bool{}
		for _, vd := range vds {
			pages[vd.Location.Page] = true
			if !vd.OK() {
				t.Errorf("%s: %v", vd.Location, vd.Violations)
			}
		}
		if want > 5 && len(pages) < 2 {
			t.Errorf("%s: all on one page; the test means to cross pages", url)
		}
	}
	// Each single-document endpoint, for one of each.
	singles := []string{"/v3/users/" + w.Users[3].UID, "/v3/groups/" + w.Groups[1].GUID, "/v3/messages/" + w.Messages[42].Header().ID}
	singles = append(singles, conversationPaths(t, w)...)
	for _, path := range singles {
		vds := check(t, base+path, "")
		if len(vds) != 1 || !vds[0].OK() {
			t.Errorf("%s: %+v", path, vds)
		}
	}
}

// conversationPaths returns the paths of the first one-to-one and the first
// group conversation of w, each by its user's or group's endpoint.
func conversationPaths(t *testing.T, w *generate.World) []string {
	t.Helper()
	var user, group string
	for _, c := range w.Conversations {
		switch with := c.ConversationWith; {
		case with.User != nil && user == "":
			user = "/v3/users/" + with.User.UID + "/conversation"
		case with.Group != nil && group == "":
			group = "/v3/groups/" + with.Group.GUID + "/conversation"
		}
	}
	if user == "" || group == "" {
		t.Fatalf("the world has no conversation with a user, or none in a group: %q %q", user, group)
	}
	return []string{user, group}
}

// TestConversations checks the conversation endpoints: the list, in the
// world's order, and each conversation on its user's or group's endpoint,
// as an array of one.
func TestConversations(t *testing.T) {
	w := world(t)
	_, base := start(t, serve.Options{World: w})
	var list []string
	err := fetch.New(fetch.Options{}).Pages(context.Background(), base+"/v3/conversations?perPage=4", func(p fetch.Page) error {
		var env struct{ Data []types.Conversation }
		if err := json.Unmarshal(p.Body, &env); err != nil {
			return err
		}
		for _, c := range env.Data {
			list = append(list, c.ConversationID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(w.Conversations) || len(list) == 0 {
		t.Fatalf("%d conversations listed, of %d", len(list), len(w.Conversations))
	}
	for i, c := range w.Conversations {
		if list[i] != c.ConversationID {
			t.Errorf("conversation %d is %s, want %s", i, list[i], c.ConversationID)
		}
		path := "/v3/groups/" + c.ConversationID[len("group_"):] + "/conversation"
		if c.ConversationWith.User != nil {
			path = "/v3/users/" + c.ConversationWith.User.UID + "/conversation"
		}
		status, body := get(t, base+path, nil)
		var env struct{ Data []types.Conversation }
		if err := json.Unmarshal([]byte(body), &env); status != 200 || err != nil || len(env.Data) != 1 || env.Data[0].ConversationID != c.ConversationID {
			t.Errorf("%s: %d %.200s; want an array of conversation %s", path, status, body, c.ConversationID)
		}
	}
	// The requesting user has no conversation with themselves; a group
	// they are not in has none either.
	none := []string{"/v3/users/" + w.Users[0].UID + "/conversation"}
	for _, g := range w.Groups {
		in := false
		for _, c := range w.Conversations {
			in = in || c.ConversationID == "group_"+g.GUID
		}
		if !in {
			none = append(none, "/v3/groups/"+g.GUID+"/conversation")
		}
	}
	for _, path := range none {
		status, body := get(t, base+path, nil)
		if status != 404 || !strings.Contains(body, `"code":"ERR_CONVERSATION_NOT_FOUND"`) {
			t.Errorf("%s: %d %s; want 404 ERR_CONVERSATION_NOT_FOUND", path, status, body)
		}
	}
}

// TestMessagesInOrder checks the cursor: every message once, in the world's
// order, whatever the page size.
func TestMessagesInOrder(t *testing.T) {
	w := world(t)
	_, base := start(t, serve.Options{World: w})
	for _, limit := range []int{1, 7, 100, 1000} {
		var ids []string
		err := fetch.New(fetch.Options{}).Pages(context.Background(), fmt.Sprintf("%s/v3/messages?limit=%d", base, limit), func(p fetch.Page) error {
			var env struct {
				Data []struct {
					ID string `json:"id"`
				} `json:"data"`
			}
			if err := json.Unmarshal(p.Body, &env); err != nil {
				return err
			}
			for _, d := range env.Data {
				ids = append(ids, d.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != len(w.Messages) {
			t.Fatalf("limit %d: %d messages, want %d", limit, len(ids), len(w.Messages))
		}
		for i, id := range ids {
			if id != w.Messages[i].Header().ID {
				t.Fatalf("limit %d: message %d is %s, want %s", limit, i, id, w.Messages[i].Header().ID)
			}
		}
	}
}

func get(t *testing.T, url string, header http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestErrorsAreTheAPIs(t *testing.T) {
	w := world(t)
	_, base := start(t, serve.Options{World: w, APIKey: "k3y"})
	key := http.Header{"Apikey": {"k3y"}}
	cases := []struct {
		path   string
		header http.Header
		status int
		code   string
	}{
		{"/v3/users", nil, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"/v3/users", http.Header{"Apikey": {"wrong"}}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"/v3/users", key, 200, ""},
		{"/v3/users/nobody", key, 404, "ERR_UID_NOT_FOUND"},
		{"/v3/groups/nogroup", key, 404, "ERR_GUID_NOT_FOUND"},
		{"/v3/groups/nogroup/members", key, 404, "ERR_GUID_NOT_FOUND"},
		{"/v3/messages/999999999", key, 404, "ERR_MESSAGE_NOT_FOUND"},
		{"/v3/users?page=0", key, 400, "ERR_BAD_REQUEST"},
		{"/v3/users?perPage=abc", key, 400, "ERR_BAD_REQUEST"},
		{"/v3/messages?limit=0", key, 400, "ERR_BAD_REQUEST"},
		{"/v3/messages?id=nope", key, 400, "ERR_BAD_REQUEST"},
		{"/v3/users/nobody/conversation", key, 404, "ERR_UID_NOT_FOUND"},
		{"/v3/groups/nogroup/conversation", key, 404, "ERR_GUID_NOT_FOUND"},
		{"/v3/calls", key, 404, "ERR_ROUTE_NOT_FOUND"},
		{"/", key, 404, "ERR_ROUTE_NOT_FOUND"},
	}
	for _, c := range cases {
		status, body := get(t, base+c.path, c.header)
		if status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.path, status, c.status, body)
		}
		if c.code != "" && !strings.Contains(body, `"code":"`+c.code+`"`) {
			t.Errorf("%s: body %s, want error code %s", c.path, body, c.code)
		}
	}
	// A page past the end is empty, with the pagination still right.
	_, body := get(t, base+"/v3/users?page=99&perPage=10", key)
	if !strings.Contains(body, `"data":[]`) || !strings.Contains(body, `"current_page":99`) || !strings.Contains(body, `"total_pages":3`) {
		t.Errorf("page past the end: %s", body)
	}
	resp, err := http.Post(base+"/v3/users", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("POST without a key: %d, want 401", resp.StatusCode)
	}
}

// TestFaultsAreFoundAndLogged checks that every injected fault is found,
// with its labelled rule, and that the log names each.
func TestFaultsAreFoundAndLogged(t *testing.T) {
	w := world(t)
	var log bytes.Buffer
	s, base := start(t, serve.Options{World: w, Seed: 10, Faults: 0.2, Log: &log})
	faults := s.Faults()
	if len(faults) < 20 {
		t.Fatalf("%d faults at a rate of 0.2; want a fair share of %d documents", len(faults), len(w.Users)+len(w.Groups)+len(w.Messages))
	}
	if n := strings.Count(log.String(), "fault: "); n != len(faults) {
		t.Errorf("the log names %d faults, the server injected %d", n, len(faults))
	}
	invalid := 0
	rules := map[string]int{}
	for url := range collections(w, base) {
		for _, vd := range check(t, url, types.ProfileREST) {
			if !vd.OK() {
				invalid++
				for _, v := range vd.Violations {
					rules[v.Rule]++
				}
			}
		}
	}
	if invalid != len(faults) {
		t.Errorf("%d documents invalid, %d faults injected", invalid, len(faults))
	}
	// A broken conversation is broken on its own endpoint too.
	broken := 0
	for _, f := range faults {
		if f.Collection != "/v3/conversations" {
			continue
		}
		for _, c := range w.Conversations {
			if c.ConversationID != f.ID {
				continue
			}
			path := "/v3/groups/" + f.ID[len("group_"):] + "/conversation"
			if c.ConversationWith.User != nil {
				path = "/v3/users/" + c.ConversationWith.User.UID + "/conversation"
			}
			vds := check(t, base+path, types.ProfileREST)
			if len(vds) != 1 || vds[0].OK() {
				t.Errorf("%s: %+v, want the fault %s", path, vds, f)
			}
			broken++
		}
	}
	// At this rate a small world may break no conversation; every fault
	// of a conversation is checked in TestEveryConversationFaultIsFound.
	t.Logf("%d broken conversations checked on their own endpoints", broken)
	want := map[string]int{}
	for _, f := range faults {
		want[f.Rule]++
	}
	for rule, n := range want {
		if rules[rule] < n {
			t.Errorf("rule %s: %d violations, want at least %d (%v)", rule, rules[rule], n, rules)
		}
	}
	// The same seed breaks the same documents.
	again, _ := serve.New(serve.Options{World: w, Seed: 10, Faults: 0.2})
	if fmt.Sprint(again.Faults()) != fmt.Sprint(faults) {
		t.Error("the same seed and rate broke different documents")
	}
}

// TestEveryConversationFaultIsFound breaks every document, and checks that
// validate finds the fault of each conversation, on the list and on the
// conversation's own endpoint.
func TestEveryConversationFaultIsFound(t *testing.T) {
	w := world(t)
	s, base := start(t, serve.Options{World: w, Seed: 3, Faults: 1})
	want := map[string]serve.Fault{}
	for _, f := range s.Faults() {
		if f.Collection != "/v3/conversations" {
			continue
		}
		want[f.ID] = f
	}
	if len(want) == 0 {
		t.Fatal("no conversation broken at a rate of 1")
	}
	// The list holds the world's conversations in order.
	vds := check(t, base+"/v3/conversations", types.ProfileREST)
	if len(vds) != len(w.Conversations) {
		t.Fatalf("%d conversations listed, of %d", len(vds), len(w.Conversations))
	}
	for i, vd := range vds {
		if f, ok := want[w.Conversations[i].ConversationID]; ok && vd.OK() {
			t.Errorf("conversation %s: the fault %s is not found", f.ID, f)
		}
	}
}

func TestWorldFromDirectory(t *testing.T) {
	w := world(t)
	dir := t.TempDir()
	if err := w.Write(dir); err != nil {
		t.Fatal(err)
	}
	read, err := generate.ReadWorld(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, a := start(t, serve.Options{World: w})
	_, b := start(t, serve.Options{World: read})
	for _, path := range append([]string{"/v3/users", "/v3/groups", "/v3/messages?limit=1000", "/v3/groups/" + w.Groups[0].GUID + "/members",
		"/v3/conversations"}, conversationPaths(t, w)...) {
		_, x := get(t, a+path, nil)
		_, y := get(t, b+path, nil)
		if x != y {
			t.Errorf("%s differs between the world and the world read back from its directory", path)
		}
	}
	if _, err := generate.ReadWorld(t.TempDir()); err == nil || !strings.Contains(err.Error(), "generate world") {
		t.Errorf("an empty directory: %v, want an error that says what a world directory is", err)
	}
}

func TestBadOptions(t *testing.T) {
	if _, err := serve.New(serve.Options{}); err == nil {
		t.Error("no world: no error")
	}
	if _, err := serve.New(serve.Options{World: world(t), Faults: 1.5}); err == nil {
		t.Error("a fault rate of 1.5: no error")
	}
}

// do sends a request with method and header, and returns the response and
// its body.
func do(t *testing.T, method, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestRoutes checks the routing: another method on an endpoint is a 405
// that says which methods it takes, a path that is no endpoint a 404
// whatever the method, and ids are whole path segments, decoded.
func TestRoutes(t *testing.T) {
	w := world(t)
	_, base := start(t, serve.Options{World: w, APIKey: "k3y"})
	key := http.Header{"Apikey": {"k3y"}}
	guid := w.Groups[0].GUID
	cases := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"POST", "/v3/users", 405, "ERR_METHOD_NOT_ALLOWED", "GET, HEAD"},
		{"DELETE", "/v3/users/" + w.Users[0].UID, 405, "ERR_METHOD_NOT_ALLOWED", "GET, HEAD"},
		{"PUT", "/v3/groups/" + guid + "/members", 405, "ERR_METHOD_NOT_ALLOWED", "GET, HEAD"},
		{"OPTIONS", "/v3/messages", 405, "ERR_METHOD_NOT_ALLOWED", "GET, HEAD"},
		{"POST", "/v3/conversations", 405, "ERR_METHOD_NOT_ALLOWED", "GET, HEAD"},
		{"POST", "/v3/calls", 404, "ERR_ROUTE_NOT_FOUND", ""},
		{"GET", "/v3/users/" + w.Users[0].UID + "/friends", 404, "ERR_ROUTE_NOT_FOUND", ""},
		{"GET", "/v3/users/a%2Fb", 404, "ERR_UID_NOT_FOUND", ""},
		{"GET", "/v3/users/", 200, "", ""},
		{"GET", "/v3/groups/" + guid + "/members/", 200, "", ""},
		{"HEAD", "/v3/messages/" + w.Messages[0].Header().ID, 200, "", ""},
	}
	for _, c := range cases {
		resp, body := do(t, c.method, base+c.path, key)
		if resp.StatusCode != c.status {
			t.Errorf("%s %s: status %d, want %d (%s)", c.method, c.path, resp.StatusCode, c.status, body)
		}
		if c.code != "" && !strings.Contains(body, `"code":"`+c.code+`"`) {
			t.Errorf("%s %s: body %s, want the API's error with code %s", c.method, c.path, body, c.code)
		}
		if got := resp.Header.Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	if _, body := do(t, "GET", base+"/v3/users/a%2Fb", key); !strings.Contains(body, "uid a/b does") {
		t.Errorf("an escaped slash in a uid: %s; want the uid decoded, whole", body)
	}
}

// TestCORS checks that a browser page of another origin can call the
// server: the preflight is answered without the apikey, with the headers
// the page asked for, and every answer, errors included, may be read.
func TestCORS(t *testing.T) {
	w := world(t)
	_, base := start(t, serve.Options{World: w, APIKey: "k3y", CORS: true})
	const origin = "http://app.example:3000"
	pre := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {"GET"},
		"Access-Control-Request-Headers": {"apikey,appid, X-Trace-Id"}}
	resp, body := do(t, "OPTIONS", base+"/v3/users/"+w.Users[0].UID, pre)
	h := resp.Header
	if resp.StatusCode != 204 || body != "" {
		t.Fatalf("preflight: %d %q, want 204 and no body", resp.StatusCode, body)
	}
	if h.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") ||
		h.Get("Access-Control-Max-Age") == "" || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("preflight headers: %v", h)
	}
	allowed := map[string]bool{}
	for _, name := range strings.Split(h.Get("Access-Control-Allow-Headers"), ",") {
		allowed[strings.TrimSpace(name)] = true
	}
	for _, name := range []string{"apikey", "appid", "authtoken", "content-type", "x-trace-id"} {
		if !allowed[name] {
			t.Errorf("preflight: %s not in Access-Control-Allow-Headers %q", name, h.Get("Access-Control-Allow-Headers"))
		}
	}

	for _, c := range []struct {
		method string
		header http.Header
		status int
		origin string
		expose string
	}{
		{"GET", http.Header{"Origin": {origin}, "Apikey": {"k3y"}}, 200, origin, ""},
		{"GET", http.Header{"Origin": {origin}}, 401, origin, ""},
		{"POST", http.Header{"Origin": {origin}, "Apikey": {"k3y"}}, 405, origin, "Allow"},
		{"GET", http.Header{"Apikey": {"k3y"}}, 200, "*", ""},
	} {
		resp, body := do(t, c.method, base+"/v3/users", c.header)
		h := resp.Header
		if resp.StatusCode != c.status || h.Get("Access-Control-Allow-Origin") != c.origin || h.Get("Access-Control-Expose-Headers") != c.expose {
			t.Errorf("%s with %v: %d, Allow-Origin %q, Expose-Headers %q; want %d, %q, %q (%s)", c.method, c.header, resp.StatusCode,
				h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Expose-Headers"), c.status, c.origin, c.expose, body)
		}
		if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Errorf("%s with %v: Vary %q; the answer depends on Origin", c.method, c.header, h.Values("Vary"))
		}
	}

	// Without CORS a preflight is a request like any other.
	_, plain := start(t, serve.Options{World: w, APIKey: "k3y"})
	resp, _ = do(t, "OPTIONS", plain+"/v3/users", pre)
	if resp.StatusCode != 401 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("without CORS, a preflight: %d with Allow-Origin %q; want 401 and none", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}
