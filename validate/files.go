package validate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Extensions lists the file extensions read from a directory.
var Extensions = []string{".json", ".ndjson", ".jsonl"}

// IsNDJSON reports whether a file's name says it holds one document per
// line.
func IsNDJSON(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".ndjson" || ext == ".jsonl"
}

// SkippedError is a directory entry Expand did not read, and why: not a
// regular file (a named pipe would wait for a writer forever, a device
// never ends), or a link to a directory already read.
type SkippedError struct {
	Path   string
	Reason string
}

func (e *SkippedError) Error() string { return "skipped " + e.Path + ": " + e.Reason }

// Expand turns the paths given on a command line into the files to read: a
// file stays itself, whatever its type (a named pipe given by name is read);
// a directory becomes the regular files with one of Extensions below it,
// recursively, in lexical order. Symbolic links are followed, to files and
// to directories, and a directory is read once however many links lead to
// it, so that a loop ends. A path that cannot be read, or a directory with
// no such file, is an error, and so is each entry skipped (a
// *SkippedError); the other paths still expand.
func Expand(paths []string) (files []string, errs []error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot read %s: %w", p, unwrapPath(err)))
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		w := walker{seen: map[string]bool{}}
		w.dir(p)
		files, errs = append(files, w.files...), append(errs, w.errs...)
		if len(w.files) == 0 && w.skipped == 0 {
			errs = append(errs, fmt.Errorf("no %s files in directory %s", strings.Join(Extensions, ", "), p))
		}
	}
	return files, errs
}

// walker gathers the files below one directory.
type walker struct {
	seen    map[string]bool // directories read, by their path with links resolved
	files   []string
	errs    []error
	skipped int
}

func (w *walker) dir(dir string) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		w.errs = append(w.errs, fmt.Errorf("cannot read %s: %w", dir, unwrapPath(err)))
		return
	}
	if w.seen[real] {
		w.skip(dir, "a link to a directory already read ("+real+")")
		return
	}
	w.seen[real] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.errs = append(w.errs, fmt.Errorf("cannot read %s: %w", dir, unwrapPath(err)))
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			info, err := os.Stat(path)
			if err != nil {
				if hasExtension(path) {
					w.errs = append(w.errs, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err)))
				}
				continue
			}
			mode = info.Mode().Type()
		}
		switch {
		case mode.IsDir():
			w.dir(path)
		case !hasExtension(path):
		case mode.IsRegular():
			w.files = append(w.files, path)
		default:
			w.skip(path, "not a regular file ("+fileType(mode)+")")
		}
	}
}

func (w *walker) skip(path, reason string) {
	w.skipped++
	w.errs = append(w.errs, &SkippedError{Path: path, Reason: reason})
}

// hasExtension reports whether path ends in one of Extensions.
func hasExtension(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// unwrapPath drops the path an fs error repeats.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
