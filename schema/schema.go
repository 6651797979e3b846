// Package schema holds the JSON Schemas (draft 2020-12) of the CometChat Pro
// data model, one per kind and profile plus one for any message, generated
// from package types and embedded in the binary.
//
// The files are committed below this directory as <profile>/<kind>.json and
// <profile>/message.json; go generate ./schema rewrites them from the types,
// and a test fails when they differ from what the types produce. Compiled
// compiles them all once, with github.com/santhosh-tekuri/jsonschema/v6,
// whose typed error kinds let the validator name a missing field without
// parsing messages.
package schema

//go:generate go run ./internal/gen/schemagen

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed sdk/*.json rest/*.json docs/*.json
var files embed.FS

// BaseID is the base of every schema's $id: the schema of kind k in profile
// p has the $id BaseID + p + "/" + k + ".json".
const BaseID = "https://github.com/ccconform/ccconform/schema/"

// MessageName is the name, in place of a kind, of the schema of any message.
const MessageName = "message"

// Name is the file name of the schema of kind k, or of any message when k is
// MessageName.
func name(p types.Profile, k string) string { return string(p) + "/" + k + ".json" }

// ID returns the $id of the schema of kind k (or MessageName) in profile p.
func ID(p types.Profile, k string) string { return BaseID + name(p, k) }

// File returns the schema of kind k (or MessageName) in profile p as the
// committed JSON.
func File(p types.Profile, k string) ([]byte, error) {
	b, err := files.ReadFile(name(p, k))
	if err != nil {
		return nil, fmt.Errorf("no schema for %q in profile %q", k, p)
	}
	return b, nil
}

// Names lists the schemas of one profile by name: the kinds, then
// MessageName.
func Names() []string {
	var out []string
	for _, k := range types.Kinds() {
		out = append(out, string(k))
	}
	return append(out, MessageName)
}

// Set is every schema, each compiled the first time it is asked for: a run
// that meets only rest text messages compiles the schemas those need and no
// others. It is safe for concurrent use.
type Set struct {
	mu   sync.Mutex
	c    *jsonschema.Compiler // not safe for concurrent use: under mu
	byID map[string]*jsonschema.Schema
}

// Schema returns the compiled schema of kind k (or MessageName) in profile
// p, or nil when there is none.
func (s *Set) Schema(p types.Profile, k string) *jsonschema.Schema {
	id := ID(p, k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.byID[id]; ok {
		return sch
	}
	if _, err := File(p, k); err != nil {
		return nil
	}
	sch, err := s.c.Compile(id)
	if err != nil {
		// Every embedded schema compiles (a test compiles them all):
		// this is a bug, and no verdict may rest on it.
		panic(fmt.Sprintf("schema: compiling %s: %v", name(p, k), err))
	}
	s.byID[id] = sch
	return sch
}

var compiled = sync.OnceValues(compile)

// Compiled returns the set of every schema, made once per process.
func Compiled() (*Set, error) { return compiled() }

func compile() (*Set, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(embedded{})
	return &Set{c: c, byID: map[string]*jsonschema.Schema{}}, nil
}

// embedded loads the embedded schemas by $id, and refuses anything else:
// a reference that leaves them is a bug, not a reason to reach the network.
type embedded struct{}

func (embedded) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, BaseID)
	if ok {
		if b, err := files.ReadFile(rel); err == nil {
			return jsonschema.UnmarshalJSON(bytes.NewReader(b))
		}
	}
	return nil, errors.New("schema " + url + " is not embedded; ccconform loads no schema from outside")
}
