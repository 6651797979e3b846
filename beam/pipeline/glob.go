package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// Input is a file the glob matched: its name, its size, or why it could
// not be read (a dangling link, a file without read permission).
type Input struct {
	Path string
	Size int64
	// Err says why the file cannot be read; the run counts it in the
	// summary's inputErrors, as ccconform validate does, and goes on.
	Err string
}

// match lists the files glob matches, with their sizes. A local glob is
// matched as a POSIX shell expands it (localGlob), so that the files are
// the ones ccconform validate gets from the same words, named alike; a
// gs:// or s3:// glob as its Beam filesystem lists it.
func match(ctx context.Context, glob string) ([]Input, error) {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	var names []string
	if isLocal(glob) {
		names, err = localGlob(glob)
	} else {
		names, err = fs.List(ctx, glob)
	}
	if err != nil {
		return nil, err
	}
	out := make([]Input, len(names))
	for i, n := range names {
		out[i].Path = n
		if isLocal(glob) {
			// Opened, as the check will open it: a dangling link or a
			// file without permission fails here.
			f, err := os.Open(n)
			if err != nil {
				out[i].Err = unwrapPath(err).Error()
				continue
			}
			fi, err := f.Stat()
			f.Close()
			if err != nil {
				out[i].Err = unwrapPath(err).Error()
				continue
			}
			out[i].Size = fi.Size()
			if fi.IsDir() {
				out[i].Size = -1
			}
			continue
		}
		if out[i].Size, err = fs.Size(ctx, n); err != nil {
			out[i].Err = err.Error()
		}
	}
	return out, nil
}

// localGlob expands pattern as a POSIX shell does: a part of the path
// without a wildcard is kept as written (./, doubled slashes, ..), a part
// with one is replaced by the names it matches, in order, and a name that
// starts with a dot is matched only by a part that starts with one. So
// 'dir/*.json' names its files as ccconform validate dir/*.json does
// (Go's filepath.Glob would clean ./dir/x to dir/x, and match dot files).
func localGlob(pattern string) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	parts := strings.Split(pattern, "/")
	paths := []string{""}
	for i, part := range parts {
		last := i == len(parts)-1
		sep := "/"
		if last {
			sep = ""
		}
		if !hasMeta(part) {
			for j := range paths {
				paths[j] += part + sep
			}
			continue
		}
		var next []string
		for _, p := range paths {
			dir := p
			if dir == "" {
				dir = "."
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				continue // as the shell: no match under what is no directory
			}
			for _, e := range ents {
				name := e.Name()
				if strings.HasPrefix(name, ".") && !strings.HasPrefix(part, ".") {
					continue
				}
				if ok, _ := filepath.Match(part, name); ok {
					if !last && !isDir(p+name) {
						continue
					}
					next = append(next, p+name+sep)
				}
			}
		}
		sort.Strings(next)
		paths = next
	}
	var out []string
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// hasMeta reports whether a part of a path holds a wildcard.
func hasMeta(part string) bool { return strings.ContainsAny(part, `*?[\`) }

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
