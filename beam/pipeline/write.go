package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// SummaryFile, HTMLFile and the verdict shards are what the pipeline
// writes in its output directory.
const (
	SummaryFile = "summary.json"
	HTMLFile    = "report.html"
)

// ShardName is the name of the file of verdict shard i of n, as
// verdicts-00003-of-00008.jsonl. A shard without a verdict is not written.
func ShardName(i, n int) string { return fmt.Sprintf("verdicts-%05d-of-%05d.jsonl", i, n) }

// join puts name in dir, a local path or a URL.
func join(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// create opens path for writing, through the filesystem its scheme names.
func create(ctx context.Context, path string, write func(io.Writer) error) error {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := write(bw); err != nil {
		w.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		w.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeShardFn writes the verdict lines of one shard to their file. A
// runner that retries it rewrites the file whole.
type writeShardFn struct {
	Dir    string
	Shards int
}

func (f *writeShardFn) ProcessElement(ctx context.Context, shard int, lines func(*string) bool) error {
	return create(ctx, join(f.Dir, ShardName(shard, f.Shards)), func(w io.Writer) error {
		var l string
		for lines(&l) {
			if _, err := io.WriteString(w, l); err != nil {
				return err
			}
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		return nil
	})
}

// SummaryLine is the line ccconform validate --format json ends its report
// with: {"summary": ...} and a newline.
func SummaryLine(s *report.Summary) ([]byte, error) {
	var buf bytes.Buffer
	w, err := report.New("json", &buf, report.Options{})
	if err != nil {
		return nil, err
	}
	if err := w.Close(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeSummaryFn writes the combined summary to summary.json.
type writeSummaryFn struct {
	Dir string
}

func (f *writeSummaryFn) ProcessElement(ctx context.Context, s *report.Summary) error {
	line, err := SummaryLine(s)
	if err != nil {
		return err
	}
	return create(ctx, join(f.Dir, SummaryFile), func(w io.Writer) error {
		_, err := w.Write(line)
		return err
	})
}

// writeHTMLFn writes report.html from the combined summary and the verdict
// lines, read on one worker as a side input (the report keeps a bounded
// number of violations).
type writeHTMLFn struct {
	Dir    string
	Strict bool
}

func (f *writeHTMLFn) ProcessElement(ctx context.Context, s *report.Summary, lines func(*string) bool) error {
	return create(ctx, join(f.Dir, HTMLFile), func(w io.Writer) error {
		rep, err := report.New("html", w, report.Options{Strict: f.Strict})
		if err != nil {
			return err
		}
		var l string
		for lines(&l) {
			var vd validate.Verdict
			if err := json.Unmarshal([]byte(l), &vd); err != nil {
				return fmt.Errorf("reading a verdict back: %w", err)
			}
			if vd.OK() {
				continue
			}
			if err := rep.Verdict(vd); err != nil {
				return err
			}
		}
		return rep.Close(s)
	})
}
