// Package serve answers the read endpoints of CometChat's REST API v3 from a
// generated world: the users, groups, members, messages and conversations,
// in the same envelopes and with the same pagination as the real API. Some documents can
// carry one known conformance fault each, so that a pipeline can prove it
// notices bad payloads.
package serve

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
)

// DefaultAddr is where ccconform serve listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8686"

// Options configure a Server.
type Options struct {
	// World is what the server answers with.
	World *generate.World
	// Seed chooses which documents carry faults, and which.
	Seed uint64
	// Faults is the share of documents, from 0 to 1, that carry one
	// documented conformance fault each.
	Faults float64
	// APIKey, when set, must come in every request's apikey header, as the
	// real API demands; requests without it are answered 401.
	APIKey string
	// CORS lets web pages of any origin call the server from a browser:
	// preflight requests are answered, without an apikey, and every
	// answer carries Access-Control-Allow-Origin.
	CORS bool
	// Log receives one line per injected fault, and with LogRequests one
	// per request; nil discards them.
	Log         io.Writer
	LogRequests bool
}

// Fault is one document the server breaks on purpose.
type Fault struct {
	// Collection is the endpoint that lists the document: /v3/users,
	// /v3/groups, /v3/groups/{guid}/members, /v3/messages or
	// /v3/conversations (a broken conversation is broken on its user's or
	// group's conversation endpoint too).
	Collection string
	// ID is the document's uid, guid or message id.
	ID string
	generate.Mutant
}

// String describes the fault in one line, as the log writes it.
func (f Fault) String() string {
	return fmt.Sprintf("fault: %s %s: %s (rule %s at %s)", f.Collection, f.ID, f.Mutant.Fault, f.Rule, f.Pointer)
}

// Server is an http.Handler for the REST API's read endpoints.
type Server struct {
	opts     Options
	users    []item
	groups   []item
	members  map[string][]item
	messages []item
	convs    []item
	byUID    map[string]int
	byGUID   map[string]int
	byID     map[string]int
	byConv   map[string]int // by "user/<uid>" or "group/<guid>" of conversationWith
	faults   []Fault
	mux      *http.ServeMux
	logMu    sync.Mutex
}

// item is one document, encoded once.
type item struct {
	id     string
	sentAt int64 // messages only
	raw    json.RawMessage
}

// servable are the faults a served document may carry: they keep the page
// well-formed JSON (a truncated document would break its whole page), and
// show without --strict.
var servable = []string{"missing-required", "wrong-type", "enum", "enum-case", "milliseconds", "cross-field", "duplicate-key"}

// New returns a server for opts.World.
func New(opts Options) (*Server, error) {
	if opts.World == nil {
		return nil, fmt.Errorf("serve: no world to serve")
	}
	if opts.Faults < 0 || opts.Faults > 1 {
		return nil, fmt.Errorf("the fault rate %v is not between 0 and 1", opts.Faults)
	}
	g, err := generate.New(generate.Options{Seed: opts.Seed, Profile: types.ProfileREST})
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, members: map[string][]item{}, byUID: map[string]int{}, byGUID: map[string]int{}, byID: map[string]int{},
		byConv: map[string]int{}}
	pick := rand.New(rand.NewPCG(opts.Seed, 0x5e17e))
	n := 0 // the documents so far: each is broken, or not, by its own draw
	encode := func(collection, id string, doc types.Document) (item, error) {
		raw, err := json.Marshal(doc)
		if err != nil {
			return item{}, fmt.Errorf("encoding %s %s: %w", collection, id, err)
		}
		n++
		if opts.Faults > 0 && pick.Float64() < opts.Faults {
			if m, ok := g.Break(doc, n, servable...); ok {
				raw = m.JSON
				s.faults = append(s.faults, Fault{Collection: collection, ID: id, Mutant: m})
			}
		}
		return item{id: id, raw: raw}, nil
	}
	w := opts.World
	for i := range w.Users {
		it, err := encode("/v3/users", w.Users[i].UID, &w.Users[i])
		if err != nil {
			return nil, err
		}
		s.byUID[it.id] = len(s.users)
		s.users = append(s.users, it)
	}
	for i := range w.Groups {
		it, err := encode("/v3/groups", w.Groups[i].GUID, &w.Groups[i])
		if err != nil {
			return nil, err
		}
		s.byGUID[it.id] = len(s.groups)
		s.groups = append(s.groups, it)
	}
	guids := make([]string, 0, len(w.Members))
	for guid := range w.Members {
		guids = append(guids, guid)
	}
	sort.Strings(guids) // a fixed order, so that the faults fall the same way each run
	for _, guid := range guids {
		s.members[guid] = []item{}
		for i := range w.Members[guid] {
			m := &w.Members[guid][i]
			it, err := encode("/v3/groups/"+guid+"/members", m.UID, m)
			if err != nil {
				return nil, err
			}
			s.members[guid] = append(s.members[guid], it)
		}
	}
	for _, m := range w.Messages {
		h := m.Header()
		it, err := encode("/v3/messages", h.ID, m)
		if err != nil {
			return nil, err
		}
		it.sentAt = int64(h.SentAt)
		s.byID[it.id] = len(s.messages)
		s.messages = append(s.messages, it)
	}
	// Conversations last, so that the documents before them break as they
	// did before the server had conversations.
	for i := range w.Conversations {
		c := &w.Conversations[i]
		it, err := encode("/v3/conversations", c.ConversationID, c)
		if err != nil {
			return nil, err
		}
		switch with := c.ConversationWith; {
		case with.User != nil:
			s.byConv["user/"+with.User.UID] = len(s.convs)
		case with.Group != nil:
			s.byConv["group/"+with.Group.GUID] = len(s.convs)
		}
		s.convs = append(s.convs, it)
	}
	for _, f := range s.faults {
		s.logf("%s", f)
	}
	s.mux = s.routes()
	return s, nil
}

// Faults returns the faults the server injected, in the order of its
// documents.
func (s *Server) Faults() []Fault { return s.faults }

func (s *Server) logf(format string, args ...any) {
	if s.opts.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, "ccconform serve: "+format+"\n", args...)
}

// routes are the endpoints the server answers, as http.ServeMux patterns.
// A GET pattern also answers HEAD.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v3/users", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.users) })
	mux.HandleFunc("GET /v3/users/{uid}", func(w http.ResponseWriter, r *http.Request) {
		s.one(w, s.users, s.byUID, r.PathValue("uid"), "ERR_UID_NOT_FOUND", "user with uid")
	})
	mux.HandleFunc("GET /v3/groups", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.groups) })
	mux.HandleFunc("GET /v3/groups/{guid}", func(w http.ResponseWriter, r *http.Request) {
		s.one(w, s.groups, s.byGUID, r.PathValue("guid"), "ERR_GUID_NOT_FOUND", "group with guid")
	})
	mux.HandleFunc("GET /v3/groups/{guid}/members", func(w http.ResponseWriter, r *http.Request) {
		guid := r.PathValue("guid")
		ms, ok := s.members[guid]
		if !ok {
			apiError(w, http.StatusNotFound, "ERR_GUID_NOT_FOUND", fmt.Sprintf("The group with guid %s does not exist.", guid))
			return
		}
		s.list(w, r, ms)
	})
	mux.HandleFunc("GET /v3/users/{uid}/conversation", func(w http.ResponseWriter, r *http.Request) {
		s.conversation(w, "user", r.PathValue("uid"))
	})
	mux.HandleFunc("GET /v3/groups/{guid}/conversation", func(w http.ResponseWriter, r *http.Request) {
		s.conversation(w, "group", r.PathValue("guid"))
	})
	mux.HandleFunc("GET /v3/conversations", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.convs) })
	mux.HandleFunc("GET /v3/messages", s.messageList)
	mux.HandleFunc("GET /v3/messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		s.one(w, s.messages, s.byID, r.PathValue("id"), "ERR_MESSAGE_NOT_FOUND", "message with id")
	})
	return mux
}

// ServeHTTP answers GET /v3/users, /v3/users/{uid},
// /v3/users/{uid}/conversation, /v3/groups, /v3/groups/{guid},
// /v3/groups/{guid}/members, /v3/groups/{guid}/conversation, /v3/messages,
// /v3/messages/{id} and /v3/conversations; another method on one of them is answered 405 with
// Allow, a path that is none of them 404. With Options.CORS it answers
// preflight requests, and lets browsers read every answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, cors: s.opts.CORS}
	s.serve(sw, r)
	if s.opts.LogRequests {
		s.logf("%s %s %d", r.Method, r.URL.RequestURI(), sw.status)
	}
}

func (s *Server) serve(w *statusWriter, r *http.Request) {
	if s.opts.CORS {
		// A browser sends a preflight before a request with an apikey
		// header, and sends no apikey with it: it is answered before the
		// key is asked for.
		if r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			preflight(w, r)
			return
		}
		allowOrigin(w.Header(), r)
	}
	if s.opts.APIKey != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("apikey")), []byte(s.opts.APIKey)) != 1 {
		apiError(w, http.StatusUnauthorized, "AUTH_ERR_APIKEY_NOT_FOUND", "The apikey header is missing or wrong.")
		return
	}
	if p := strings.TrimRight(r.URL.Path, "/"); p != r.URL.Path && p != "" {
		// /v3/users/ is /v3/users, as it always was here.
		u := *r.URL
		u.Path, u.RawPath = p, strings.TrimRight(u.RawPath, "/")
		r = r.WithContext(r.Context())
		r.URL = &u
	}
	if h, pattern := s.mux.Handler(r); pattern == "" {
		unrouted(w, r, h)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// unrouted answers a request that no route takes with the mux's own
// answer, h: a 404, or a 405 with the Allow header, but with the API's
// error body; a redirect to a cleaned path passes as the mux wrote it.
func unrouted(w http.ResponseWriter, r *http.Request, h http.Handler) {
	c := &capture{header: http.Header{}}
	h.ServeHTTP(c, r)
	switch c.status {
	case http.StatusNotFound:
		apiError(w, http.StatusNotFound, "ERR_ROUTE_NOT_FOUND", "No such endpoint: try /v3/users, /v3/groups, /v3/messages or /v3/conversations.")
	case http.StatusMethodNotAllowed:
		allow := c.header.Get("Allow")
		w.Header().Set("Allow", allow)
		apiError(w, http.StatusMethodNotAllowed, "ERR_METHOD_NOT_ALLOWED", fmt.Sprintf("%s answers %s only.", r.URL.Path, allow))
	default:
		for k, vs := range c.header {
			w.Header()[k] = vs
		}
		w.WriteHeader(c.status)
		w.Write(c.body.Bytes())
	}
}

// capture is a ResponseWriter that keeps what is written to it.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(b)
}

// corsHeaders are the request headers a preflight allows whatever it asks
// for: those the REST API and the SDKs send.
var corsHeaders = []string{"apikey", "appid", "authtoken", "content-type", "onbehalfof"}

// corsMaxAge is how long, in seconds, a browser may keep a preflight's
// answer.
const corsMaxAge = "600"

// preflight answers a CORS preflight request: any origin, the methods the
// server answers, and the headers the request asks for.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	allowOrigin(h, r)
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", strings.Join(allowHeaders(r.Header.Values("Access-Control-Request-Headers")), ", "))
	h.Set("Access-Control-Max-Age", corsMaxAge)
	w.WriteHeader(http.StatusNoContent)
}

// allowOrigin lets the request's origin, or any when it names none, read
// the answer.
func allowOrigin(h http.Header, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = "*"
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
}

// allowHeaders returns corsHeaders and the header names a preflight asks
// for, lower case, each once; what is not a header name is left out.
func allowHeaders(asked []string) []string {
	out := append([]string(nil), corsHeaders...)
	seen := map[string]bool{}
	for _, h := range out {
		seen[h] = true
	}
	for _, list := range asked {
		for _, name := range strings.Split(list, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "" && !seen[name] && isToken(name) {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// isToken reports whether s is an HTTP token, as header names are.
func isToken(s string) bool {
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// safelisted are the response headers a browser lets a page read without
// Access-Control-Expose-Headers.
var safelisted = map[string]bool{"Cache-Control": true, "Content-Language": true, "Content-Length": true,
	"Content-Type": true, "Expires": true, "Last-Modified": true, "Pragma": true}

// statusWriter keeps the status of the answer, for the log, and with cors
// exposes the answer's headers that a browser would otherwise hide from a
// page (Allow on a 405).
type statusWriter struct {
	http.ResponseWriter
	cors   bool
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status = status
	if h := w.Header(); w.cors && h.Get("Access-Control-Allow-Origin") != "" {
		var expose []string
		for k := range h {
			if !safelisted[k] && k != "Vary" && !strings.HasPrefix(k, "Access-Control-") {
				expose = append(expose, k)
			}
		}
		if len(expose) > 0 {
			sort.Strings(expose)
			h.Set("Access-Control-Expose-Headers", strings.Join(expose, ", "))
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

// one answers a single document as {"data": ...}.
func (s *Server) one(w http.ResponseWriter, items []item, index map[string]int, id, code, what string) {
	i, ok := index[id]
	if !ok {
		apiError(w, http.StatusNotFound, code, fmt.Sprintf("The %s %s does not exist.", what, id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": items[i].raw})
}

// conversation answers the conversation of the requesting user with the
// user (kind "user") or in the group (kind "group") named id, as GET
// /v3/users/{uid}/conversation and /v3/groups/{guid}/conversation do. The
// requesting user is the one whose conversations the world holds (its first
// user): an onBehalfOf header is not read. The answer's data is an array of
// the one conversation, as the REST API's reference shows for these two
// endpoints (the SDKs read data as an object; validate reads both). An
// unknown user or group is answered 404 with ERR_UID_NOT_FOUND or
// ERR_GUID_NOT_FOUND, a known one without a conversation 404 with
// ERR_CONVERSATION_NOT_FOUND.
func (s *Server) conversation(w http.ResponseWriter, kind, id string) {
	i, ok := s.byConv[kind+"/"+id]
	if !ok {
		_, user := s.byUID[id]
		_, group := s.byGUID[id]
		switch {
		case kind == "user" && !user:
			apiError(w, http.StatusNotFound, "ERR_UID_NOT_FOUND", fmt.Sprintf("The user with uid %s does not exist.", id))
		case kind == "group" && !group:
			apiError(w, http.StatusNotFound, "ERR_GUID_NOT_FOUND", fmt.Sprintf("The group with guid %s does not exist.", id))
		default:
			apiError(w, http.StatusNotFound, "ERR_CONVERSATION_NOT_FOUND", fmt.Sprintf("There is no conversation with the %s %s.", kind, id))
		}
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": []json.RawMessage{s.convs[i].raw}})
}

// pagination is meta.pagination of a paged list.
type pagination struct {
	Total       int `json:"total"`
	Count       int `json:"count"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

// list answers a page of items: page (from 1) and perPage (1 to 1000,
// 100 by default) as query parameters.
func (s *Server) list(w http.ResponseWriter, r *http.Request, items []item) {
	q := r.URL.Query()
	page, ok1 := intParam(q, "page", 1, 1, 1<<30)
	per, ok2 := intParam(q, "perPage", 100, 1, 1000)
	if !ok1 || !ok2 {
		apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", "page must be a whole number from 1, perPage one from 1 to 1000.")
		return
	}
	pages := (len(items) + per - 1) / per
	from := min((page-1)*per, len(items))
	to := min(from+per, len(items))
	data := make([]json.RawMessage, 0, to-from)
	for _, it := range items[from:to] {
		data = append(data, it.raw)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]any{
		"pagination": pagination{Total: len(items), Count: len(data), PerPage: per, CurrentPage: page, TotalPages: pages}}})
}

// cursor is meta.next or meta.previous of the message list: the query
// parameters that fetch the next or previous page.
type cursor struct {
	Affix  string `json:"affix"`
	SentAt int64  `json:"sentAt"`
	ID     string `json:"id"`
}

// messageList answers a page of messages, oldest first: limit (1 to 1000,
// 100 by default), and a cursor of affix=append with the id (and sentAt)
// of the last message seen.
func (s *Server) messageList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := intParam(q, "limit", 100, 1, 1000)
	if !ok {
		apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", "limit must be a whole number from 1 to 1000.")
		return
	}
	from := 0
	if id := q.Get("id"); id != "" {
		i, known := s.byID[id]
		if !known {
			apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", fmt.Sprintf("No message with id %s to page from.", id))
			return
		}
		switch q.Get("affix") {
		case "", "append":
			from = i + 1
		case "prepend":
			from = max(i-limit, 0)
			limit = i - from
		default:
			apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", "affix must be append or prepend.")
			return
		}
	}
	to := min(from+limit, len(s.messages))
	data := make([]json.RawMessage, 0, to-from)
	for _, it := range s.messages[from:to] {
		data = append(data, it.raw)
	}
	meta := map[string]any{"current": map[string]int{"limit": limit, "count": len(data)}}
	if to < len(s.messages) && to > from {
		last := s.messages[to-1]
		meta["next"] = cursor{Affix: "append", SentAt: last.sentAt, ID: last.id}
	}
	if from > 0 && to > from {
		first := s.messages[from]
		meta["previous"] = cursor{Affix: "prepend", SentAt: first.sentAt, ID: first.id}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": meta})
}

// intParam reads the whole number query parameter name, def when absent,
// and reports false when it is not a number from lo to hi.
func intParam(q map[string][]string, name string, def, lo, hi int) (int, bool) {
	vs := q[name]
	if len(vs) == 0 || vs[0] == "" {
		return def, true
	}
	n, err := strconv.Atoi(vs[0])
	return n, err == nil && n >= lo && n <= hi
}

// apiError answers an error as the real API does: {"error": {"message",
// "code"}}.
func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg, "code": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
