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

// Set is every schema, compiled. It is safe for concurrent use.
type Set struct {
	byID map[string]*jsonschema.Schema
}

// Schema returns the compiled schema of kind k (or MessageName) in profile
// p, or nil when there is none.
func (s *Set) Schema(p types.Profile, k string) *jsonschema.Schema { return s.byID[ID(p, k)] }

var compiled = sync.OnceValues(compile)

// Compiled returns every schema, compiled once per process.
func Compiled() (*Set, error) { return compiled() }

func compile() (*Set, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(noLoader{})
	for _, p := range types.Profiles() {
		for _, n := range Names() {
			b, _ := File(p, n)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("schema %s: %w", name(p, n), err)
			}
			if err := c.AddResource(ID(p, n), doc); err != nil {
				return nil, fmt.Errorf("schema %s: %w", name(p, n), err)
			}
		}
	}
	set := &Set{byID: map[string]*jsonschema.Schema{}}
	for _, p := range types.Profiles() {
		for _, n := range Names() {
			sch, err := c.Compile(ID(p, n))
			if err != nil {
				return nil, fmt.Errorf("compiling schema %s: %w", name(p, n), err)
			}
			set.byID[ID(p, n)] = sch
		}
	}
	return set, nil
}

// noLoader refuses to load anything: every schema is embedded, and a
// reference that leaves them is a bug, not a reason to reach the network.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, errors.New("schema " + url + " is not embedded; ccconform loads no schema from outside")
}
