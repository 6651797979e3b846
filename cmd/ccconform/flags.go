package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// newFlags returns a flag set for a command whose help prints usage, then
// the flags, then examples.
func newFlags(e *env, name, usage, examples string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage:\n  %s\n\nFlags:\n", usage)
		fs.VisitAll(func(f *flag.Flag) {
			arg, text := flag.UnquoteUsage(f)
			dash := "--"
			if len(f.Name) == 1 {
				dash = "-"
			}
			head := dash + f.Name
			if arg != "" {
				head += " " + arg
			}
			fmt.Fprintf(w, "  %s\n      %s", head, text)
			if f.DefValue != "" && f.DefValue != "false" {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(w)
		})
		fmt.Fprintf(w, "\nExamples:\n%s", examples)
	}
	return fs
}

// noArgs fails when a command that takes no arguments got some.
func noArgs(e *env, fs *flag.FlagSet) (done bool, status int) {
	if fs.NArg() > 0 {
		return true, e.errorf("%s takes no arguments, got %q\nRun 'ccconform %s --help' for usage.", fs.Name(), fs.Arg(0), fs.Name())
	}
	return false, 0
}

// parse parses args; on --help it prints the usage on standard output and
// returns done with exitOK, on a bad flag it names the problem and returns
// done with exitUsage.
func parse(e *env, fs *flag.FlagSet, args []string) (done bool, status int) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return true, exitOK
	}
	if err != nil {
		// The flag package names flags with one dash; help shows two.
		msg := strings.Replace(err.Error(), " -", " --", 1)
		return true, e.errorf("%s: %s\nRun 'ccconform %s --help' for usage.", fs.Name(), msg, fs.Name())
	}
	return false, 0
}

// byteSize is a flag of a number of bytes, written plain or with a unit:
// KiB, MiB, GiB (or K, M, G, KB, MB, GB, read as the same powers of two).
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprint(n)
}

func (b *byteSize) Set(s string) error {
	num := strings.TrimRight(s, "KMGiBkmgib")
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("%q is not a size: give a positive number of bytes, or one with KiB, MiB or GiB (16MiB)", s)
	}
	shift := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}
	sh, ok := shift[unit]
	if !ok || n > (1<<62)>>sh {
		return fmt.Errorf("%q is not a size: give a positive number of bytes, or one with KiB, MiB or GiB (16MiB)", s)
	}
	*b = byteSize(n << sh)
	return nil
}
