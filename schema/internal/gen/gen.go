// Package gen generates the JSON Schemas of package schema from the Go types
// of package types. It reads the doc comments of types from source, so it
// runs in the repository (go generate ./schema, or the test that checks the
// committed files), never in the shipped binary.
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/ccconform/ccconform/types"
	"github.com/invopop/jsonschema"
)

const module = "github.com/ccconform/ccconform"

// BaseID is the base of every schema's $id.
const BaseID = "https://" + module + "/schema/"

// Files returns every schema file by its path below schema/:
// <profile>/<kind>.json for each kind and profile, and <profile>/message.json,
// the schema of any message, which dispatches on category and type. root is
// the module's root directory, where the source of package types is read for
// descriptions.
func Files(root string) (map[string][]byte, error) {
	comments, err := readComments(root)
	if err != nil {
		return nil, err
	}
	r := reflector{comments: comments, expanded: true}

	out := map[string][]byte{}
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			s, err := kindSchema(r, k, p)
			if err != nil {
				return nil, err
			}
			b, err := encode(s)
			if err != nil {
				return nil, err
			}
			out[Path(p, string(k))] = b
		}
		b, err := encode(messageSchema(p))
		if err != nil {
			return nil, err
		}
		out[Path(p, "message")] = b
	}
	return out, nil
}

// Path is the path below schema/ of the schema named name in profile p.
func Path(p types.Profile, name string) string { return string(p) + "/" + name + ".json" }

// readComments reads the doc comments of package types below root, keyed by
// the package's import path as reflection names it.
func readComments(root string) (map[string]string, error) {
	dir := filepath.Join(root, "types")
	// AddGoComments keys a comment by base joined with the file's directory;
	// with no base the key starts with dir, which is then swapped for the
	// import path.
	raw := &jsonschema.Reflector{}
	if err := raw.AddGoComments("", dir); err != nil {
		return nil, fmt.Errorf("reading doc comments of %s: %w", dir, err)
	}
	prefix := filepath.ToSlash(filepath.Clean(dir)) + "."
	comments := map[string]string{}
	for k, v := range raw.CommentMap {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			comments[module+"/types."+rest] = v
		}
	}
	if comments[module+"/types.User"] == "" {
		return nil, fmt.Errorf("no doc comments found in %s: give the module's root directory", dir)
	}
	return comments, nil
}

func kindSchema(r reflector, k types.Kind, p types.Profile) (*jsonschema.Schema, error) {
	root := reflect.TypeOf(types.New(k, p)).Elem()
	s := r.reflect(root)
	reg := registry(root)
	if err := closeDefs(r, s, reg); err != nil {
		return nil, err
	}
	applyProfile(s, root, p)
	for name, def := range s.Definitions {
		applyProfile(def, reg[name], p)
		if def.Description == "" {
			def.Description = r.comments[module+"/types."+name]
		}
	}
	prune(s)
	tidyDescriptions(s)
	s.ID = jsonschema.ID(BaseID + Path(p, string(k)))
	s.Title = fmt.Sprintf("%s (%s profile)", k, p)
	return s, nil
}

// registry maps the name of every named type of package types reachable
// from t to the type; $defs keys are these names.
func registry(t reflect.Type) map[string]reflect.Type {
	reg := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.PkgPath() != module+"/types" {
			return
		}
		if _, seen := reg[t.Name()]; seen {
			return
		}
		reg[t.Name()] = t
		if t.Kind() == reflect.Struct {
			for i := 0; i < t.NumField(); i++ {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(t)
	// Named only by the hand-written schemas of EntityRef and AppEntity.
	for _, v := range []any{types.EntityType(""), types.User{}, types.Group{}, types.CallEntity{}, types.Call{}, types.RESTTextMessage{}} {
		walk(reflect.TypeOf(v))
	}
	return reg
}

// closeDefs adds to s.Definitions every definition that a hand-written
// schema refers to but reflection did not reach.
func closeDefs(r reflector, s *jsonschema.Schema, reg map[string]reflect.Type) error {
	for {
		missing := map[string]bool{}
		refs(s, func(ref string) {
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			if ok && s.Definitions[name] == nil {
				missing[name] = true
			}
		})
		if len(missing) == 0 {
			return nil
		}
		for name := range missing {
			t, ok := reg[name]
			if !ok {
				return fmt.Errorf("schema refers to #/$defs/%s, which no type of package types names", name)
			}
			sub := reflector{comments: r.comments}.reflect(t)
			for n, d := range sub.Definitions {
				if s.Definitions[n] == nil {
					s.Definitions[n] = d
				}
			}
		}
	}
}

// prune drops the definitions that nothing reachable from the root refers
// to, such as an enumeration whose property an extension replaced.
func prune(s *jsonschema.Schema) {
	defs := s.Definitions
	s.Definitions = nil
	keep := map[string]bool{}
	var visit func(x *jsonschema.Schema)
	visit = func(x *jsonschema.Schema) {
		refs(x, func(ref string) {
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			if ok && !keep[name] && defs[name] != nil {
				keep[name] = true
				visit(defs[name])
			}
		})
	}
	visit(s)
	s.Definitions = jsonschema.Definitions{}
	for name := range keep {
		s.Definitions[name] = defs[name]
	}
}

// refs calls f with every $ref in s.
func refs(s *jsonschema.Schema, f func(string)) {
	walk(s, func(x *jsonschema.Schema) {
		if x.Ref != "" {
			f(x.Ref)
		}
	})
}

// walk calls f on s and every schema below it.
func walk(s *jsonschema.Schema, f func(*jsonschema.Schema)) {
	if s == nil {
		return
	}
	f(s)
	for _, d := range s.Definitions {
		walk(d, f)
	}
	if s.Properties != nil {
		for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
			walk(pair.Value, f)
		}
	}
	for _, l := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
		for _, x := range l {
			walk(x, f)
		}
	}
	for _, x := range []*jsonschema.Schema{s.Items, s.If, s.Then, s.Else, s.Not, s.AdditionalProperties} {
		walk(x, f)
	}
}

// applyProfile fits s, the schema of Go type t, to profile p: it drops the
// fields that only the other profile has and sets an enumeration's values to
// p's.
func applyProfile(s *jsonschema.Schema, t reflect.Type, p types.Profile) {
	if t == nil {
		return
	}
	if e, ok := reflect.Zero(t).Interface().(types.Enum); ok && s.Enum != nil {
		s.Enum = nil
		for _, v := range e.Values(p) {
			s.Enum = append(s.Enum, v)
		}
		return
	}
	if t.Kind() != reflect.Struct || s.Properties == nil {
		return
	}
	var drop []string
	for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
		if !types.InProfile(t, pair.Key, p) {
			drop = append(drop, pair.Key)
		}
	}
	for _, name := range drop {
		s.Properties.Delete(name)
		s.Required = remove(s.Required, name)
	}
	// An alternative that needs a dropped field cannot hold in this
	// profile; a single one left is simply required.
	var keep []*jsonschema.Schema
	for _, alt := range s.AnyOf {
		needsDropped := false
		for _, r := range alt.Required {
			needsDropped = needsDropped || slices.Contains(drop, r)
		}
		if !needsDropped {
			keep = append(keep, alt)
		}
	}
	if len(s.AnyOf) > 0 && len(keep) == 1 && keep[0].Properties == nil {
		s.Required = append(s.Required, keep[0].Required...)
		keep = nil
	}
	s.AnyOf = keep
}

func remove(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// tidyDescriptions joins the lines of doc comments into one, and drops the
// Go name a doc comment starts with, which a reader of the schema never
// sees: "SessionID identifies the call" becomes "Identifies the call", and
// "Owner is the uid of the owner" becomes "The uid of the owner".
func tidyDescriptions(s *jsonschema.Schema) {
	walk(s, func(x *jsonschema.Schema) {
		words := strings.Fields(x.Description)
		if len(words) > 2 && isGoName(words[0]) {
			words = words[1:]
			if words[0] == "is" || words[0] == "are" {
				words = words[1:]
			}
			r := []rune(words[0])
			words[0] = strings.ToUpper(string(r[0])) + string(r[1:])
		}
		x.Description = strings.Join(words, " ")
	})
}

// isGoName reports whether w is an exported Go identifier of this model,
// such as UID or LastActiveAt, rather than an ordinary first word.
func isGoName(w string) bool {
	if w == "" || !unicode.IsUpper([]rune(w)[0]) {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	// An ordinary capitalised word has no capital after its first letter;
	// single-word names are listed.
	for _, r := range w[1:] {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return goWords[w]
}

// goWords are the one-word Go names of package types that doc comments
// start with.
var goWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("Name Status Email Avatar Link Role Metadata Credits Type Owner Password Icon " +
		"Description Scope Tags Sender Receiver Category Text File Data Entities Action Message By For On Identity Secret " +
		"Service Size Extension Attachments Group Timestamp Integer Flag Call User Profile Kind Count") {
		m[w] = true
	}
	return m
}()

// messageSchema is the schema of any message in profile p: it dispatches on
// category and type to the schema of one kind, so that a failing document is
// reported by that kind's schema alone.
func messageSchema(p types.Profile) *jsonschema.Schema {
	str := func(v ...string) *jsonschema.Schema {
		if len(v) == 1 {
			return &jsonschema.Schema{Const: v[0]}
		}
		s := &jsonschema.Schema{}
		for _, x := range v {
			s.Enum = append(s.Enum, x)
		}
		return s
	}
	when := func(cat string, typ *jsonschema.Schema, k types.Kind) *jsonschema.Schema {
		cond := &jsonschema.Schema{Properties: jsonschema.NewProperties(), Required: []string{"category"}}
		cond.Properties.Set("category", str(cat))
		if typ != nil {
			cond.Properties.Set("type", typ)
			cond.Required = append(cond.Required, "type")
		}
		return &jsonschema.Schema{If: cond, Then: &jsonschema.Schema{Ref: string(k) + ".json"}}
	}
	media := []string{}
	for _, t := range types.MediaTypes() {
		media = append(media, string(t))
	}
	cats := types.Category("").Values(p)
	msgTypes := types.MessageType("").Values(p)
	props := jsonschema.NewProperties()
	props.Set("category", &jsonschema.Schema{Type: "string", Enum: anys(cats),
		Description: "The message's category, which chooses the schema the rest of the message must meet."})
	onlyMessageTypes := &jsonschema.Schema{
		If:   &jsonschema.Schema{Properties: jsonschema.NewProperties(), Required: []string{"category"}},
		Then: &jsonschema.Schema{Properties: jsonschema.NewProperties(), Required: []string{"type"}},
	}
	onlyMessageTypes.If.Properties.Set("category", str(string(types.CategoryMessage)))
	onlyMessageTypes.Then.Properties.Set("type", &jsonschema.Schema{Type: "string", Enum: anys(msgTypes)})
	return &jsonschema.Schema{
		Version:     jsonschema.Version,
		ID:          jsonschema.ID(BaseID + Path(p, "message")),
		Title:       fmt.Sprintf("message (%s profile)", p),
		Description: "Any message: a text, media or custom message, an action or a call, chosen by category and then type.",
		Type:        "object",
		Required:    []string{"category"},
		Properties:  props,
		AllOf: []*jsonschema.Schema{
			onlyMessageTypes,
			when("message", str(string(types.MessageText)), types.KindTextMessage),
			when("message", str(media...), types.KindMediaMessage),
			when("message", str(string(types.MessageCustom)), types.KindCustomMessage),
			when("custom", nil, types.KindCustomMessage),
			when("action", nil, types.KindAction),
			when("call", nil, types.KindCall),
		},
	}
}

func anys(v []string) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// encode writes s as indented JSON with a final newline. Object keys of
// $defs come sorted, properties in the order of the Go fields.
func encode(s *jsonschema.Schema) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// Names lists the paths of Files in a stable order.
func Names(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for n := range files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
