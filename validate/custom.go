package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// CustomSchemas are a team's own JSON Schemas for the parts of the model
// the documentation leaves free: the customData of custom messages, by
// their type, and the metadata of documents, by their kind. The validator
// applies them after the model's own checks; their violations carry the
// full pointer (/data/customData/latitude).
type CustomSchemas struct {
	// Data gives the schema of customData for custom messages of a type.
	Data map[string]*jsonschema.Schema
	// Metadata gives the schema of metadata for documents of a kind.
	Metadata map[types.Kind]*jsonschema.Schema
	// Files names the file each schema came from, by "type T" or
	// "metadata of K", for messages.
	Files map[string]string
}

// LoadCustomSchemas compiles the schema files named: data maps a custom
// message type to the schema of its customData, metadata a kind to the
// schema of its metadata. Schemas are draft 2020-12 unless they say
// otherwise, formats are asserted, and a $ref may name other local files
// but nothing on the network.
func LoadCustomSchemas(data map[string]string, metadata map[types.Kind]string) (*CustomSchemas, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(jsonschema.SchemeURLLoader{"file": schemaLoader{}})
	cs := &CustomSchemas{Data: map[string]*jsonschema.Schema{}, Metadata: map[types.Kind]*jsonschema.Schema{}, Files: map[string]string{}}
	// compile reads each file first, to say plainly what is wrong with
	// it, then compiles it through the loader, which reads a file once
	// however many types name it or $ref it.
	compiled := map[string]*jsonschema.Schema{}
	compile := func(what, file string) (*jsonschema.Schema, error) {
		abs, err := filepath.Abs(file)
		if err != nil {
			return nil, err
		}
		if s, ok := compiled[abs]; ok {
			cs.Files[what] = file
			return s, nil
		}
		b, err := readSchemaFile(abs)
		if err != nil {
			return nil, fmt.Errorf("the schema for %s: %w", what, err)
		}
		if _, err := jsonschema.UnmarshalJSON(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("the schema for %s, %s, is not JSON: %v", what, file, err)
		}
		s, err := c.Compile(abs)
		if err != nil {
			return nil, fmt.Errorf("the schema for %s, %s, does not compile: %v", what, file, err)
		}
		compiled[abs] = s
		cs.Files[what] = file
		return s, nil
	}
	// In a fixed order, so that errors and loading do not depend on map
	// order.
	typeNames := make([]string, 0, len(data))
	for t := range data {
		typeNames = append(typeNames, t)
	}
	sort.Strings(typeNames)
	kinds := make([]string, 0, len(metadata))
	for k := range metadata {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	for _, typ := range typeNames {
		file := data[typ]
		if typ == "" {
			return nil, fmt.Errorf("a custom schema needs a message type: write TYPE=FILE, as in location=schemas/location.json")
		}
		s, err := compile("type "+typ, file)
		if err != nil {
			return nil, err
		}
		cs.Data[typ] = s
	}
	for _, name := range kinds {
		k := types.Kind(name)
		file := metadata[k]
		if _, err := types.ParseKind(string(k)); err != nil {
			return nil, fmt.Errorf("metadata schema: %v", err)
		}
		s, err := compile("metadata of "+string(k), file)
		if err != nil {
			return nil, err
		}
		cs.Metadata[k] = s
	}
	return cs, nil
}

// The files a run reads for its settings are bounded, and read only when
// they are regular files: a schema is kilobytes and a config a few lines,
// and a name that leads to /dev/zero would fill memory, a named pipe wait
// for ever.
const (
	maxSchemaBytes = 8 << 20 // a custom schema, and each file it $refs
	maxConfigBytes = 1 << 20 // .ccconform.json
)

// readSchemaFile reads a custom schema file, within maxSchemaBytes.
func readSchemaFile(path string) ([]byte, error) {
	return readSettings(path, maxSchemaBytes, "name a JSON Schema file",
		"name the schema file itself, not a file of documents, or split it into files that $ref each other")
}

// A refusedFile is a settings file that is there but is not read: not a
// regular file, or too large.
type refusedFile struct{ msg string }

func (e *refusedFile) Error() string { return e.msg }

// readSettings reads path, which must be a regular file of at most limit
// bytes. notFile says what to do instead of naming something else, tooBig
// what to do about a larger file.
func readSettings(path string, limit int64, notFile, tooBig string) ([]byte, error) {
	// Stat before opening: opening a named pipe waits for a writer.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &refusedFile{fmt.Sprintf("%s is %s, not a regular file: %s", path, fileType(fi.Mode()), notFile)}
	}
	if fi.Size() > limit {
		return nil, tooLarge(path, limit, tooBig)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have grown since: read one byte past the limit to know.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, tooLarge(path, limit, tooBig)
	}
	return b, nil
}

// fileType names a file type that is not a regular file, for a person.
func fileType(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func tooLarge(path string, limit int64, fix string) error {
	return &refusedFile{fmt.Sprintf("%s is larger than %d MiB, the most it may hold: %s", path, limit>>20, fix)}
}

// schemaLoader loads the files a custom schema $refs, as
// jsonschema.FileLoader does, within the limits of readSchemaFile.
type schemaLoader struct{}

func (schemaLoader) Load(url string) (any, error) {
	path, err := jsonschema.FileLoader{}.ToFile(url)
	if err != nil {
		return nil, err
	}
	b, err := readSchemaFile(path)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// Config is a project's .ccconform.json. Its keys mirror the command
// line's flags (a flag given on the command line wins), and add custom
// schemas and the violations a team has decided to live with. Paths are
// relative to the file.
//
//	{
//	  "customData": {"location": "schemas/location.json"},
//	  "metadata": {"user": "schemas/user-metadata.json"},
//	  "profile": "rest",
//	  "strict": true,
//	  "exclude": ["fixtures/generated/invalid/**"],
//	  "disable": ["timestamp-unit"],
//	  "ignore": [{"rule": "unknown-field", "kind": "user", "pointer": "/metadata/**", "reason": "our own fields"}]
//	}
type Config struct {
	CustomData map[string]string `json:"customData"`
	Metadata   map[string]string `json:"metadata"`

	Kind        string `json:"kind"`
	Profile     string `json:"profile"`
	Strict      *bool  `json:"strict"`
	Coverage    *bool  `json:"coverage"`
	Format      string `json:"format"`
	InputFormat string `json:"input-format"`
	HeaderFile  string `json:"header-file"`
	// Exclude lists patterns of input files not to read (see --exclude).
	Exclude []string `json:"exclude"`
	// Disable and Ignore are Options.Disable and Options.Ignore.
	Disable []string      `json:"disable"`
	Ignore  []Suppression `json:"ignore"`

	// Path is where the file was found.
	Path string `json:"-"`
}

// configKeys lists the keys a Config may hold, as written.
var configKeys = []string{"customData", "metadata", "kind", "profile", "strict", "coverage", "format",
	"input-format", "header-file", "exclude", "disable", "ignore"}

// ConfigName is the file FindConfig looks for.
const ConfigName = ".ccconform.json"

// FindConfig looks for .ccconform.json in dir and each directory above
// it, up to the root of the git repository that holds dir, the home
// directory, or a directory anyone may write to (whose config it does not
// read), and reads the first found; it returns nil and no error when
// there is none. A file that cannot be read (a directory of that name, no
// permission) is passed over; one that is not a config, not a regular file
// (a named pipe, a device) or larger than 1 MiB is an error.
func FindConfig(dir string) (*Config, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	home, _ := os.UserHomeDir()
	for {
		path := filepath.Join(dir, ConfigName)
		var b []byte
		err := fs.ErrNotExist
		if fi, serr := os.Stat(path); serr == nil && !fi.IsDir() {
			b, err = readSettings(path, maxConfigBytes, "remove it, or make it a file that holds the config",
				`a config holds "customData": {TYPE: FILE} and "metadata": {KIND: FILE}, naming schema files rather than holding them`)
			var refused *refusedFile
			if errors.As(err, &refused) {
				return nil, err
			}
		}
		if err == nil {
			var cfg Config
			// Keys exactly as written: encoding/json alone would take
			// "customdata" for "customData".
			var keys map[string]json.RawMessage
			err := json.Unmarshal(b, &keys)
			for k := range keys {
				if !slices.Contains(configKeys, k) && err == nil {
					err = fmt.Errorf("unknown key %q: a config holds %s", k, strings.Join(configKeys, ", "))
				}
			}
			if err == nil {
				err = json.Unmarshal(b, &cfg)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
			cfg.Path = path
			base := filepath.Dir(path)
			for k, f := range cfg.CustomData {
				if !filepath.IsAbs(f) {
					cfg.CustomData[k] = filepath.Join(base, f)
				}
			}
			for k, f := range cfg.Metadata {
				if !filepath.IsAbs(f) {
					cfg.Metadata[k] = filepath.Join(base, f)
				}
			}
			if cfg.HeaderFile != "" && !filepath.IsAbs(cfg.HeaderFile) {
				cfg.HeaderFile = filepath.Join(base, cfg.HeaderFile)
			}
			return &cfg, nil
		}
		// The walk stops at a repository's root and at home: a config
		// above them is someone else's.
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || dir == home {
			return nil, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		// Nor is one in a directory anyone may write to, such as /tmp:
		// anybody could have put it there.
		if fi, err := os.Stat(parent); err == nil && fi.Mode().Perm()&0o002 != 0 {
			return nil, nil
		}
		dir = parent
	}
}

// customDataPaths and metadataPaths are where a document keeps the values
// the custom schemas judge.
var (
	customDataPaths = [][]string{{"customData"}, {"data", "customData"}}
	metadataPaths   = [][]string{{"metadata"}, {"data", "metadata"}}
)

// applies reports whether a custom schema judges a part of a document of
// kind k whose top-level type is typ.
func (cs *CustomSchemas) applies(k types.Kind, typ string) bool {
	if cs == nil {
		return false
	}
	if _, ok := cs.Metadata[k]; ok {
		return true
	}
	_, ok := cs.Data[typ]
	return ok && k == types.KindCustomMessage
}

// check applies the custom schemas to the parsed document m of kind k.
func (cs *CustomSchemas) check(m map[string]any, k types.Kind) []Violation {
	if cs == nil {
		return nil
	}
	d := &doc{m: m}
	var vs []Violation
	apply := func(s *jsonschema.Schema, paths [][]string) {
		for _, path := range paths {
			v, ok := d.get(path...)
			if !ok {
				continue
			}
			found, _ := schemaViolations(s.Validate(v), true)
			prefix := ptr(path...)
			for _, f := range found {
				f.Pointer = prefix + f.Pointer
				if f.related != "" {
					f.related = prefix + f.related
				}
				vs = append(vs, f)
			}
		}
	}
	if typ, _ := m["type"].(string); k == types.KindCustomMessage && cs.Data[typ] != nil {
		apply(cs.Data[typ], customDataPaths)
	}
	if s := cs.Metadata[k]; s != nil {
		apply(s, metadataPaths)
	}
	return vs
}

// Describe lists the schemas, one a line, for a diagnostic.
func (cs *CustomSchemas) Describe() string {
	var lines []string
	for what, file := range cs.Files {
		lines = append(lines, what+": "+file)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
