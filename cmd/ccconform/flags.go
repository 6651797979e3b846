package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
