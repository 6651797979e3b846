// Package glob matches slash-separated names, file paths and JSON Pointers
// alike, against patterns in which * matches within one segment and **
// matches any number of whole segments.
package glob

import (
	"path"
	"strings"
)

// Match reports whether name matches pattern. Both are split at slashes;
// a segment of pattern is matched as path.Match does (*, ?, [...]), and a
// segment ** matches zero or more segments of name. A pattern without a
// slash matches the last segment of name, as .gitignore does, so that
// "*.tmp.json" excludes such files in any directory. A malformed pattern
// matches nothing; Valid tells it.
func Match(pattern, name string) bool {
	if !strings.Contains(pattern, "/") {
		return segment(pattern, name[strings.LastIndexByte(name, '/')+1:])
	}
	return match(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func match(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if match(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 || !segment(pat[0], name[0]) {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

func segment(pat, s string) bool {
	ok, err := path.Match(pat, s)
	return ok && err == nil
}

// Valid reports whether every segment of pattern is well formed.
func Valid(pattern string) bool {
	for _, seg := range strings.Split(pattern, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return false
		}
	}
	return true
}
