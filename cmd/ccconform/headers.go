package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/textproto"
	"os"
	"strings"
)

// headerFlags gathers --header values. Its String never shows a value: the
// values are credentials.
type headerFlags []string

func (h *headerFlags) String() string { return "" }

func (h *headerFlags) Type() string { return "'Name: value'" }

func (h *headerFlags) Set(v string) error {
	*h = append(*h, v)
	return nil
}

// buildHeader turns --header values and the lines of --header-file into a
// header, with $VAR and ${VAR} in values read from the environment. Errors
// name the header or the line, never a value.
func buildHeader(flags []string, file string) (http.Header, error) {
	h := http.Header{}
	add := func(line, where string) error {
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return fmt.Errorf("%s: a header is written 'Name: value', as in 'apikey: $CC_APIKEY'", where)
		}
		var missing []string
		value = os.Expand(strings.TrimSpace(value), func(v string) string {
			s, set := os.LookupEnv(v)
			if !set {
				missing = append(missing, v)
			}
			return s
		})
		if len(missing) > 0 {
			return fmt.Errorf("%s: header %s uses $%s, which is not set in the environment; export it first", where, name, missing[0])
		}
		if strings.ContainsAny(value, "\r\n") {
			return fmt.Errorf("%s: header %s has a line break in its value", where, name)
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), value)
		return nil
	}
	for i, f := range flags {
		if err := add(f, fmt.Sprintf("--header #%d", i+1)); err != nil {
			return nil, err
		}
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--header-file: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if err := add(line, fmt.Sprintf("%s:%d", file, n)); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("--header-file: %v", err)
		}
	}
	return h, nil
}
