package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/webhook"
)

// DefaultSplitBytes is how many bytes of an NDJSON file one split holds
// when Options.SplitBytes is 0: large enough that a split's set-up is
// nothing beside its checking, small enough that a large file keeps many
// workers busy.
const DefaultSplitBytes = 64 << 20

// Options say what the pipeline reads, how it checks, and what it writes.
type Options struct {
	// Input is a glob of the files to check: local, gs:// or s3://.
	Input string
	// Output is the directory the verdicts, summary.json and report.html
	// go to: local, gs:// or s3://.
	Output string
	// Check is how each document is checked.
	Check Check
	// All writes the verdict of every document, not only of those that do
	// not conform.
	All bool
	// SplitBytes is the size of the splits of an NDJSON file
	// (DefaultSplitBytes when 0); files of other layouts are read whole.
	SplitBytes int64
	// HTML also writes report.html, the HTML report of the verdicts that
	// do not conform and of the summary (with coverage when counted).
	HTML bool
}

// Check holds what ccconform validate's flags of the same names say. Its
// fields are exported so that a runner can ship them to its workers.
type Check struct {
	// Kind checks every document as this kind; "" or "auto" detects each,
	// and "webhook" reads each as a webhook delivery.
	Kind string
	// Trigger reads every document as a webhook delivery of this trigger
	// (Kind "", "auto" or "webhook").
	Trigger string
	// Profile checks every document in this profile; "" or "auto" detects
	// each.
	Profile string
	// Strict makes undocumented fields violations.
	Strict bool
	// Coverage counts which fields, enum values and pairs were seen.
	Coverage bool
	// Disable lists rule ids whose violations are suppressed.
	Disable []string
	// Schemas are the custom schemas, read where the pipeline is launched:
	// workers have no access to the launcher's files.
	Schemas []Schema
}

// Schema is a custom schema and the file it came from.
type Schema struct {
	// Name is the custom message type (for customData) or the kind (for
	// metadata) it applies to.
	Name string
	// Metadata says the schema is of metadata, not of customData.
	Metadata bool
	// File is the path it was read from, as given.
	File string
	// Content is the file's bytes.
	Content []byte
}

// ReadSchemas reads the custom schemas of --custom-schema TYPE=FILE and
// --metadata-schema KIND=FILE where the pipeline is launched, to ship them
// to the workers (Check.Validate then compiles them). A schema's $ref to
// another file is not carried.
func ReadSchemas(customData, metadata []string) ([]Schema, error) {
	var out []Schema
	add := func(flag string, pairs []string, meta bool) error {
		for _, p := range pairs {
			name, file, ok := strings.Cut(p, "=")
			if !ok || name == "" || file == "" {
				return fmt.Errorf("--%s %q: write NAME=FILE, as in location=schemas/location.json", flag, p)
			}
			if meta {
				if _, err := types.ParseKind(name); err != nil {
					return fmt.Errorf("--%s: %v", flag, err)
				}
			}
			b, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("--%s: cannot read %s: %v", flag, file, unwrapPath(err))
			}
			out = append(out, Schema{Name: name, Metadata: meta, File: file, Content: b})
		}
		return nil
	}
	if err := add("custom-schema", customData, false); err != nil {
		return nil, err
	}
	if err := add("metadata-schema", metadata, true); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Metadata && out[j].Metadata })
	return out, nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// options turns c into the validator's options.
func (c Check) options() (validate.Options, error) {
	opts := validate.Options{Strict: c.Strict, Coverage: c.Coverage, Disable: c.Disable}
	switch c.Kind {
	case "", "auto":
	case string(types.KindWebhook):
		opts.Kind = types.KindWebhook
	default:
		k, err := types.ParseKind(c.Kind)
		if err != nil {
			return opts, fmt.Errorf("--kind: %v (or auto, or webhook)", err)
		}
		opts.Kind = k
	}
	if c.Trigger != "" {
		// As ccconform validate reads --trigger.
		if opts.Kind != "" && opts.Kind != types.KindWebhook {
			return opts, fmt.Errorf("--trigger reads every document as a webhook delivery: give --kind webhook or no --kind, not --kind %s", c.Kind)
		}
		if _, err := webhook.Parse(c.Trigger); err != nil {
			return opts, fmt.Errorf("--trigger: %v", err)
		}
		opts.Trigger = c.Trigger
	}
	if c.Profile != "" && c.Profile != "auto" {
		p, err := types.ParseProfile(c.Profile)
		if err != nil {
			return opts, err
		}
		opts.Profile = p
	}
	if len(c.Schemas) == 0 {
		return opts, nil
	}
	// The schemas are compiled from files, as the command line compiles
	// them: each is written to a directory of its own, under its own name.
	dir, err := os.MkdirTemp("", "ccconform-schemas-")
	if err != nil {
		return opts, err
	}
	defer os.RemoveAll(dir)
	data, meta := map[string]string{}, map[types.Kind]string{}
	for i, s := range c.Schemas {
		d := filepath.Join(dir, fmt.Sprint(i))
		if err := os.Mkdir(d, 0o700); err != nil {
			return opts, err
		}
		f := filepath.Join(d, filepath.Base(s.File))
		if err := os.WriteFile(f, s.Content, 0o600); err != nil {
			return opts, err
		}
		if s.Metadata {
			meta[types.Kind(s.Name)] = f
		} else {
			data[s.Name] = f
		}
	}
	cs, err := validate.LoadCustomSchemas(data, meta)
	if err != nil {
		// Name the file as given, not the copy.
		msg := err.Error()
		for i, s := range c.Schemas {
			msg = strings.ReplaceAll(msg, filepath.Join(dir, fmt.Sprint(i), filepath.Base(s.File)), s.File)
		}
		return opts, errors.New(msg)
	}
	for _, s := range c.Schemas {
		what := "type " + s.Name
		if s.Metadata {
			what = "metadata of " + s.Name
		}
		cs.Files[what] = s.File
	}
	opts.Custom = cs
	return opts, nil
}

// Validate checks c as the workers will read it: the kind, the profile,
// the rule ids and the custom schemas, compiled. The pipeline checks it
// before anything is launched.
func (c Check) Validate() error {
	_, err := c.validator()
	return err
}

// validator returns a Validator with c's options.
func (c Check) validator() (*validate.Validator, error) {
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	return validate.New(opts)
}
