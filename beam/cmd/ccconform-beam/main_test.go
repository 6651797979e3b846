package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/options/jobopts"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/ccconform/ccconform/validate/report"
)

func TestMain(m *testing.M) {
	flag.Parse()
	beam.Init()
	os.Exit(m.Run())
}

// parse reads args as the command's own flags, on a set of their own.
func parse(t *testing.T, args ...string) (*options, []string) {
	t.Helper()
	o := &options{}
	fs := flag.NewFlagSet("ccconform-beam", flag.ContinueOnError)
	addFlags(fs, o)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return o, fs.Args()
}

// TestExitStatus runs the command on Prism: 0 when every document
// conforms, 1 when one does not, 2 when the run cannot be done, with the
// reason on standard error.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ndjson")
	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(good, []byte(`{"uid":"u1","name":"A","status":"online"}`+"\n"), 0o644)
	os.WriteFile(bad, []byte(`{"uid":"u1","name":"A","status":"nowhere"}`+"\n"), 0o644)
	schema := filepath.Join(dir, "location.json")
	os.WriteFile(schema, []byte(`{"type":"object"}`), 0o644)
	os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "dangling.ndjson"))
	for _, c := range []struct {
		name   string
		args   []string
		status int
		out    string // in standard output, or standard error for status 2
	}{
		{"conforming", []string{"--input", good, "--output", filepath.Join(dir, "o1")}, 0, "1 documents: 1 valid, 0 invalid"},
		{"not conforming", []string{"--input", filepath.Join(dir, "[bg]*.ndjson"), "--output", filepath.Join(dir, "o2"), "--coverage", "--custom-schema", "location=" + schema}, 1, "2 documents: 1 valid, 1 invalid"},
		{"no match", []string{"--input", filepath.Join(dir, "*.jsonl"), "--output", filepath.Join(dir, "o3")}, 2, "matches no file"},
		{"bad kind", []string{"--input", good, "--output", filepath.Join(dir, "o4"), "--kind", "bogus"}, 2, `unknown kind "bogus"`},
		{"bad schema pair", []string{"--input", good, "--output", filepath.Join(dir, "o5"), "--custom-schema", "location"}, 2, "write NAME=FILE"},
		{"missing schema", []string{"--input", good, "--output", filepath.Join(dir, "o6"), "--metadata-schema", "user=" + filepath.Join(dir, "none.json")}, 2, "cannot read"},
		{"webhook kind", []string{"--input", good, "--output", filepath.Join(dir, "o9"), "--kind", "webhook"}, 1, "1 documents: 0 valid, 1 invalid"},
		{"bad trigger", []string{"--input", good, "--output", filepath.Join(dir, "o10"), "--trigger", "message_sentt"}, 2, `--trigger: unknown trigger "message_sentt"`},
		{"trigger with a kind", []string{"--input", good, "--output", filepath.Join(dir, "o11"), "--kind", "user", "--trigger", "message_sent"}, 2, "give --kind webhook or no --kind"},
		{"unreadable input", []string{"--input", filepath.Join(dir, "*.ndjson"), "--output", filepath.Join(dir, "o12")}, 2, "1 input(s) could not be read"},
		{"an argument", []string{"--input", good, "--output", filepath.Join(dir, "o8"), good}, 2, "name the files with --input"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, args := parse(t, c.args...)
			var stdout, stderr bytes.Buffer
			status := run(context.Background(), o, args, &stdout, &stderr)
			if status != c.status {
				t.Fatalf("status %d, want %d\nstdout: %s\nstderr: %s", status, c.status, &stdout, &stderr)
			}
			where := stdout.String()
			if status == 2 {
				where = stderr.String()
			}
			if !strings.Contains(where, c.out) {
				t.Errorf("want %q in:\n%s", c.out, where)
			}
		})
	}
}

// TestSplitSizeFlag reads sizes as ccconform reads --max-document-bytes.
func TestSplitSizeFlag(t *testing.T) {
	o, _ := parse(t, "--split-size", "16MiB")
	if o.splitSize != 16<<20 {
		t.Errorf("16MiB read as %d", o.splitSize)
	}
	fs := flag.NewFlagSet("ccconform-beam", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	addFlags(fs, &options{})
	if err := fs.Parse([]string{"--split-size", "12XB"}); err == nil || !strings.Contains(err.Error(), "is not a size") {
		t.Errorf("--split-size 12XB: %v", err)
	}
}

// TestUsageListsOwnFlags: the usage lists the command's flags with their
// defaults, and says where Beam's are, without listing Beam's hundreds.
func TestUsageListsOwnFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	addFlags(fs, &options{})
	fs.String("runner", "", "Beam's")
	var b bytes.Buffer
	usage(fs, &b)
	for _, n := range ownFlags {
		if !strings.Contains(b.String(), "-"+n) {
			t.Errorf("usage does not list --%s", n)
		}
	}
	if !strings.Contains(b.String(), "(default 64MiB)") || strings.Contains(b.String(), "Beam's\n") {
		t.Errorf("usage:\n%s", &b)
	}
}

// TestRunnerNames: a runner the command has is taken in any case, and
// with Beam's Runner suffix; any other stops the command with status 2
// and the list, where Beam would exit with 1.
func TestRunnerNames(t *testing.T) {
	for in, want := range map[string]string{"": "prism", "Dataflow": "dataflow", "FlinkRunner": "flink", "SPARK": "spark", "universal": "universal"} {
		if got, err := runnerName(in); err != nil || got != want {
			t.Errorf("runner %q: %q, %v; want %q", in, got, err, want)
		}
	}
	old := *runners.Runner
	defer func() { *runners.Runner = old }()
	*runners.Runner = "dataflw"
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ndjson")
	os.WriteFile(good, []byte(`{"uid":"u1","name":"A","status":"online"}`+"\n"), 0o644)
	o, args := parse(t, "--input", good, "--output", filepath.Join(dir, "out"))
	var stdout, stderr bytes.Buffer
	if status := run(context.Background(), o, args, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), `--runner "dataflw" is not one this command has: use one of prism, dataflow`) {
		t.Errorf("status %d, stderr %s", status, &stderr)
	}
}

// TestUsageNamesTheREADMESection: the usage sends the reader to a section
// the README has.
func TestUsageNamesTheREADMESection(t *testing.T) {
	var b bytes.Buffer
	usage(flag.NewFlagSet("x", flag.ContinueOnError), &b)
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const section = "Archives on Apache Beam"
	if !strings.Contains(b.String(), `"`+section+`"`) || !strings.Contains(string(readme), "\n## "+section+"\n") {
		t.Errorf("the usage or the README lacks the section %q:\n%s", section, &b)
	}
}

// snapshot reads every file of dir, by name.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}

// sameFiles fails t when dir no longer holds exactly the files of was.
func sameFiles(t *testing.T, dir string, was map[string]string) {
	t.Helper()
	now := snapshot(t, dir)
	for n, c := range was {
		if now[n] != c {
			t.Errorf("%s was changed or removed", n)
		}
	}
	if len(now) != len(was) {
		t.Errorf("%s holds %d files, was %d", dir, len(now), len(was))
	}
}

// TestOutputIsTheInputDirectory: with the output directory the inputs',
// the command stops with status 2, naming an input there and the next
// step, and removes none of them (files named as its outputs included).
func TestOutputIsTheInputDirectory(t *testing.T) {
	arch := filepath.Join(t.TempDir(), "arch")
	os.Mkdir(arch, 0o755)
	os.WriteFile(filepath.Join(arch, "a.ndjson"), []byte(`{"uid":"u1","name":"A","status":"online"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(arch, "summary.json"), []byte(`{"uid":"u2","name":"B","status":"online"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(arch, "verdicts-00001-of-00003.jsonl"), []byte(`{"uid":"u3","name":"C","status":"online"}`+"\n"), 0o644)
	was := snapshot(t, arch)
	o, args := parse(t, "--input", filepath.Join(arch, "*"), "--output", arch)
	var stdout, stderr bytes.Buffer
	status := run(context.Background(), o, args, &stdout, &stderr)
	if status != 2 || !strings.Contains(stderr.String(), "in the output directory") || !strings.Contains(stderr.String(), "choose another --output") {
		t.Errorf("status %d, stderr %s", status, &stderr)
	}
	sameFiles(t, arch, was)
}

// TestUsersReportIsKept: a report.html the user wrote with ccconform
// validate --format html in the output directory is left as it is by a
// run without --html, and stops a run with --html (status 2, naming it).
func TestUsersReportIsKept(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(t.TempDir(), "in.ndjson")
	os.WriteFile(in, []byte(`{"uid":"u1","name":"A","status":"nowhere"}`+"\n"), 0o644)
	var html bytes.Buffer
	rep, err := report.New("html", &html, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Close(report.NewSummary()); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "report.html"), html.Bytes(), 0o644)
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)

	o, args := parse(t, "--input", in, "--output", ".")
	var stdout, stderr bytes.Buffer
	if status := run(context.Background(), o, args, &stdout, &stderr); status != 1 {
		t.Fatalf("status %d, stderr %s", status, &stderr)
	}
	if b, _ := os.ReadFile("report.html"); !bytes.Equal(b, html.Bytes()) {
		t.Error("the user's report.html was changed or removed")
	}
	was := snapshot(t, dir)
	o, args = parse(t, "--input", in, "--output", ".", "--html")
	stderr.Reset()
	if status := run(context.Background(), o, args, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "report.html, which is not a report this command wrote") {
		t.Errorf("with --html: status %d, stderr %s", status, &stderr)
	}
	sameFiles(t, dir, was)
}

// TestRunThatDoesNotStartRemovesNothing: a runner refused for a missing
// flag leaves the previous run's results as they were.
func TestRunThatDoesNotStartRemovesNothing(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ndjson")
	os.WriteFile(in, []byte(`{"uid":"u1","name":"A","status":"nowhere"}`+"\n"), 0o644)
	out := filepath.Join(dir, "out")
	o, args := parse(t, "--input", in, "--output", out, "--html")
	var stdout, stderr bytes.Buffer
	if status := run(context.Background(), o, args, &stdout, &stderr); status != 1 {
		t.Fatalf("first run: status %d, stderr %s", status, &stderr)
	}
	was := snapshot(t, out)
	if len(was) != 3 {
		t.Fatalf("the first run wrote %v", was)
	}
	// Prism, run in process, leaves its job service's address in
	// --endpoint; the runs below have none. Without credentials the
	// Dataflow runner finds no project and looks nowhere else.
	old, oldEndpoint := *runners.Runner, *jobopts.Endpoint
	defer func() { *runners.Runner, *jobopts.Endpoint = old, oldEndpoint }()
	*jobopts.Endpoint = ""
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(dir, "none.json"))
	for r, why := range map[string]string{"flink": "--endpoint", "dataflow": "--project"} {
		*runners.Runner = r
		o, args := parse(t, "--input", in, "--output", out, "--html")
		stderr.Reset()
		if status := run(context.Background(), o, args, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), why) {
			t.Errorf("--runner %s: status %d, stderr %s", r, status, &stderr)
		}
		sameFiles(t, out, was)
	}
}
