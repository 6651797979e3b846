// Package npmtest fetches packages from the npm registry for tests that
// check ccconform against other tools (the CometChat SDK, the SARIF
// schema), into temporary folders.
//
// Such a test cannot run where npm is missing or its registry cannot be
// reached. There it is skipped, with npm's own reason, so that the test
// command passes on a machine without them; in CI (the CI environment
// variable set) it fails instead, with the same reason, as CI is where
// these tests must run.
package npmtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Timeout bounds one npm command, retries of an unreliable network included.
const Timeout = 5 * time.Minute

// Command returns the path of a program the test needs, such as npm or
// node. Without it on the PATH, the test is skipped (fails in CI).
func Command(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		unavailable(t, "this test needs %s, which is not on the PATH", name)
		return ""
	}
	return p
}

// Install makes dir an npm project and installs pkgs (name@version) into
// it, as `npm install` does. When npm fails, the test is skipped (fails in
// CI) with npm's reason.
func Install(t testing.TB, dir string, pkgs ...string) {
	t.Helper()
	if !run(t, dir, "init", "-y") {
		return
	}
	run(t, dir, append([]string{"install", "--no-audit", "--no-fund"}, pkgs...)...)
}

// Pack downloads the tarball of pkg (name@version) into dir, as `npm pack`
// does, and returns its path. When npm fails, the test is skipped (fails
// in CI) with npm's reason.
func Pack(t testing.TB, dir, pkg string) string {
	t.Helper()
	if !run(t, dir, "pack", pkg) {
		return ""
	}
	tgz, _ := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if len(tgz) != 1 {
		t.Fatalf("npm pack %s wrote %v, want one tarball", pkg, tgz)
		return ""
	}
	return tgz[0]
}

// run runs npm with args in dir and reports whether it succeeded. When it
// fails, the test is skipped (fails in CI) with what npm said on its
// standard error, which names the cause: a registry that cannot be
// reached, a package that does not exist, a proxy to configure. (Were
// npm's --silent given, it would say nothing.)
func run(t testing.TB, dir string, args ...string) bool {
	t.Helper()
	npm := Command(t, "npm")
	if npm == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w after %v", ctx.Err(), Timeout)
		}
		unavailable(t, "npm %s: %v; npm said:\n%s", strings.Join(args, " "), err, reason(stderr.String()))
		return false
	}
	return true
}

// unavailable skips the test, or fails it in CI.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format+"\n(CI is set: this test must run here)", args...)
		return
	}
	t.Skipf(format, args...)
}

// maxReasonLines bounds the lines of npm's output a skip message quotes.
const maxReasonLines = 10

// reason picks npm's own words out of what it wrote on standard error: its
// error lines, without the stack trace, the dump of the error object and
// the pointer to its debug log, which bury the cause. Failing those, it
// gives the last lines.
func reason(stderr string) string {
	var all, errs []string
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimRight(line, " \r")
		if line == "" {
			continue
		}
		all = append(all, line)
		rest, ok := strings.CutPrefix(line, "npm error ")
		if !ok {
			rest, ok = strings.CutPrefix(line, "npm ERR! ") // npm 6 to 9
		}
		if !ok || rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest == "{" || rest == "}" ||
			strings.HasPrefix(rest, "A complete log of this run") {
			continue
		}
		errs = append(errs, line)
	}
	if len(errs) == 0 {
		errs = all
	}
	if len(errs) == 0 {
		return "(nothing)"
	}
	return strings.Join(errs[max(len(errs)-maxReasonLines, 0):], "\n")
}
