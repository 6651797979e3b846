package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// The pipeline removes or replaces a file in its output directory only
// when it can tell the file is one an earlier run wrote: by its name and
// its content, never by its name alone.

// shardPattern is the name of a verdict shard, as ShardName writes it.
var shardPattern = regexp.MustCompile(`^verdicts-[0-9]{5,}-of-[0-9]{5,}\.jsonl$`)

// htmlMark ends the report.html the pipeline writes, after the document
// (a comment, which HTML allows there): the HTML report of ccconform
// validate has no such end, so a report a user wrote into the output
// directory is told from the pipeline's own.
const htmlMark = "\n<!-- written by ccconform-beam -->\n"

// maxOwnLine bounds what is read of a file to tell whether it is the
// pipeline's: a summary (coverage included) or a verdict line is far
// smaller.
const maxOwnLine = 16 << 20

// readHead reads the first line of name (with its newline), at most
// maxOwnLine bytes, and whether more follows it.
func readHead(ctx context.Context, name string) (line []byte, more bool, err error) {
	r, err := openAt(ctx, name, 0)
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	br := bufio.NewReader(io.LimitReader(r, maxOwnLine+1))
	line, err = br.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, fmt.Errorf("reading %s: %w", name, err)
	}
	_, err = br.Peek(1)
	return line, err == nil, nil
}

// isOwnSummary reports whether the summary.json at name is one the
// pipeline wrote: one line, {"summary": {...}} and nothing else.
func isOwnSummary(ctx context.Context, name string) (bool, error) {
	line, more, err := readHead(ctx, name)
	if err != nil || more || !bytes.HasSuffix(line, []byte("\n")) {
		return false, err
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(line, &obj) != nil || len(obj) != 1 {
		return false, nil
	}
	s := bytes.TrimSpace(obj["summary"])
	return len(s) > 0 && s[0] == '{', nil
}

// isOwnShard reports whether the file at name is a verdict shard the
// pipeline wrote: named as ShardName names one, its first line a verdict
// (a JSON object with a location).
func isOwnShard(ctx context.Context, name string) (bool, error) {
	if !shardPattern.MatchString(path.Base(name)) {
		return false, nil
	}
	line, _, err := readHead(ctx, name)
	if err != nil {
		return false, err
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(line, &obj) != nil {
		return false, nil
	}
	_, ok := obj["location"]
	return ok, nil
}

// isOwnHTML reports whether the report.html at name is one the pipeline
// wrote: it ends with htmlMark.
func isOwnHTML(ctx context.Context, fs filesystem.Interface, name string) (bool, error) {
	size, err := fs.Size(ctx, name)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", name, err)
	}
	if size < int64(len(htmlMark)) {
		return false, nil
	}
	r, err := openAt(ctx, name, size-int64(len(htmlMark)))
	if err != nil {
		return false, err
	}
	defer r.Close()
	tail, err := io.ReadAll(io.LimitReader(r, int64(len(htmlMark))))
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", name, err)
	}
	return string(tail) == htmlMark, nil
}

// notOwn is the error for a file in the output directory that the
// pipeline would replace or remove but did not write.
func notOwn(dir, name, what string) error {
	return fmt.Errorf("--output %s holds %s, which is not %s this command wrote, and a run would replace or remove it: choose another --output (or move the file away)", dir, name, what)
}

// exists reports whether name is there, through fs.
func exists(ctx context.Context, fs filesystem.Interface, name string) (bool, error) {
	files, err := fs.List(ctx, name)
	if err != nil {
		return false, fmt.Errorf("listing %s: %w", name, err)
	}
	return len(files) > 0, nil
}

// checkOwn refuses an output directory that holds a summary.json or a
// file named as a verdict shard that the pipeline did not write, or, when
// this run writes one (html), a report.html it did not write. It removes
// nothing.
func checkOwn(ctx context.Context, dir string, html bool) error {
	fs, err := filesystem.New(ctx, join(dir, SummaryFile))
	if err != nil {
		return err
	}
	defer fs.Close()
	shards, err := fs.List(ctx, join(dir, "verdicts-*-of-*.jsonl"))
	if err != nil {
		return fmt.Errorf("listing %s: %w", dir, err)
	}
	for _, s := range shards {
		if ok, err := isOwnShard(ctx, s); err != nil {
			return err
		} else if !ok {
			return notOwn(dir, s, "a verdict file")
		}
	}
	if err := checkOwnFile(ctx, fs, dir, SummaryFile); err != nil {
		return err
	}
	if html {
		return checkOwnFile(ctx, fs, dir, HTMLFile)
	}
	return nil
}

// checkOwnFile refuses dir's summary.json or report.html (base) when it
// is there and the pipeline did not write it.
func checkOwnFile(ctx context.Context, fs filesystem.Interface, dir, base string) error {
	name := join(dir, base)
	there, err := exists(ctx, fs, name)
	if err != nil || !there {
		return err
	}
	var ok bool
	what := "a summary"
	if base == HTMLFile {
		ok, err = isOwnHTML(ctx, fs, name)
		what = "a report"
	} else {
		ok, err = isOwnSummary(ctx, name)
	}
	if err != nil {
		return err
	}
	if !ok {
		return notOwn(dir, name, what)
	}
	return nil
}

// removeOld removes from dir, through fs, the verdict shards an earlier
// run wrote that are not among this run's (keep), and, when this run
// writes no report (!html), an earlier run's report.html. Files it cannot
// tell for the pipeline's are left where they are.
func removeOld(ctx context.Context, fs filesystem.Interface, dir string, keep map[string]bool, html bool) error {
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("cannot remove the verdict files of an earlier run from %s: its filesystem does not remove files", dir)
	}
	shards, err := fs.List(ctx, join(dir, "verdicts-*-of-*.jsonl"))
	if err != nil {
		return fmt.Errorf("listing %s: %w", dir, err)
	}
	var old []string
	for _, s := range shards {
		if keep[s] {
			continue
		}
		if ok, err := isOwnShard(ctx, s); err != nil {
			return err
		} else if ok {
			old = append(old, s)
		}
	}
	if !html {
		name := join(dir, HTMLFile)
		if there, err := exists(ctx, fs, name); err != nil {
			return err
		} else if there {
			if ok, err := isOwnHTML(ctx, fs, name); err != nil {
				return err
			} else if ok {
				old = append(old, name)
			}
		}
	}
	for _, p := range old {
		if err := rm.Remove(ctx, p); err != nil {
			return fmt.Errorf("cannot remove %s, an earlier run's: %w", p, err)
		}
	}
	return nil
}

// inOutput returns a matched input that lies in the output directory
// itself (not below it), or "".
func inOutput(files []Input, output string) string {
	if isLocal(output) {
		out := realDir(output)
		for _, f := range files {
			if isLocal(f.Path) && realDir(filepath.Dir(f.Path)) == out {
				return f.Path
			}
		}
		return ""
	}
	out := strings.TrimRight(output, "/")
	for _, f := range files {
		if i := strings.LastIndex(f.Path, "/"); i >= 0 && strings.TrimRight(f.Path[:i], "/") == out {
			return f.Path
		}
	}
	return ""
}

// realDir is dir made absolute, its links followed where they can be.
func realDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return filepath.Clean(dir)
}
