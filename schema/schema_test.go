package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
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
	for _, dir := range []string{"sdk", "rest"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if _, ok := want[dir+"/"+e.Name()]; !ok {
				t.Errorf("%s/%s is not generated from the types: remove it", dir, e.Name())
			}
		}
	}
}

// The attributes of each table of the documentation, by their JSON names
// (messageType, messageCategory and callStatus are written type, category and
// status; metaData is written metadata), and the attributes the
// documentation does not mark optional. Written from the documentation, not
// from the types, so that the two can disagree.
var specTables = map[types.Kind]struct{ attrs, required []string }{
	types.KindUser: {
		attrs:    []string{"uid", "status", "lastActiveAt", "name", "email", "avatar", "link", "role", "metadata", "credits", "statusMessage"},
		required: []string{"uid", "status", "name"}, // lastActiveAt: see docs/spec-notes.md
	},
	types.KindGroup: {
		attrs:    []string{"guid", "name", "type", "createdAt", "owner", "updatedAt", "password", "icon", "description", "metadata", "hasJoined"},
		required: []string{"guid", "name", "type", "createdAt"}, // owner: see docs/spec-notes.md
	},
	types.KindGroupMember: {
		attrs:    []string{"uid", "name", "email", "avatar", "link", "role", "metadata", "credits", "status", "statusMessage", "lastActiveAt", "scope", "joinedAt"},
		required: []string{"uid", "name", "status", "scope", "joinedAt"},
	},
	types.KindTextMessage: {
		attrs:    []string{"id", "sender", "receiver", "type", "receiverType", "category", "sentAt", "text", "status", "metadata", "muid", "deliveredAt", "readAt"},
		required: []string{"id", "sender", "receiver", "type", "receiverType", "category", "sentAt", "text"},
	},
	types.KindMediaMessage: {
		attrs:    []string{"id", "muid", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "file", "url", "metadata", "deliveredAt", "readAt"},
		required: []string{"id", "sender", "receiver", "type", "receiverType", "category", "sentAt", "url"},
	},
	types.KindCustomMessage: {
		attrs:    []string{"id", "muid", "subType", "customData", "sender", "receiver", "type", "receiverType", "category", "sentAt", "metadata", "deliveredAt", "readAt"},
		required: []string{"id", "customData", "sender", "receiver", "type", "receiverType", "category", "sentAt"},
	},
	types.KindAction: {
		attrs:    []string{"id", "muid", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "actionBy", "actionOn", "actionFor", "message"},
		required: []string{"id", "sender", "receiver", "type", "receiverType", "category", "sentAt", "actionBy", "actionFor", "message"},
	},
	types.KindCall: {
		attrs:    []string{"id", "muid", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "sessionId", "metadata", "initiatedAt", "callInitiator", "callReceiver"},
		required: []string{"id", "sender", "receiver", "type", "receiverType", "category", "sentAt", "status", "sessionId", "initiatedAt", "callInitiator", "callReceiver"},
	},
}

func TestSchemasHoldEveryDocumentedAttribute(t *testing.T) {
	for _, k := range types.Kinds() {
		b, err := schema.File(types.ProfileSDK, string(k))
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
			t.Fatalf("%s: %v", k, err)
		}
		if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema is %q, want draft 2020-12", k, s.Schema)
		}
		if s.ID != schema.ID(types.ProfileSDK, string(k)) {
			t.Errorf("%s: $id is %q", k, s.ID)
		}
		spec := specTables[k]
		for _, a := range spec.attrs {
			if _, ok := s.Properties[a]; !ok {
				t.Errorf("%s: documented attribute %q is not a property", k, a)
			}
		}
		for _, r := range spec.required {
			if !slices.Contains(s.Required, r) {
				t.Errorf("%s: attribute %q is not marked optional in the documentation but is not required", k, r)
			}
		}
		for _, r := range s.Required {
			if slices.Contains(spec.attrs, r) && !slices.Contains(spec.required, r) {
				t.Errorf("%s: %q is required, but the documentation marks it optional (or notes say so)", k, r)
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
	for dir, p := range map[string]types.Profile{"../fixtures/docs": types.ProfileSDK, "../fixtures/rest": types.ProfileREST} {
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
	msg := set.Schema(types.ProfileSDK, schema.MessageName)
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

func TestProfilesDiffer(t *testing.T) {
	set := compiled(t)
	rest, _ := os.ReadFile("../fixtures/rest/textMessage.json")
	if err := set.Schema(types.ProfileSDK, string(types.KindTextMessage)).Validate(instance(t, rest)); err == nil {
		t.Error("a REST text message (sender a uid) conforms to the sdk schema")
	}
	sdk, _ := os.ReadFile("../fixtures/docs/textMessage-user-offline.json")
	if err := set.Schema(types.ProfileREST, string(types.KindTextMessage)).Validate(instance(t, sdk)); err == nil {
		t.Error("an sdk text message (sender an object) conforms to the rest schema")
	}
	available, _ := os.ReadFile("../fixtures/rest/user-available.json")
	if err := set.Schema(types.ProfileSDK, string(types.KindUser)).Validate(instance(t, available)); err == nil {
		t.Error("a user with status available and REST-only fields conforms to the sdk schema")
	}
}
