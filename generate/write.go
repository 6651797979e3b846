package generate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// Formats lists the layouts Write produces.
func Formats() []string { return []string{"ndjson", "json", "files"} }

// Output says where and how Write puts documents.
type Output struct {
	// Format is ndjson (one document a line), json (one array) or files
	// (one file per document, named <kind>-<index>.json, in Dir).
	Format string
	// Dir is the directory for files; for ndjson and json, when set,
	// documents go to Dir/fixtures.ndjson or Dir/fixtures.json instead of W.
	Dir string
	// W receives ndjson and json output when Dir is empty.
	W io.Writer
	// Manifest, when set, receives the labels of mutants as tab-separated
	// lines: where (file or line), kind, profile, rule, pointer, strict,
	// fault; the caller writes ManifestHeader first. With Dir and mutants it
	// defaults to Dir/manifest.tsv, header included.
	Manifest io.Writer
}

// ManifestHeader is the first line of a manifest.
const ManifestHeader = "where\tkind\tprofile\trule\tpointer\tstrict\tfault"

// Write makes n documents of kind k ("" for a mix), or mutants when invalid
// is set, and writes them as out says.
func (g *Generator) Write(ctx context.Context, k types.Kind, n int, invalid bool, out Output) error {
	if n < 0 {
		return fmt.Errorf("cannot make %d documents", n)
	}
	s, err := newSink(out, invalid)
	if err != nil {
		return err
	}
	err = g.Stream(ctx, k, n, invalid, func(it Item) error {
		return s.add(string(it.Kind), it.Index, it.JSON, it.Mutant)
	})
	return s.close(err)
}

// sink writes generated documents, one after another, as an Output says:
// what Write and WriteWebhooks share.
type sink struct {
	out         Output
	bw, mw      *bufio.Writer
	files       []*os.File
	ownManifest bool // the sink made the manifest, so it starts it with the header
	line        int
}

// newSink checks out and opens what it names.
func newSink(out Output, invalid bool) (*sink, error) {
	switch out.Format {
	case "ndjson", "json", "files":
	default:
		return nil, fmt.Errorf("unknown format %q: use %s", out.Format, strings.Join(Formats(), ", "))
	}
	if invalid && out.Format == "json" {
		return nil, fmt.Errorf("broken documents cannot share one JSON array (a truncated one would break it): use --format ndjson or files")
	}
	s := &sink{out: out}
	w := out.W
	if out.Dir != "" {
		if err := os.MkdirAll(out.Dir, 0o755); err != nil {
			return nil, err
		}
		if out.Format != "files" {
			f, err := os.Create(filepath.Join(out.Dir, "fixtures."+out.Format))
			if err != nil {
				return nil, err
			}
			s.files = append(s.files, f)
			w = f
		}
		if invalid && out.Manifest == nil {
			f, err := os.Create(filepath.Join(out.Dir, "manifest.tsv"))
			if err != nil {
				s.closeFiles()
				return nil, err
			}
			s.files = append(s.files, f)
			s.out.Manifest, s.ownManifest = f, true
		}
	} else if out.Format == "files" {
		return nil, fmt.Errorf("--format files needs -o DIR")
	}
	if w != nil {
		s.bw = bufio.NewWriterSize(w, 1<<16)
	}
	if s.out.Manifest != nil {
		s.mw = bufio.NewWriter(s.out.Manifest)
		if s.ownManifest {
			fmt.Fprintln(s.mw, ManifestHeader)
		}
	}
	if out.Format == "json" {
		s.bw.WriteString("[")
	}
	return s, nil
}

// add writes the document b, the index-th, named after name (a kind or a
// trigger) in the files layout, and its label when it is a mutant.
func (s *sink) add(name string, index int, b []byte, m *Mutant) error {
	where := ""
	switch s.out.Format {
	case "ndjson":
		s.line++
		where = fmt.Sprintf("line %d", s.line)
		s.bw.Write(b)
		if err := s.bw.WriteByte('\n'); err != nil {
			return err
		}
	case "json":
		if index > 0 {
			s.bw.WriteString(",")
		}
		s.bw.WriteString("\n")
		var buf bytes.Buffer
		json.Indent(&buf, b, "  ", "  ")
		s.bw.WriteString("  ")
		if _, err := s.bw.Write(buf.Bytes()); err != nil {
			return err
		}
	case "files":
		where = fmt.Sprintf("%s-%05d.json", name, index)
		var buf bytes.Buffer
		if json.Indent(&buf, b, "", "  ") == nil {
			b = append(buf.Bytes(), '\n')
		}
		if err := os.WriteFile(filepath.Join(s.out.Dir, where), b, 0o644); err != nil {
			return err
		}
	}
	if s.mw != nil && m != nil {
		fmt.Fprintf(s.mw, "%s\t%s\t%s\t%s\t%s\t%v\t%s\n", where, m.Kind, m.Profile, m.Rule, m.Pointer, m.Strict, m.Fault)
	}
	return nil
}

// close ends the output after err, the error of making it, if any, and
// closes what newSink opened.
func (s *sink) close(err error) error {
	defer s.closeFiles()
	if err != nil {
		return err
	}
	if s.out.Format == "json" {
		s.bw.WriteString("\n]\n")
	}
	if s.bw != nil {
		if err := s.bw.Flush(); err != nil {
			return err
		}
	}
	if s.mw != nil {
		return s.mw.Flush()
	}
	return nil
}

func (s *sink) closeFiles() {
	for _, f := range s.files {
		f.Close()
	}
	s.files = nil
}
