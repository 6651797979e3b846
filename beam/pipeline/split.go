package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/ccconform/ccconform/validate"
)

// Split is a part of an input file that one worker checks: a whole file,
// or a run of whole lines of an NDJSON file, with the number of the line
// it starts on, so that its verdicts name lines as the command line does.
type Split struct {
	// Path names the file, as the glob matched it.
	Path string
	// Start and End are the split's bytes, [Start, End).
	Start, End int64
	// Line is the line Start is on, from 1.
	Line int64
	// Whole says the split is the whole file, read in the layout it has
	// (an array, one document, NDJSON, ...), as the command line reads it.
	Whole bool
	// Err says why the file could not be read when it was matched: the
	// split is counted as an input error, not checked.
	Err string
}

// matchFn lists the files of the glob (match). A glob that matches nothing
// fails the run: Prepare says so before launching.
type matchFn struct{}

func (f *matchFn) ProcessElement(ctx context.Context, glob string, emit func(Input)) error {
	files, err := match(ctx, glob)
	if err != nil {
		return fmt.Errorf("listing %s: %w", glob, err)
	}
	if len(files) == 0 {
		return fmt.Errorf("no file matches %q", glob)
	}
	for _, in := range files {
		emit(in)
	}
	return nil
}

// block is a nominal piece of an NDJSON file, SplitBytes long, whose lines
// are counted to place the splits.
type block struct {
	Path       string
	Size       int64
	Index      int64
	Start, End int64
}

// blockCount is what counting a block found: its newlines, and the
// boundary of its split, where the first line that starts at or after the
// block's start begins, with Extra the newline between the block's start
// and that boundary (1 when the byte before the block is not a newline).
type blockCount struct {
	Index    int64
	Size     int64
	Newlines int64
	Boundary int64
	Extra    int64
}

// planFn sends each matched file on: an NDJSON file larger than SplitBytes
// as blocks to count, any other as one whole split.
type planFn struct {
	SplitBytes int64
}

func (f *planFn) ProcessElement(m Input, blocks func(block), whole func(Split)) {
	if m.Err != "" {
		whole(Split{Path: m.Path, Line: 1, Whole: true, Err: m.Err})
		return
	}
	if !validate.IsNDJSON(m.Path) || m.Size <= f.SplitBytes {
		whole(Split{Path: m.Path, Start: 0, End: m.Size, Line: 1, Whole: true})
		return
	}
	for i, start := int64(0), int64(0); start < m.Size; i, start = i+1, start+f.SplitBytes {
		blocks(block{Path: m.Path, Size: m.Size, Index: i, Start: start, End: min(start+f.SplitBytes, m.Size)})
	}
}

// countFn counts the newlines of a block and finds its split's boundary.
// Blocks are counted in parallel: the newlines before a split, its first
// line's number less one, are the sum of the counts of the blocks before
// it, added up by placeFn.
type countFn struct{}

func (f *countFn) ProcessElement(ctx context.Context, b block, emit func(string, blockCount)) error {
	pos := max(b.Start-1, 0)
	r, err := openAt(ctx, b.Path, pos)
	if err != nil {
		return err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	c := blockCount{Index: b.Index, Size: b.Size}
	if b.Start > 0 {
		// The boundary is just after the first newline at or after the
		// byte before the block, which may lie past the block's end.
		for {
			chunk, err := br.ReadSlice('\n')
			pos += int64(len(chunk))
			if err == nil {
				nl := pos - 1
				c.Boundary = pos
				if nl >= b.Start {
					c.Extra = 1
					if nl < b.End {
						c.Newlines = 1
					}
				}
				break
			}
			if errors.Is(err, io.EOF) {
				c.Boundary = b.Size
				break
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				return fmt.Errorf("reading %s: %w", b.Path, err)
			}
		}
	}
	if pos < b.End {
		n, err := countNewlines(br, b.End-pos)
		if err != nil {
			return fmt.Errorf("reading %s: %w", b.Path, err)
		}
		c.Newlines += n
	}
	emit(b.Path, c)
	return nil
}

// countNewlines counts the newlines in the next n bytes of r.
func countNewlines(r io.Reader, n int64) (int64, error) {
	buf := make([]byte, 256<<10)
	var count int64
	for n > 0 {
		k, err := r.Read(buf[:min(int64(len(buf)), n)])
		count += int64(bytes.Count(buf[:k], []byte{'\n'}))
		n -= int64(k)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return count, nil
			}
			return count, err
		}
	}
	return count, nil
}

// placeFn turns the counts of a file's blocks into its splits: split i
// runs from block i's boundary to block i+1's (the last to the end of the
// file), and starts on the line after every newline before its boundary.
// A line longer than a block leaves a block without a split of its own.
func placeFn(path string, counts func(*blockCount) bool, emit func(Split)) {
	var cs []blockCount
	var c blockCount
	for counts(&c) {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Index < cs[j].Index })
	var before int64 // the newlines before the current block
	for i, c := range cs {
		end := c.Size
		if i+1 < len(cs) {
			end = cs[i+1].Boundary
		}
		line := 1 + before + c.Extra
		before += c.Newlines
		if end > c.Boundary {
			emit(Split{Path: path, Start: c.Boundary, End: end, Line: line})
		}
	}
}

// openAt opens path for reading from offset: seeking where the filesystem
// can, reading past the bytes before it where it cannot.
func openAt(ctx context.Context, path string, offset int64) (io.ReadCloser, error) {
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		fs.Close()
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	rc := &fsReader{ReadCloser: r, fs: fs}
	if offset == 0 {
		return rc, nil
	}
	if s, ok := r.(io.Seeker); ok {
		if _, err := s.Seek(offset, io.SeekStart); err != nil {
			rc.Close()
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		return rc, nil
	}
	if _, err := io.CopyN(io.Discard, r, offset); err != nil {
		rc.Close()
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return rc, nil
}

// fsReader closes the filesystem with the file.
type fsReader struct {
	io.ReadCloser
	fs filesystem.Interface
}

func (r *fsReader) Close() error {
	err := r.ReadCloser.Close()
	r.fs.Close()
	return err
}
