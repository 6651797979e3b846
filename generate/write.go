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
	switch out.Format {
	case "ndjson", "json", "files":
	default:
		return fmt.Errorf("unknown format %q: use %s", out.Format, strings.Join(Formats(), ", "))
	}
	if n < 0 {
		return fmt.Errorf("cannot make %d documents", n)
	}
	if invalid && out.Format == "json" {
		return fmt.Errorf("broken documents cannot share one JSON array (a truncated one would break it): use --format ndjson or files")
	}
	w := out.W
	ownManifest := false // Write made the manifest, so it starts it with the header
	if out.Dir != "" {
		if err := os.MkdirAll(out.Dir, 0o755); err != nil {
			return err
		}
		if out.Format != "files" {
			f, err := os.Create(filepath.Join(out.Dir, "fixtures."+out.Format))
			if err != nil {
				return err
			}
			defer f.Close()
			w = f
		}
		if invalid && out.Manifest == nil {
			ownManifest = true
			f, err := os.Create(filepath.Join(out.Dir, "manifest.tsv"))
			if err != nil {
				return err
			}
			defer f.Close()
			out.Manifest = f
		}
	} else if out.Format == "files" {
		return fmt.Errorf("--format files needs -o DIR")
	}
	var bw *bufio.Writer
	if w != nil {
		bw = bufio.NewWriterSize(w, 1<<16)
	}
	var mw *bufio.Writer
	if out.Manifest != nil {
		mw = bufio.NewWriter(out.Manifest)
		if ownManifest {
			fmt.Fprintln(mw, ManifestHeader)
		}
	}
	if out.Format == "json" {
		bw.WriteString("[")
	}
	line := 0
	err := g.Stream(ctx, k, n, invalid, func(it Item) error {
		where := ""
		switch out.Format {
		case "ndjson":
			line++
			where = fmt.Sprintf("line %d", line)
			bw.Write(it.JSON)
			if err := bw.WriteByte('\n'); err != nil {
				return err
			}
		case "json":
			if it.Index > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
			var buf bytes.Buffer
			json.Indent(&buf, it.JSON, "  ", "  ")
			bw.WriteString("  ")
			if _, err := bw.Write(buf.Bytes()); err != nil {
				return err
			}
		case "files":
			name := fmt.Sprintf("%s-%05d.json", it.Kind, it.Index)
			where = name
			b := it.JSON
			var buf bytes.Buffer
			if json.Indent(&buf, it.JSON, "", "  ") == nil {
				b = append(buf.Bytes(), '\n')
			}
			if err := os.WriteFile(filepath.Join(out.Dir, name), b, 0o644); err != nil {
				return err
			}
		}
		if mw != nil && it.Mutant != nil {
			m := it.Mutant
			fmt.Fprintf(mw, "%s\t%s\t%s\t%s\t%s\t%v\t%s\n", where, m.Kind, m.Profile, m.Rule, m.Pointer, m.Strict, m.Fault)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if out.Format == "json" {
		bw.WriteString("\n]\n")
	}
	if bw != nil {
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	if mw != nil {
		return mw.Flush()
	}
	return nil
}
