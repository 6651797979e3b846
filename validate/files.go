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

// Expand turns the paths given on a command line into the files to read: a
// file stays itself; a directory becomes the files with one of Extensions
// below it, recursively, in lexical order. A path that cannot be read, or a
// directory with no such file, is an error; the other paths still expand.
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
		found := 0
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err)))
				return nil
			}
			if d.IsDir() {
				return nil
			}
			ext := strings.ToLower(filepath.Ext(path))
			for _, e := range Extensions {
				if ext == e {
					files = append(files, path)
					found++
				}
			}
			return nil
		})
		if err == nil && found == 0 {
			errs = append(errs, fmt.Errorf("no %s files in directory %s", strings.Join(Extensions, ", "), p))
		}
	}
	return files, errs
}

// unwrapPath drops the path an fs error repeats.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
