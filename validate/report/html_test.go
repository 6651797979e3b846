package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// htmlReport checks a corpus with coverage and writes the HTML page.
func htmlReport(t *testing.T) []byte {
	t.Helper()
	v, err := validate.New(validate.Options{Coverage: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := report.New("html", &buf, report.Options{})
	sum := report.NewSummary()
	for _, dir := range []string{"../../fixtures/rest", "../../fixtures/generated/invalid/rest", "../../fixtures/generated/invalid/sdk"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, f := range files {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			err = v.Stream(context.Background(), validate.Input{Name: f, R: fh}, func(vd validate.Verdict) error {
				sum.Add(vd)
				return w.Verdict(vd)
			})
			fh.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// A message that would be markup, were it not escaped.
	bad := validate.Verdict{Location: validate.Location{Source: "<script>alert(1)</script>.json", Index: -1},
		Violations: []validate.Violation{{Pointer: "/name", Rule: "enum", Message: `"<img src=x onerror=alert(1)>" is not a name`}}}
	sum.Add(bad)
	w.Verdict(bad)
	r := v.Coverage().Report()
	sum.Coverage = &r
	if err := w.Close(sum); err != nil {
		t.Fatal(err)
	}
	if sum.Invalid < 10 {
		t.Fatalf("only %d invalid documents: the corpus moved", sum.Invalid)
	}
	return buf.Bytes()
}

func TestHTMLIsSelfContained(t *testing.T) {
	page := string(htmlReport(t))
	for _, want := range []string{"<!doctype html>", "Violations by rule", "Every violation, by kind", "Coverage: the share",
		"Category and type", "Undocumented fields seen", "Never seen", "/data/entities/sender/entity/uid",
		"&lt;script&gt;alert(1)&lt;/script&gt;.json", "&lt;img src=x onerror=alert(1)&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Nothing is fetched: no script, no external reference of any kind.
	for _, re := range []string{`<script`, `<link`, `<img`, `<iframe`, `<[^>]+\s(?:src|href)=`, `url\(`, `@import`} {
		if m := regexp.MustCompile(re).FindString(page); m != "" {
			t.Errorf("the page holds %q: it must not load anything", m)
		}
	}
	if !strings.Contains(page, `Content-Security-Policy" content="default-src 'none'`) {
		t.Error("the page does not forbid loads by its CSP")
	}
}

// chromium returns the path of a Chromium, or skips the test (fails it in
// CI, which installs Debian's chromium).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI needs Chromium (apt-get install chromium) to open the HTML report")
	}
	t.Skip("Chromium is needed to open the HTML report")
	return ""
}

// openInChromium loads page headless, writes a screenshot to png, and
// returns the browser's console messages that are errors.
func openInChromium(t *testing.T, browser string, page []byte, png string) []string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--window-size=1280,2000", "--screenshot="+png, "file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	var errs []string
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error") ||
			strings.Contains(line, "Refused") || strings.Contains(line, ":ERROR:")) {
			errs = append(errs, line)
		}
	}
	return errs
}

// TestHTMLOpensInChromium opens the report in headless Chromium, with no
// console error, and keeps a screenshot as an artifact (artifacts/ at the
// repository's root, or $CCCONFORM_ARTIFACTS).
func TestHTMLOpensInChromium(t *testing.T) {
	browser := chromium(t)
	artifacts := os.Getenv("CCCONFORM_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join("..", "..", "artifacts")
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(artifacts, "report.png")
	os.Remove(png)
	if errs := openInChromium(t, browser, htmlReport(t), png); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	if len(b) < 20_000 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("the screenshot is %d bytes: not a rendered page", len(b))
	}
	abs, _ := filepath.Abs(png)
	t.Logf("screenshot: %s (%d bytes)", abs, len(b))

	// The check can fail: a page with a script error is caught.
	broken := []byte(`<!doctype html><html><body><p>x</p><script>undefinedFunction()</script></body></html>`)
	if errs := openInChromium(t, browser, broken, filepath.Join(t.TempDir(), "broken.png")); len(errs) == 0 {
		t.Error("a page with a script error shows no console error: the check proves nothing")
	}
}
