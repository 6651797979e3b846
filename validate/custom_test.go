package validate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

const locationSchema = `{
  "type": "object",
  "required": ["latitude", "longitude"],
  "properties": {
    "latitude": {"type": "number", "minimum": -90, "maximum": 90},
    "longitude": {"type": "number", "minimum": -180, "maximum": 180},
    "label": {"type": "string", "minLength": 1},
    "link": {"type": "string", "format": "uri"}
  },
  "additionalProperties": false
}`

const userMetadataSchema = `{
  "type": "object",
  "properties": {"plan": {"enum": ["free", "pro"]}},
  "required": ["plan"]
}`

// customSchemas writes the schemas into a folder and loads them.
func customSchemas(t *testing.T) *validate.CustomSchemas {
	t.Helper()
	dir := t.TempDir()
	loc := filepath.Join(dir, "location.json")
	meta := filepath.Join(dir, "user-metadata.json")
	os.WriteFile(loc, []byte(locationSchema), 0o644)
	os.WriteFile(meta, []byte(userMetadataSchema), 0o644)
	cs, err := validate.LoadCustomSchemas(map[string]string{"location": loc}, map[types.Kind]string{types.KindUser: meta})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func pointers(vd validate.Verdict) string {
	var ps []string
	for _, v := range vd.Violations {
		ps = append(ps, v.Rule+" "+v.Pointer)
	}
	return strings.Join(ps, "; ")
}

func TestCustomSchemaCatchesBadCustomData(t *testing.T) {
	cs := customSchemas(t)
	raw, err := os.ReadFile("../fixtures/rest/customMessage.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(raw, &doc)
	data := doc["data"].(map[string]any)

	for _, referenceOnly := range []bool{false, true} {
		v, err := validate.New(validate.Options{Custom: cs, ReferenceOnly: referenceOnly})
		if err != nil {
			t.Fatal(err)
		}
		if vd := v.Check(raw); !vd.OK() {
			t.Fatalf("the good location is faulted: %v", vd.Violations)
		}
		cases := []struct {
			name  string
			cd    any
			wants string
		}{
			{"a latitude in words", map[string]any{"latitude": "north", "longitude": 72.8}, "type /data/customData/latitude"},
			{"out of range", map[string]any{"latitude": 95, "longitude": 72.8}, "value /data/customData/latitude"},
			{"missing longitude", map[string]any{"latitude": 19.0}, "required /data/customData/longitude"},
			{"a field the team did not define", map[string]any{"latitude": 19.0, "longitude": 72.8, "altitude": 3}, "unknown-field /data/customData/altitude"},
			{"a bad link", map[string]any{"latitude": 19.0, "longitude": 72.8, "link": "not a url"}, "format /data/customData/link"},
		}
		for _, c := range cases {
			data["customData"] = c.cd
			b, _ := json.Marshal(doc)
			if got := pointers(v.Check(b)); got != c.wants {
				t.Errorf("reference only %v, %s: %q, want %q", referenceOnly, c.name, got, c.wants)
			}
		}
		// Another type is not judged by the location schema.
		data["customData"] = map[string]any{"anything": true}
		doc["type"] = "poll"
		b, _ := json.Marshal(doc)
		if vd := v.Check(b); !vd.OK() {
			t.Errorf("a poll is judged by the location schema: %v", vd.Violations)
		}
		doc["type"] = "location"
	}

	// Metadata of users, by kind.
	v, _ := validate.New(validate.Options{Custom: cs})
	for doc, want := range map[string]string{
		`{"uid":"a","name":"A","status":"online","metadata":{"plan":"pro"}}`:        "",
		`{"uid":"a","name":"A","status":"online","metadata":{"plan":"enterprise"}}`: "enum /metadata/plan",
		`{"uid":"a","name":"A","status":"online","metadata":{}}`:                    "required /metadata/plan",
		`{"uid":"a","name":"A","status":"online"}`:                                  "",
	} {
		if got := pointers(v.Check([]byte(doc))); got != want {
			t.Errorf("%s: %q, want %q", doc, got, want)
		}
	}
}

func TestGeneratedCustomTypesValidate(t *testing.T) {
	cs := customSchemas(t)
	for _, p := range types.Profiles() {
		g, err := generate.New(generate.Options{Seed: 8, Profile: p, CustomData: cs.Data})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.CheckCustomData(); err != nil {
			t.Fatal(err)
		}
		v, _ := validate.New(validate.Options{Custom: cs, Profile: p})
		labels := 0
		for i := 0; i < 300; i++ {
			b, _ := json.Marshal(g.Document(types.KindCustomMessage, i))
			vd := v.Check(b)
			if !vd.OK() {
				t.Fatalf("%s #%d: %v\n%s", p, i, vd.Violations, b)
			}
			var m struct {
				Type string
				Data struct{ CustomData map[string]any }
			}
			json.Unmarshal(b, &m)
			if m.Type != "location" {
				t.Fatalf("%s #%d: type %q, want the only custom type, location", p, i, m.Type)
			}
			if _, ok := m.Data.CustomData["label"]; ok {
				labels++
			}
		}
		if labels == 0 || labels == 300 {
			t.Errorf("%s: the optional label in %d of 300: optional fields should vary", p, labels)
		}
	}
	// A schema the filler cannot satisfy is refused up front, by name.
	dir := t.TempDir()
	f := filepath.Join(dir, "code.json")
	os.WriteFile(f, []byte(`{"type":"object","required":["code"],"properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"}}}`), 0o644)
	hard, err := validate.LoadCustomSchemas(map[string]string{"ticket": f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := generate.New(generate.Options{CustomData: hard.Data})
	if err := g.CheckCustomData(); err == nil || !strings.Contains(err.Error(), "custom type ticket") {
		t.Errorf("a pattern the filler cannot meet: %v, want an error naming the type", err)
	}
}

func TestLoadCustomSchemasErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"type": "objekt"}`), 0o644)
	notJSON := filepath.Join(dir, "not.json")
	os.WriteFile(notJSON, []byte(`{type: object}`), 0o644)
	for _, c := range []struct {
		data map[string]string
		meta map[types.Kind]string
		want string
	}{
		{map[string]string{"x": filepath.Join(dir, "missing.json")}, nil, "no such file"},
		{map[string]string{"x": bad}, nil, "does not compile"},
		{map[string]string{"x": notJSON}, nil, "is not JSON"},
		{nil, map[types.Kind]string{"person": bad}, "person"},
	} {
		if _, err := validate.LoadCustomSchemas(c.data, c.meta); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error saying %q", c.data, c.meta, err, c.want)
		}
	}
}

func TestFindConfigWalksUp(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	os.MkdirAll(deep, 0o755)
	// The repository's root bounds the walk: a config above it is not read.
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	os.WriteFile(filepath.Join(filepath.Dir(root), validate.ConfigName), []byte(`not a config`), 0o644)
	defer os.Remove(filepath.Join(filepath.Dir(root), validate.ConfigName))
	if cfg, err := validate.FindConfig(deep); err != nil || cfg != nil {
		t.Fatalf("no config in the repository: %+v, %v", cfg, err)
	}
	// A directory of that name is passed over.
	os.Mkdir(filepath.Join(root, "a", "b", validate.ConfigName), 0o755)
	os.WriteFile(filepath.Join(root, "a", validate.ConfigName), []byte(`{"customData":{"location":"schemas/location.json"},"metadata":{"user":"/abs/user.json"}}`), 0o644)
	cfg, err := validate.FindConfig(deep)
	if err != nil || cfg == nil {
		t.Fatalf("config two levels up: %+v, %v", cfg, err)
	}
	if got, want := cfg.CustomData["location"], filepath.Join(root, "a", "schemas", "location.json"); got != want {
		t.Errorf("relative path read as %s, want %s", got, want)
	}
	if cfg.Metadata["user"] != "/abs/user.json" {
		t.Errorf("absolute path read as %s", cfg.Metadata["user"])
	}
	os.Remove(filepath.Join(root, "a", "b", validate.ConfigName))
	os.WriteFile(filepath.Join(root, "a", "b", validate.ConfigName), []byte(`{"customdata":{}}`), 0o644)
	if _, err := validate.FindConfig(deep); err == nil || !strings.Contains(err.Error(), "customdata") {
		t.Errorf("a misspelt key: %v, want an error naming it", err)
	}
}

// TestCustomSchemasShareFiles: one file for two types, and a file that
// $refs another listed one, load every time, whatever the map order.
func TestCustomSchemasShareFiles(t *testing.T) {
	dir := t.TempDir()
	loc := filepath.Join(dir, "location.json")
	os.WriteFile(loc, []byte(locationSchema), 0o644)
	base := filepath.Join(dir, "base.json")
	os.WriteFile(base, []byte(`{"type":"object","properties":{"plan":{"enum":["free","pro"]}}}`), 0o644)
	ext := filepath.Join(dir, "ext.json")
	os.WriteFile(ext, []byte(`{"$ref":"base.json","required":["plan"]}`), 0o644)
	for range 20 {
		cs, err := validate.LoadCustomSchemas(map[string]string{"location": loc, "venue": loc},
			map[types.Kind]string{types.KindUser: ext, types.KindGroupMember: base, types.KindGroup: ext})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := validate.New(validate.Options{Custom: cs})
		if got := pointers(v.Check([]byte(`{"uid":"a","name":"A","status":"online","metadata":{"plan":"gold"}}`))); got != "enum /metadata/plan" {
			t.Fatalf("a user's metadata through a $ref: %q", got)
		}
	}
}

// TestSettingsFilesAreBounded: schema files, the files they $ref and
// .ccconform.json are read only when regular files of a bounded size; a
// named pipe would make the run wait for ever, /dev/zero fill memory.
func TestSettingsFilesAreBounded(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// A file of a gigabyte, sparse: it takes no disk.
	huge := write("huge.json", "")
	if err := os.Truncate(huge, 1<<30); err != nil {
		t.Fatal(err)
	}
	refHuge := write("ref-huge.json", `{"$ref":"huge.json"}`)
	cases := []struct {
		name, file, want string
	}{
		{"a schema of a gigabyte", huge, "huge.json is larger than 8 MiB"},
		{"a $ref to a schema of a gigabyte", refHuge, "huge.json is larger than 8 MiB"},
		{"a directory", dir, "is a directory, not a regular file"},
	}
	if fi, err := os.Stat("/dev/zero"); err == nil && fi.Mode()&os.ModeDevice != 0 {
		cases = append(cases, struct{ name, file, want string }{"/dev/zero", "/dev/zero", "/dev/zero is a device, not a regular file: name a JSON Schema file"})
		link := filepath.Join(dir, "zero.json")
		if os.Symlink("/dev/zero", link) == nil {
			cases = append(cases, struct{ name, file, want string }{"a link to /dev/zero", link, "zero.json is a device"},
				struct{ name, file, want string }{"a $ref to /dev/zero", write("ref-zero.json", `{"$ref":"zero.json"}`), "zero.json is a device"})
		}
	}
	pipe := filepath.Join(dir, "pipe.json")
	if mkfifo(pipe) == nil {
		cases = append(cases, struct{ name, file, want string }{"a named pipe", pipe, "pipe.json is a named pipe, not a regular file"},
			struct{ name, file, want string }{"a $ref to a named pipe", write("ref-pipe.json", `{"$ref":"pipe.json"}`), "pipe.json is a named pipe"})
	}
	for _, c := range cases {
		for _, meta := range []bool{false, true} {
			var err error
			if meta {
				_, err = validate.LoadCustomSchemas(nil, map[types.Kind]string{types.KindUser: c.file})
			} else {
				_, err = validate.LoadCustomSchemas(map[string]string{"location": c.file}, nil)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s (metadata %v): %v, want an error saying %q", c.name, meta, err, c.want)
			}
		}
	}

	// .ccconform.json: a named pipe, a device or a large file is an error
	// that names it; a directory is still passed over.
	configs := map[string]func(path string) error{
		"larger than 1 MiB": func(path string) error { return os.WriteFile(path, bytes.Repeat([]byte(" "), 1<<20+1), 0o644) },
		"a named pipe":      mkfifo,
		"a device":          func(path string) error { return os.Symlink("/dev/zero", path) },
	}
	for want, make := range configs {
		root := t.TempDir()
		os.Mkdir(filepath.Join(root, ".git"), 0o755)
		deep := filepath.Join(root, "a", "b")
		os.MkdirAll(deep, 0o755)
		path := filepath.Join(root, "a", validate.ConfigName)
		if err := make(path); err != nil {
			t.Logf("cannot make a config %s here: %v", want, err)
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Logf("cannot make a config %s here: %v", want, err)
			continue
		}
		cfg, err := validate.FindConfig(deep)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("a config %s: %+v, %v; want an error naming it and saying %q", want, cfg, err, want)
		}
	}
}

// mkfifo makes a named pipe at path, where the system has them.
func mkfifo(path string) error {
	if runtime.GOOS == "windows" {
		return errors.ErrUnsupported
	}
	mk, err := exec.LookPath("mkfifo")
	if err != nil {
		return err
	}
	return exec.Command(mk, path).Run()
}

// TestConfigNotFromSharedDirectories checks that a config in a directory
// anyone may write to, such as /tmp, is not taken from below it.
func TestConfigNotFromSharedDirectories(t *testing.T) {
	shared := t.TempDir()
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, validate.ConfigName), []byte(`{"disable": ["json"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	below := filepath.Join(shared, "project")
	if err := os.Mkdir(below, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := validate.FindConfig(below)
	if err != nil || cfg != nil {
		t.Fatalf("from below a shared directory: %+v, %v; want none", cfg, err)
	}
	// Started in it, the user chose it.
	if cfg, err := validate.FindConfig(shared); err != nil || cfg == nil || len(cfg.Disable) != 1 {
		t.Fatalf("in the shared directory itself: %+v, %v", cfg, err)
	}
}
