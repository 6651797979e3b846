package validate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBeamStaysOutOfTheModule: the Apache Beam pipeline lives in a module
// of its own (beam/), so that building and testing the toolkit never
// fetches Beam. The toolkit's go.mod names neither Beam nor the nested
// module, and the toolkit's package list stops at beam/.
func TestBeamStaysOutOfTheModule(t *testing.T) {
	root := filepath.Join("..")
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"apache/beam", "ccconform/ccconform/beam"} {
		if strings.Contains(string(mod), bad) {
			t.Errorf("go.mod mentions %s: the Beam pipeline's dependencies belong in beam/go.mod", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "beam", "go.mod")); err != nil {
		t.Fatalf("beam/ is not a module of its own: %v", err)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list packages with")
	}
	cmd := exec.Command(goCmd, "list", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/ccconform/ccconform/beam") {
			t.Errorf("go list ./... lists %s: the nested module is part of the toolkit's build", p)
		}
	}
}
