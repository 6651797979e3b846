package fuzz

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
)

// fixtures returns every JSON document in the repository's fixtures: whole
// files, and each element of the files that hold collections, so that the
// fuzzer starts from the shapes that matter.
func fixtures(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	err := filepath.WalkDir("../fixtures", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".json":
			out = append(out, b)
			out = append(out, elements(b)...)
		case ".ndjson", ".jsonl":
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
					out = append(out, append([]byte(nil), line...))
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 100 {
		tb.Fatalf("only %d fixture documents: is ../fixtures there?", len(out))
	}
	return out
}

// elements returns the documents of a REST envelope's data array, or of an
// array.
func elements(b []byte) [][]byte {
	var env struct{ Data json.RawMessage }
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '{' && json.Unmarshal(t, &env) == nil && len(env.Data) > 0 {
		t = env.Data
	}
	var items []json.RawMessage
	if json.Unmarshal(t, &items) != nil {
		return nil
	}
	out := make([][]byte, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// generated returns n documents and n mutants of every kind, in both
// profiles.
func generated(tb testing.TB, n int) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, p := range types.Profiles() {
		g, err := generate.New(generate.Options{Seed: 42, Profile: p, Optional: generate.OptionalRandom})
		if err != nil {
			tb.Fatal(err)
		}
		for _, k := range types.Kinds() {
			for i := 0; i < n; i++ {
				b, err := json.Marshal(g.Document(k, i))
				if err != nil {
					tb.Fatal(err)
				}
				out = append(out, b, g.Mutant(k, i).JSON)
			}
		}
	}
	return out
}

// lines joins documents as NDJSON.
func lines(docs ...[]byte) []byte {
	var b strings.Builder
	for _, d := range docs {
		var c bytes.Buffer
		if json.Compact(&c, d) == nil {
			d = c.Bytes()
		}
		b.Write(d)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
