package validate_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

func TestExpand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("named pipes and symbolic links as on Unix")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	write := func(name string) {
		p := filepath.Join(data, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.json")
	write("sub/b.ndjson")
	write("notes.txt")
	if err := syscall.Mkfifo(filepath.Join(data, "pipe.json"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// A loop: data/sub/back leads to data again.
	if err := os.Symlink("..", filepath.Join(data, "sub", "back")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(data, link); err != nil {
		t.Fatal(err)
	}

	files, errs := validate.Expand([]string{link})
	want := []string{filepath.Join(link, "a.json"), filepath.Join(link, "sub", "b.ndjson")}
	if strings.Join(files, "\n") != strings.Join(want, "\n") {
		t.Errorf("files\n%s\nwant\n%s", strings.Join(files, "\n"), strings.Join(want, "\n"))
	}
	var skipped []string
	for _, err := range errs {
		var se *validate.SkippedError
		if !errors.As(err, &se) {
			t.Errorf("unexpected error %v", err)
			continue
		}
		skipped = append(skipped, filepath.Base(se.Path)+": "+se.Reason)
	}
	if len(skipped) != 2 || !strings.HasPrefix(skipped[0], "pipe.json: not a regular file (a named pipe)") ||
		!strings.HasPrefix(skipped[1], "back: a link to a directory already read") {
		t.Errorf("skipped %q", skipped)
	}

	// A named pipe given by name is read as the user asked.
	files, errs = validate.Expand([]string{filepath.Join(data, "pipe.json")})
	if len(files) != 1 || len(errs) != 0 {
		t.Errorf("a pipe by name: %v %v", files, errs)
	}
	// A directory with nothing to read says so.
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if _, errs := validate.Expand([]string{empty}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no .json") {
		t.Errorf("empty directory: %v", errs)
	}
}
