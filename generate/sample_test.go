package generate_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccconform/ccconform/generate"
)

// TestSampleUpToDate fails when fixtures/generated differs from what the
// generator makes: run go generate ./generate after changing it.
func TestSampleUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := generate.WriteSample(dir); err != nil {
		t.Fatal(err)
	}
	committed := "../fixtures/generated"
	want := files(t, dir)
	got := files(t, committed)
	if len(want) < 50 {
		t.Fatalf("the sample has only %d files", len(want))
	}
	for name, b := range want {
		c, ok := got[name]
		switch {
		case !ok:
			t.Errorf("fixtures/generated/%s is missing: run go generate ./generate", name)
		case !bytes.Equal(b, c):
			t.Errorf("fixtures/generated/%s differs from what the generator makes: run go generate ./generate", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok && name != "README.md" {
			t.Errorf("fixtures/generated/%s is not made by the generator: remove it", name)
		}
	}
}

func files(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
