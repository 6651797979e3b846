package pipeline

import (
	"os"
	"strings"
	"testing"
)

// TestLocalGlobIsTheShells: names keep the pattern's spelling, dot files
// need a dot, and a wildcard directory part matches directories only.
func TestLocalGlobIsTheShells(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.MkdirAll("a/x", 0o755)
	os.MkdirAll("a/y", 0o755)
	for _, f := range []string{"a/x/1.json", "a/y/2.json", "a/.h.json", "a/z.json"} {
		os.WriteFile(f, nil, 0o644)
	}
	for glob, want := range map[string]string{
		"./a/*.json":      "./a/z.json",
		"./a/.*.json":     "./a/.h.json",
		"a//*/*.json":     "a//x/1.json a//y/2.json",
		"./a/*":           "./a/x ./a/y ./a/z.json",
		"a/z.json":        "a/z.json",
		"./a/nothing*":    "",
		dir + "/a/?.json": dir + "/a/z.json",
	} {
		got, err := localGlob(glob)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %q, want %q", glob, got, want)
		}
	}
}
