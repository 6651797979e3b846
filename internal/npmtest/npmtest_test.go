package npmtest

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records a skip or a failure and ends the
// goroutine, as a testing.T does. Other methods go to the real test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// outcome runs f with a recorder on its own goroutine, as a test runs.
func outcome(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

// unreachable points npm at a closed port on loopback, with no retries and
// an empty cache, as a machine whose registry cannot be reached.
func unreachable(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed: nothing to check")
	}
	t.Setenv("npm_config_registry", "http://127.0.0.1:1")
	t.Setenv("npm_config_fetch_retries", "0")
	t.Setenv("npm_config_cache", t.TempDir())
}

func TestUnreachableRegistry(t *testing.T) {
	unreachable(t)
	for _, c := range []struct {
		name string
		npm  func(tb testing.TB, dir string)
		args string
	}{
		{"pack", func(tb testing.TB, dir string) { Pack(tb, dir, "@microsoft/jest-sarif@1.0.0-beta.0") }, "npm pack @microsoft/jest-sarif@1.0.0-beta.0"},
		{"install", func(tb testing.TB, dir string) { Install(tb, dir, "@cometchat-pro/chat@3.0.13") }, "npm install --no-audit --no-fund @cometchat-pro/chat@3.0.13"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, ci := range []string{"", "true"} {
				t.Setenv("CI", ci)
				r := outcome(t, func(tb testing.TB) { c.npm(tb, t.TempDir()) })
				got, other := r.skipped, r.failed
				if ci != "" {
					got, other = r.failed, r.skipped
				}
				// npm's own reason, not only its exit status.
				if other != "" || !strings.HasPrefix(got, c.args+": exit status 1; npm said:\n") || !strings.Contains(got, "ECONNREFUSED") {
					t.Errorf("CI=%q: skipped %q, failed %q; want to be %s with npm's reason", ci, r.skipped, r.failed,
						map[string]string{"": "skipped", "true": "failed"}[ci])
				}
				if strings.Contains(got, "    at ") || strings.Contains(got, "A complete log") {
					t.Errorf("the reason quotes npm's stack or log pointer:\n%s", got)
				}
			}
		})
	}
}

func TestMissingCommand(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, ci := range []string{"", "1"} {
		t.Setenv("CI", ci)
		r := outcome(t, func(tb testing.TB) { Install(tb, t.TempDir(), "left-pad@1.3.0") })
		got := r.skipped
		if ci != "" {
			got = r.failed
		}
		if got == "" || !strings.Contains(got, "this test needs npm, which is not on the PATH") {
			t.Errorf("CI=%q: skipped %q, failed %q", ci, r.skipped, r.failed)
		}
	}
}

func TestReason(t *testing.T) {
	// What npm 11 wrote when its registry refused the connection.
	stderr := `npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:1/@microsoft%2fjest-sarif failed, reason: connect ECONNREFUSED 127.0.0.1:1
npm error     at ClientRequest.<anonymous> (index.js:130:14)
npm error     at process.processTicksAndRejections (node:internal/process/task_queues:83:21) {
npm error   code: 'ECONNREFUSED',
npm error   port: 1,
npm error }
npm error
npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'
npm error A complete log of this run can be found in: debug-0.log
`
	want := `npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:1/@microsoft%2fjest-sarif failed, reason: connect ECONNREFUSED 127.0.0.1:1
npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'`
	if got := reason(stderr); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Output of another shape: its last lines.
	var lines []string
	for i := range 15 {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	if got := reason(strings.Join(lines, "\n") + "\n"); got != strings.Join(lines[5:], "\n") {
		t.Errorf("got\n%s", got)
	}
	if got := reason(""); got != "(nothing)" {
		t.Errorf("empty: %q", got)
	}
}
