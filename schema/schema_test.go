package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/schema/internal/gen"
	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// TestCommittedSchemasMatchTypes fails when the committed schema files differ
// from what the types produce: run go generate ./schema after changing types.
func TestCommittedSchemasMatchTypes(t *testing.T) {
	want, err := gen.Files("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range gen.Names(want) {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s is missing: run go generate ./schema", name)
			continue
		}
		if !bytes.Equal(got, want[name]) {
			t.Errorf("%s differs from what package types produces: run go generate ./schema", name)
		}
	}
	for _, dir := range []string{"sdk", "rest", "docs"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if _, ok := want[dir+"/"+e.Name()]; !ok {
				t.Errorf("%s/%s is not generated from the types: remove it", dir, e.Name())
			}
		}
	}
}

// The attributes of each table of the documentation by their JSON names
// (messageType, messageCategory and callStatus are written type, category and
// status; metaData is written metadata), and those the documentation marks
// [optional]. Written from the documentation, not from the types, so that
// the two can disagree; every place where ccconform departs from the marks is
// listed in exceptions with the row of docs/spec-notes.md that explains it.
var specTables = map[types.Kind]struct {
	attrs, optional []string
	exceptions      map[string]int
}{
	types.KindUser: {
		attrs:      []string{"uid", "status", "lastActiveAt", "name", "email", "avatar", "link", "role", "metadata", "credits", "statusMessage"},
		optional:   []string{"email", "avatar", "link", "role", "metadata", "credits", "statusMessage"},
		exceptions: map[string]int{"lastActiveAt": 12},
	},
	types.KindGroup: {
		attrs:      []string{"guid", "name", "type", "createdAt", "owner", "updatedAt", "password", "icon", "description", "metadata", "hasJoined"},
		optional:   []string{"updatedAt", "password", "icon", "description", "metadata", "hasJoined"},
		exceptions: map[string]int{"owner": 13},
	},
	types.KindGroupMember: {
		attrs: []string{"uid", "name", "email", "avatar", "link", "role", "metadata", "credits", "status", "statusMessage", "lastActiveAt", "scope", "joinedAt"},
		exceptions: map[string]int{"email": 15, "avatar": 15, "link": 15, "role": 15, "metadata": 15, "credits": 15,
			"statusMessage": 15, "lastActiveAt": 12},
	},
	types.KindTextMessage: {
		attrs:      []string{"id", "sender", "receiver", "type", "receiverType", "category", "sentAt", "text", "status", "metadata", "muid", "deliveredAt", "readAt"},
		optional:   []string{"status", "metadata", "muid"},
		exceptions: map[string]int{"deliveredAt": 17, "readAt": 17},
	},
	types.KindMediaMessage: {
		attrs:      []string{"id", "muid", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "file", "url", "metadata", "deliveredAt", "readAt"},
		optional:   []string{"muid", "metadata"},
		exceptions: map[string]int{"status": 18, "file": 20, "deliveredAt": 17, "readAt": 17},
	},
	types.KindCustomMessage: {
		attrs:      []string{"id", "muid", "subType", "customData", "sender", "receiver", "type", "receiverType", "category", "sentAt", "metadata", "deliveredAt", "readAt"},
		exceptions: map[string]int{"muid": 21, "subType": 21, "metadata": 21, "deliveredAt": 17, "readAt": 17},
	},
	types.KindAction: {
		attrs:      []string{"id", "muid", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "actionBy", "actionOn", "actionFor", "message"},
		exceptions: map[string]int{"muid": 47, "status": 18, "actionOn": 34},
	},
	types.KindCall: {
		attrs:      []string{"id", "muid", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "sessionId", "metadata", "initiatedAt", "callInitiator", "callReceiver"},
		exceptions: map[string]int{"muid": 47, "metadata": 47},
	},
}

func TestSchemasHoldEveryDocumentedAttribute(t *testing.T) {
	notes, err := os.ReadFile("../docs/spec-notes.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			b, err := schema.File(p, string(k))
			if err != nil {
				t.Fatal(err)
			}
			var s struct {
				Schema     string                     `json:"$schema"`
				ID         string                     `json:"$id"`
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatalf("%s/%s: %v", p, k, err)
			}
			if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
				t.Errorf("%s/%s: $schema is %q, want draft 2020-12", p, k, s.Schema)
			}
			if s.ID != schema.ID(p, string(k)) {
				t.Errorf("%s/%s: $id is %q", p, k, s.ID)
			}
			spec := specTables[k]
			for _, a := range spec.attrs {
				if p != types.ProfileDocs && k.IsMessage() && a != "id" && a != "sender" && a != "receiver" && a != "receiverType" &&
					a != "category" && a != "type" && a != "sentAt" && a != "muid" && a != "deliveredAt" && a != "readAt" {
					continue // the rest and sdk profiles carry these under data (rows 32, 40)
				}
				if _, ok := s.Properties[a]; !ok {
					t.Errorf("%s/%s: documented attribute %q is not a property", p, k, a)
					continue
				}
				specRequired := !slices.Contains(spec.optional, a)
				required := slices.Contains(s.Required, a)
				row, excepted := spec.exceptions[a]
				switch {
				case specRequired != required && !excepted:
					t.Errorf("%s/%s: %q is required=%v, but the documentation's marks say %v, and no spec note says why", p, k, a, required, specRequired)
				case specRequired == required && excepted:
					t.Errorf("%s/%s: %q is listed as an exception (row %d) but follows the documentation", p, k, a, row)
				case excepted && !strings.Contains(string(notes), fmt.Sprintf("| %d |", row)):
					t.Errorf("%s/%s: %q: docs/spec-notes.md has no row %d", p, k, a, row)
				}
			}
		}
	}
}

// fixture is one document of fixtures/ with the kind its file name gives.
type fixture struct {
	path    string
	kind    types.Kind
	profile types.Profile
	doc     map[string]any
	raw     []byte
}

func fixtures(t *testing.T) []fixture {
	t.Helper()
	var out []fixture
	for dir, p := range map[string]types.Profile{"../fixtures/docs": types.ProfileDocs, "../fixtures/rest": types.ProfileREST, "../fixtures/sdk": types.ProfileSDK} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name, _, _ := strings.Cut(strings.TrimSuffix(filepath.Base(path), ".json"), "-")
			k, err := types.ParseKind(name)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			out = append(out, fixture{path, k, p, doc, raw})
		}
	}
	if len(out) < 20 {
		t.Fatalf("found %d fixtures, expected the spec's examples and the REST examples", len(out))
	}
	return out
}

func instance(t *testing.T, raw []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func compiled(t *testing.T) *schema.Set {
	t.Helper()
	set, err := schema.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestFixturesConform(t *testing.T) {
	set := compiled(t)
	for _, f := range fixtures(t) {
		if err := set.Schema(f.profile, string(f.kind)).Validate(instance(t, f.raw)); err != nil {
			t.Errorf("%s does not conform to %s/%s: %v", f.path, f.profile, f.kind, err)
		}
		if f.kind.IsMessage() {
			if err := set.Schema(f.profile, schema.MessageName).Validate(instance(t, f.raw)); err != nil {
				t.Errorf("%s does not conform to %s/message: %v", f.path, f.profile, err)
			}
		}
	}
}

// leaves returns the innermost errors of a validation error.
func leaves(err error) []*jsonschema.ValidationError {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, e)
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

func TestDroppingFields(t *testing.T) {
	set := compiled(t)
	droppedOptional := map[string]int{}
	droppedRequired := map[string]int{}
	for _, f := range fixtures(t) {
		sch := set.Schema(f.profile, string(f.kind))
		var s struct {
			Required []string `json:"required"`
		}
		b, _ := schema.File(f.profile, string(f.kind))
		_ = json.Unmarshal(b, &s)
		for field := range f.doc {
			doc := map[string]any{}
			for k, v := range f.doc {
				if k != field {
					doc[k] = v
				}
			}
			raw, _ := json.Marshal(doc)
			err := sch.Validate(instance(t, raw))
			key := string(f.profile) + "/" + string(f.kind)
			if slices.Contains(s.Required, field) {
				droppedRequired[key]++
				found := false
				for _, l := range leaves(err) {
					if r, ok := l.ErrorKind.(*kind.Required); ok && slices.Contains(r.Missing, field) && len(l.InstanceLocation) == 0 {
						found = true
					}
				}
				if !found {
					t.Errorf("%s without required %q: want a required error at the root, got %v", f.path, field, err)
				}
			} else if field == "deletedAt" && f.kind == types.KindTextMessage {
				// Optional, but a text message without it must carry a
				// text, which a deleted one has not.
				if err == nil {
					t.Errorf("%s without deletedAt: want data.text required, got valid", f.path)
				}
			} else {
				droppedOptional[key]++
				if err != nil {
					t.Errorf("%s without optional %q: want valid, got %v", f.path, field, err)
				}
			}
		}
	}
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			key := string(p) + "/" + string(k)
			if p == types.ProfileDocs && k == types.KindConversation {
				continue // the documentation shows no conversation to start from
			}
			if droppedOptional[key] == 0 || droppedRequired[key] == 0 {
				t.Errorf("%s: dropped %d optional and %d required fields; want some of each", key, droppedOptional[key], droppedRequired[key])
			}
		}
	}
}

// TestMessageSchemaReportsOneBranch checks that the schema of any message
// reports a broken message through its kind's schema alone, and refuses a
// type its category does not allow.
func TestMessageSchemaReportsOneBranch(t *testing.T) {
	set := compiled(t)
	msg := set.Schema(types.ProfileDocs, schema.MessageName)
	raw, _ := os.ReadFile("../fixtures/docs/textMessage-user-offline.json")
	var doc map[string]any
	_ = json.Unmarshal(raw, &doc)
	delete(doc, "text")
	b, _ := json.Marshal(doc)
	err := msg.Validate(instance(t, b))
	ls := leaves(err)
	if len(ls) != 1 {
		t.Fatalf("want exactly one error for a text message without text, got %d: %v", len(ls), err)
	}
	if !strings.Contains(ls[0].SchemaURL, "textMessage.json") {
		t.Errorf("error comes from %s, want the textMessage schema", ls[0].SchemaURL)
	}
	doc["text"] = "hi"
	doc["type"] = "sticker"
	b, _ = json.Marshal(doc)
	ls = leaves(msg.Validate(instance(t, b)))
	if len(ls) != 1 || strings.Join(ls[0].InstanceLocation, "/") != "type" {
		t.Errorf("want one error at /type for type sticker, got %v", ls)
	}
	if _, ok := ls[0].ErrorKind.(*kind.Enum); !ok {
		t.Errorf("want an enum error for type sticker, got %T", ls[0].ErrorKind)
	}
}

// TestOneFaultOneError checks that a single fault gives a single schema
// error: a wrong entityType is not also judged against the other entity's
// schema, and a profile without attachments asks for the url alone.
func TestOneFaultOneError(t *testing.T) {
	set := compiled(t)
	cases := []struct {
		profile       types.Profile
		fixture, path string
		value         any
		at            string
	}{
		{types.ProfileDocs, "docs/textMessage-user-offline.json", "data/entities/sender/entityType", "group", "data/entities/sender/entityType"},
		{types.ProfileREST, "rest/call.json", "data/entities/on/entityType", "user", "data/entities/on/entityType"},
		{types.ProfileDocs, "docs/mediaMessage-user-offline.json", "data/url", nil, "data"},
	}
	for _, c := range cases {
		raw, _ := os.ReadFile("../fixtures/" + c.fixture)
		var doc map[string]any
		_ = json.Unmarshal(raw, &doc)
		parts := strings.Split(c.path, "/")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			m = m[p].(map[string]any)
		}
		if c.value == nil {
			delete(m, parts[len(parts)-1])
		} else {
			m[parts[len(parts)-1]] = c.value
		}
		b, _ := json.Marshal(doc)
		k, _, _ := types.Detect(b)
		ls := leaves(set.Schema(c.profile, string(k)).Validate(instance(t, b)))
		if len(ls) != 1 || strings.Join(ls[0].InstanceLocation, "/") != c.at {
			var got []string
			for _, l := range ls {
				got = append(got, fmt.Sprintf("/%s: %T", strings.Join(l.InstanceLocation, "/"), l.ErrorKind))
			}
			t.Errorf("%s with %s=%v: want one error at /%s, got %d: %v", c.fixture, c.path, c.value, c.at, len(ls), got)
		}
	}
}

func TestProfilesDiffer(t *testing.T) {
	set := compiled(t)
	rest, _ := os.ReadFile("../fixtures/rest/textMessage.json")
	if err := set.Schema(types.ProfileDocs, string(types.KindTextMessage)).Validate(instance(t, rest)); err == nil {
		t.Error("a REST text message (sender a uid) conforms to the sdk schema")
	}
	sdk, _ := os.ReadFile("../fixtures/docs/textMessage-user-offline.json")
	if err := set.Schema(types.ProfileREST, string(types.KindTextMessage)).Validate(instance(t, sdk)); err == nil {
		t.Error("an sdk text message (sender an object) conforms to the rest schema")
	}
	available, _ := os.ReadFile("../fixtures/rest/user-available.json")
	if err := set.Schema(types.ProfileDocs, string(types.KindUser)).Validate(instance(t, available)); err == nil {
		t.Error("a user with status available and REST-only fields conforms to the sdk schema")
	}
}

// Schemas compile when first asked for; every one of them must, in every
// profile, so that no run meets a schema that does not.
func TestEverySchemaCompiles(t *testing.T) {
	set := compiled(t)
	for _, p := range types.Profiles() {
		for _, n := range schema.Names() {
			if set.Schema(p, n) == nil {
				t.Errorf("%s/%s: no schema", p, n)
			}
		}
	}
	if set.Schema(types.ProfileREST, "nosuchkind") != nil {
		t.Error("a schema for an unknown kind")
	}
}
