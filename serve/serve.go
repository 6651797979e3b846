// Package serve answers the read endpoints of CometChat's REST API v3 from a
// generated world: the users, groups, members and messages, in the same
// envelopes and with the same pagination as the real API. Some documents can
// carry one known conformance fault each, so that a pipeline can prove it
// notices bad payloads.
package serve

import (
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
	// Log receives one line per injected fault, and with LogRequests one
	// per request; nil discards them.
	Log         io.Writer
	LogRequests bool
}

// Fault is one document the server breaks on purpose.
type Fault struct {
	// Collection is the endpoint that lists the document: /v3/users,
	// /v3/groups, /v3/groups/{guid}/members or /v3/messages.
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
	byUID    map[string]int
	byGUID   map[string]int
	byID     map[string]int
	faults   []Fault
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
	s := &Server{opts: opts, members: map[string][]item{}, byUID: map[string]int{}, byGUID: map[string]int{}, byID: map[string]int{}}
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
	for _, f := range s.faults {
		s.logf("%s", f)
	}
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

// ServeHTTP answers GET /v3/users, /v3/users/{uid}, /v3/groups,
// /v3/groups/{guid}, /v3/groups/{guid}/members, /v3/messages and
// /v3/messages/{id}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status := s.serve(w, r)
	if s.opts.LogRequests {
		s.logf("%s %s %d", r.Method, r.URL.RequestURI(), status)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) int {
	if s.opts.APIKey != "" && subtle.ConstantTimeCompare([]byte(r.Header.Get("apikey")), []byte(s.opts.APIKey)) != 1 {
		return apiError(w, http.StatusUnauthorized, "AUTH_ERR_APIKEY_NOT_FOUND", "The apikey header is missing or wrong.")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return apiError(w, http.StatusMethodNotAllowed, "ERR_METHOD_NOT_ALLOWED", "This server answers GET requests only.")
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "v3" {
		return apiError(w, http.StatusNotFound, "ERR_ROUTE_NOT_FOUND", "No such endpoint: try /v3/users, /v3/groups or /v3/messages.")
	}
	switch {
	case parts[1] == "users" && len(parts) == 2:
		return s.list(w, r, s.users)
	case parts[1] == "users" && len(parts) == 3:
		return s.one(w, s.users, s.byUID, parts[2], "ERR_UID_NOT_FOUND", "user with uid")
	case parts[1] == "groups" && len(parts) == 2:
		return s.list(w, r, s.groups)
	case parts[1] == "groups" && len(parts) == 3:
		return s.one(w, s.groups, s.byGUID, parts[2], "ERR_GUID_NOT_FOUND", "group with guid")
	case parts[1] == "groups" && len(parts) == 4 && parts[3] == "members":
		ms, ok := s.members[parts[2]]
		if !ok {
			return apiError(w, http.StatusNotFound, "ERR_GUID_NOT_FOUND", fmt.Sprintf("The group with guid %s does not exist.", parts[2]))
		}
		return s.list(w, r, ms)
	case parts[1] == "messages" && len(parts) == 2:
		return s.messageList(w, r)
	case parts[1] == "messages" && len(parts) == 3:
		return s.one(w, s.messages, s.byID, parts[2], "ERR_MESSAGE_NOT_FOUND", "message with id")
	}
	return apiError(w, http.StatusNotFound, "ERR_ROUTE_NOT_FOUND", "No such endpoint: try /v3/users, /v3/groups or /v3/messages.")
}

// one answers a single document as {"data": ...}.
func (s *Server) one(w http.ResponseWriter, items []item, index map[string]int, id, code, what string) int {
	i, ok := index[id]
	if !ok {
		return apiError(w, http.StatusNotFound, code, fmt.Sprintf("The %s %s does not exist.", what, id))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"data": items[i].raw})
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
func (s *Server) list(w http.ResponseWriter, r *http.Request, items []item) int {
	q := r.URL.Query()
	page, ok1 := intParam(q, "page", 1, 1, 1<<30)
	per, ok2 := intParam(q, "perPage", 100, 1, 1000)
	if !ok1 || !ok2 {
		return apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", "page must be a whole number from 1, perPage one from 1 to 1000.")
	}
	pages := (len(items) + per - 1) / per
	from := min((page-1)*per, len(items))
	to := min(from+per, len(items))
	data := make([]json.RawMessage, 0, to-from)
	for _, it := range items[from:to] {
		data = append(data, it.raw)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]any{
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
func (s *Server) messageList(w http.ResponseWriter, r *http.Request) int {
	q := r.URL.Query()
	limit, ok := intParam(q, "limit", 100, 1, 1000)
	if !ok {
		return apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", "limit must be a whole number from 1 to 1000.")
	}
	from := 0
	if id := q.Get("id"); id != "" {
		i, known := s.byID[id]
		if !known {
			return apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", fmt.Sprintf("No message with id %s to page from.", id))
		}
		switch q.Get("affix") {
		case "", "append":
			from = i + 1
		case "prepend":
			from = max(i-limit, 0)
			limit = i - from
		default:
			return apiError(w, http.StatusBadRequest, "ERR_BAD_REQUEST", "affix must be append or prepend.")
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
	return writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": meta})
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
func apiError(w http.ResponseWriter, status int, code, msg string) int {
	return writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg, "code": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the response: "+err.Error(), http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
	return status
}
