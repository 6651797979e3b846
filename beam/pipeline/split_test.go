package pipeline

import (
	"bytes"
	"context"
	"math/rand/v2"

	"os"
	"path/filepath"
	"strings"
	"testing"
)

// splitsOf cuts the file at path, size bytes, as the pipeline does with
// splits of splitBytes, calling the DoFns directly.
func splitsOf(t *testing.T, path string, size, splitBytes int64) []Split {
	t.Helper()
	var blocks []block
	var whole []Split
	(&planFn{SplitBytes: splitBytes}).ProcessElement(fileMeta(path, size), func(b block) { blocks = append(blocks, b) }, func(s Split) { whole = append(whole, s) })
	if len(whole) > 0 {
		return whole
	}
	var counts []blockCount
	for _, b := range blocks {
		if err := (&countFn{}).ProcessElement(context.Background(), b, func(_ string, c blockCount) { counts = append(counts, c) }); err != nil {
			t.Fatal(err)
		}
	}
	// In reverse, as a runner may hand them over in any order.
	i := len(counts)
	var out []Split
	placeFn(path, func(c *blockCount) bool {
		if i == 0 {
			return false
		}
		i--
		*c = counts[i]
		return true
	}, func(s Split) { out = append(out, s) })
	return out
}

// TestSplitsAreWholeLinesNumbered cuts files of short, long, blank and
// CRLF lines, with and without a final newline, at every split size from
// 1 byte up: the splits cover the file once, in order, each starts at the
// start of a line, and each knows the number of that line.
func TestSplitsAreWholeLinesNumbered(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 16))
	dir := t.TempDir()
	for n := 0; n < 12; n++ {
		var b bytes.Buffer
		for i := 0; i < 10+r.IntN(40); i++ {
			switch r.IntN(6) {
			case 0:
				b.WriteString("\n") // blank
			case 1:
				b.WriteString(strings.Repeat("x", 50+r.IntN(200)) + "\n") // longer than small splits
			case 2:
				b.WriteString("{\"a\":1}\r\n")
			default:
				b.WriteString("{}\n")
			}
		}
		if n%2 == 1 {
			b.WriteString("{\"last\":true}") // no final newline
		}
		data := b.Bytes()
		path := filepath.Join(dir, "f.ndjson")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, size := range []int64{1, 2, 3, 7, 16, 64, 100, 333, int64(len(data)) - 1} {
			if size <= 0 {
				continue
			}
			splits := splitsOf(t, path, int64(len(data)), size)
			next := int64(0)
			for _, s := range splits {
				if s.Start != next {
					t.Fatalf("file %d, split size %d: a split starts at %d, after one that ended at %d", n, size, s.Start, next)
				}
				if s.Start > 0 && data[s.Start-1] != '\n' {
					t.Fatalf("file %d, split size %d: a split starts mid-line, at %d", n, size, s.Start)
				}
				if want := int64(1 + bytes.Count(data[:s.Start], []byte{'\n'})); s.Line != want {
					t.Fatalf("file %d, split size %d: the split at %d says line %d, it is line %d", n, size, s.Start, s.Line, want)
				}
				if s.End <= s.Start {
					t.Fatalf("file %d, split size %d: an empty split at %d", n, size, s.Start)
				}
				next = s.End
			}
			if next != int64(len(data)) {
				t.Fatalf("file %d, split size %d: the splits end at %d of %d bytes", n, size, next, len(data))
			}
		}
	}
}

// TestSmallAndOtherFilesAreWhole: a file that is not NDJSON by its name,
// or not larger than a split, is one split, read in its own layout.
func TestSmallAndOtherFilesAreWhole(t *testing.T) {
	for _, c := range []struct {
		name string
		size int64
	}{{"a.json", 1 << 30}, {"a.ndjson", 100}, {"a.jsonl", 64}} {
		var whole []Split
		(&planFn{SplitBytes: 100}).ProcessElement(fileMeta(c.name, c.size), func(block) { t.Errorf("%s was cut into blocks", c.name) }, func(s Split) { whole = append(whole, s) })
		if len(whole) != 1 || !whole[0].Whole || whole[0].End != c.size || whole[0].Line != 1 {
			t.Errorf("%s, %d bytes: %+v", c.name, c.size, whole)
		}
	}
}

func fileMeta(path string, size int64) Input {
	return Input{Path: path, Size: size}
}
