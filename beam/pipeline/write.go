package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
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
// verdicts-00003-of-00008.jsonl: one per bundle that had verdicts to
// write, so n is the runner's choice.
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

// tempPrefix starts the names of the files that bundles write their
// verdicts to, before finalizeFn names them as shards.
const tempPrefix = ".tmp-verdicts-"

// tempName is a name for a bundle's file of verdicts, unlike any other: a
// retried bundle writes a new file, and the one its failed attempt left is
// removed by finalizeFn.
func tempName() string {
	var b [12]byte
	rand.Read(b[:])
	return tempPrefix + hex.EncodeToString(b[:]) + ".jsonl"
}

// bundleFile is a file being written through a Beam filesystem.
type bundleFile struct {
	path string
	fs   filesystem.Interface
	wc   io.WriteCloser
	w    *bufio.Writer
}

// openBundleFile creates path for writing.
func openBundleFile(ctx context.Context, path string) (*bundleFile, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	wc, err := fs.OpenWrite(ctx, path)
	if err != nil {
		fs.Close()
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return &bundleFile{path: path, fs: fs, wc: wc, w: bufio.NewWriterSize(wc, 256<<10)}, nil
}

// close flushes and closes the file.
func (b *bundleFile) close() error {
	defer b.fs.Close()
	if err := b.w.Flush(); err != nil {
		b.wc.Close()
		return fmt.Errorf("writing %s: %w", b.path, err)
	}
	if err := b.wc.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", b.path, err)
	}
	return nil
}

// finalizeFn names the bundles' files of verdicts as the shards of the
// output, in the order of their temporary names, and removes the files of
// bundles that failed and were retried. It runs once, on an impulse, with
// the names as a side input (one per bundle), and emits the shards' names.
//
// It then removes the verdict files of an earlier run that are not among
// the new ones, and the earlier report.html when this run writes none
// (HTML false), each only if its content shows the pipeline wrote it
// (removeOld); a file of a shard's name that the pipeline did not write
// fails the step instead of being replaced.
type finalizeFn struct {
	Dir  string
	HTML bool
}

func (f *finalizeFn) ProcessElement(ctx context.Context, _ []byte, temps func(*string) bool, emit func(string)) error {
	var names []string
	var n string
	for temps(&n) {
		names = append(names, n)
	}
	sort.Strings(names)
	fs, err := filesystem.New(ctx, f.Dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	keep := make(map[string]bool, len(names))
	for i, name := range names {
		shard := join(f.Dir, ShardName(i, len(names)))
		keep[shard] = true
		if there, err := exists(ctx, fs, shard); err != nil {
			return err
		} else if there {
			if ok, err := isOwnShard(ctx, shard); err != nil {
				return err
			} else if !ok {
				return notOwn(f.Dir, shard, "a verdict file")
			}
		}
		if err := filesystem.Rename(ctx, fs, name, shard); err != nil {
			return fmt.Errorf("naming %s %s: %w", name, shard, err)
		}
		emit(shard)
	}
	if err := removeOld(ctx, fs, f.Dir, keep, f.HTML); err != nil {
		return err
	}
	return removeMatches(ctx, fs, join(f.Dir, tempPrefix+"*.jsonl"))
}

// removeMatches removes the files that glob matches, through fs.
func removeMatches(ctx context.Context, fs filesystem.Interface, glob string) error {
	files, err := fs.List(ctx, glob)
	if err != nil {
		return fmt.Errorf("listing %s: %w", glob, err)
	}
	if len(files) == 0 {
		return nil
	}
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("cannot remove %s: its filesystem does not remove files", files[0])
	}
	for _, p := range files {
		if err := rm.Remove(ctx, p); err != nil {
			return fmt.Errorf("cannot remove %s: %w", p, err)
		}
	}
	return nil
}

// replaceable fails when dir holds a file named base (summary.json or
// report.html) that the pipeline did not write: the job does not write
// over it.
func replaceable(ctx context.Context, dir, base string) error {
	fs, err := filesystem.New(ctx, join(dir, base))
	if err != nil {
		return err
	}
	defer fs.Close()
	return checkOwnFile(ctx, fs, dir, base)
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
	if err := replaceable(ctx, f.Dir, SummaryFile); err != nil {
		return err
	}
	return create(ctx, join(f.Dir, SummaryFile), func(w io.Writer) error {
		_, err := w.Write(line)
		return err
	})
}

// writeHTMLFn writes report.html from the combined summary and the verdict
// shards, read back one line at a time on one worker (the report keeps a
// bounded number of violations).
type writeHTMLFn struct {
	Dir    string
	Strict bool
}

func (f *writeHTMLFn) ProcessElement(ctx context.Context, s *report.Summary, shards func(*string) bool) error {
	var names []string
	var n string
	for shards(&n) {
		names = append(names, n)
	}
	sort.Strings(names)
	if err := replaceable(ctx, f.Dir, HTMLFile); err != nil {
		return err
	}
	return create(ctx, join(f.Dir, HTMLFile), func(w io.Writer) error {
		rep, err := report.New("html", w, report.Options{Strict: f.Strict})
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := readVerdicts(ctx, name, func(vd validate.Verdict) error {
				if vd.OK() {
					return nil
				}
				return rep.Verdict(vd)
			}); err != nil {
				return err
			}
		}
		if err := rep.Close(s); err != nil {
			return err
		}
		_, err = io.WriteString(w, htmlMark)
		return err
	})
}

// readVerdicts reads back the verdict lines of a shard.
func readVerdicts(ctx context.Context, name string, each func(validate.Verdict) error) error {
	r, err := openAt(ctx, name, 0)
	if err != nil {
		return err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 256<<10)
	for {
		l, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(l)) > 0 {
			var vd validate.Verdict
			if err := json.Unmarshal(l, &vd); err != nil {
				return fmt.Errorf("reading a verdict of %s back: %w", name, err)
			}
			if err := each(vd); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
}
