package generate_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// runSDKScript runs testdata/script with node beside the SDK that
// npmtest.Install put in dir (node resolves require() beside the script),
// on input written to a file of dir, and returns what it printed. args come
// before the input file's path. A failure stops the test with the script's
// standard error.
func runSDKScript(t *testing.T, node, dir, script string, input []byte, args ...string) []byte {
	t.Helper()
	js, err := os.ReadFile(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, script)
	in := filepath.Join(dir, "input.ndjson")
	if err := os.WriteFile(path, js, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, input, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append(append([]string{path}, args...), in)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, sdkClip(stderr.String(), 2000))
	}
	return out
}
