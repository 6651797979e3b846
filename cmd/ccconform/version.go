package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is ccconform's version; releases set it with
// -ldflags "-X main.version=v1.2.3".
var version = "v0.1.0-dev"

func runVersion(e *env, args []string) int {
	fs := newFlags(e, "version", "ccconform version", "  ccconform version\n")
	if done, status := parse(e, fs, args); done {
		return status
	}
	if done, status := noArgs(e, fs); done {
		return status
	}
	rev := ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(e.stdout, "ccconform %s%s %s %s/%s\n", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
