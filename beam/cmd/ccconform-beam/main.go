// Command ccconform-beam validates an archive of CometChat documents on
// Apache Beam, with the checks of ccconform validate, on one machine (the
// Prism runner, in process) or many (Dataflow, Flink, Spark):
//
//	ccconform-beam --input 'exports/*.ndjson' --output results
//	ccconform-beam --input 'gs://bucket/exports/*.ndjson' --output gs://bucket/results \
//	    --runner dataflow --project P --region R --temp_location gs://bucket/tmp
//
// It writes the verdicts of the documents that do not conform (every one
// with --all-verdicts) to DIR/verdicts-*.jsonl, in the JSON form of
// ccconform validate --format json, and DIR/summary.json, the summary line
// that command ends with. It replaces an earlier run's files there, and
// no other file (a file it would write over and did not write stops the
// run). The exit status is ccconform validate's: 0 every
// document conforms, 1 some do not, 2 the run could not be done. Beam's own
// flags (--runner, --project, --region, --endpoint, ...) pass through.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners"
	"github.com/ccconform/ccconform/beam/pipeline"
	"github.com/ccconform/ccconform/internal/bytesize"

	// The runners beamx registers, without the worker state beamx keeps.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/core/runtime/exec/optimized"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/dataflow"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/flink"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/spark"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/universal"
)

// Exit statuses, as ccconform validate's.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// options are the command's own flags; Beam's are its packages' own.
type options struct {
	o          pipeline.Options
	customData listFlag
	metadata   listFlag
	disable    listFlag
	splitSize  bytesize.Size
}

// ownFlags names the flags the command adds, for its usage.
var ownFlags = []string{"input", "output", "kind", "profile", "strict", "coverage", "custom-schema", "metadata-schema",
	"trigger", "disable", "all-verdicts", "html", "split-size"}

// addFlags adds the command's flags to fs.
func addFlags(fs *flag.FlagSet, o *options) {
	o.splitSize = pipeline.DefaultSplitBytes
	fs.StringVar(&o.o.Input, "input", "", "a `GLOB` of the files to check: local, gs://bucket/... or s3://bucket/... (quote it)")
	fs.StringVar(&o.o.Output, "output", "", "the `DIR` to write verdicts-*.jsonl and summary.json to: local, gs:// or s3://, not an input's directory; an earlier run's files there are replaced, and a summary.json, verdicts-*.jsonl or (with --html) report.html this command did not write stops the run")
	fs.StringVar(&o.o.Check.Kind, "kind", "auto", "check every document as this `KIND`: auto (detect each), a kind of the model, or webhook (read each as a webhook delivery)")
	fs.StringVar(&o.o.Check.Trigger, "trigger", "", "read every document as a webhook delivery of this `TRIGGER` (implies --kind webhook); one of another trigger is a violation")
	fs.StringVar(&o.o.Check.Profile, "profile", "auto", "the shape to check, one of `auto|rest|sdk|docs`")
	fs.BoolVar(&o.o.Check.Strict, "strict", false, "report fields the model does not document as violations (rule unknown-field)")
	fs.BoolVar(&o.o.Check.Coverage, "coverage", false, "count which documented fields, enum values and category/type pairs the documents held, in summary.json")
	fs.Var(&o.customData, "custom-schema", "check the customData of custom messages of type TYPE against the JSON Schema in FILE, as `TYPE=FILE` (repeatable)")
	fs.Var(&o.metadata, "metadata-schema", "check the metadata of documents of kind KIND against the JSON Schema in FILE, as `KIND=FILE` (repeatable)")
	fs.Var(&o.disable, "disable", "suppress the violations of this `RULE` (repeatable, or comma-separated)")
	fs.BoolVar(&o.o.All, "all-verdicts", false, "write the verdict of every document, not only of those that do not conform")
	fs.BoolVar(&o.o.HTML, "html", false, "also write DIR/report.html, the HTML report")
	fs.Var(&o.splitSize, "split-size", "cut NDJSON files into splits of about `SIZE` (bytes, or with KiB, MiB, GiB), checked in parallel")
}

func main() {
	// Held to one core, Go runs one goroutine at a time, and the worker's
	// data and control streams then wait for the checking goroutine's time
	// slice: on Prism, 200,000 documents took 13 s instead of 2 s. Two
	// threads on one core share it at the kernel's finer grain. An
	// explicit GOMAXPROCS is left as it is.
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
	o := &options{}
	addFlags(flag.CommandLine, o)
	flag.Usage = func() { usage(flag.CommandLine, os.Stderr) }
	flag.Parse()
	// A worker started by a runner is taken over here, and never returns.
	beam.Init()
	os.Exit(run(context.Background(), o, flag.Args(), os.Stdout, os.Stderr))
}

// usage lists the command's own flags, then says where Beam's are.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: ccconform-beam --input GLOB --output DIR [--runner prism|dataflow|flink|spark] [flags]")
	fmt.Fprintln(w, "\nValidate an archive of CometChat documents on Apache Beam, as ccconform validate does.\n\nFlags:")
	own := flag.NewFlagSet("", flag.ContinueOnError)
	own.SetOutput(w)
	for _, n := range ownFlags {
		if f := fs.Lookup(n); f != nil {
			own.Var(f.Value, f.Name, f.Usage)
			own.Lookup(n).DefValue = f.DefValue
		}
	}
	own.PrintDefaults()
	fmt.Fprintln(w, `
Beam's own flags pass through: --runner (prism by default, in process), and
for Dataflow --project, --region, --temp_location, --staging_location; for
Flink and Spark --endpoint (the job server) and --environment_type. The
section "Archives on Apache Beam" of the toolkit's README describes them.`)
}

// run checks the flags, launches the pipeline and waits for it, and
// returns the exit status.
func run(ctx context.Context, o *options, args []string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ccconform-beam: "+format+"\n", a...)
		return exitUsage
	}
	if len(args) > 0 {
		return fail("unexpected argument %q: name the files with --input 'GLOB' (run ccconform-beam --help)", args[0])
	}
	schemas, err := pipeline.ReadSchemas(o.customData, o.metadata)
	if err != nil {
		return fail("%v", err)
	}
	o.o.Check.Schemas, o.o.Check.Disable, o.o.SplitBytes = schemas, o.disable, int64(o.splitSize)
	if err := o.o.Check.Validate(); err != nil {
		return fail("%v", err)
	}
	runner, err := runnerName(*runners.Runner)
	if err != nil {
		return fail("%v", err)
	}
	files, err := pipeline.Prepare(ctx, o.o)
	if err != nil {
		return fail("%v", err)
	}
	for _, f := range files {
		if f.Err != "" {
			fmt.Fprintf(stderr, "ccconform-beam: cannot read %s: %s; it counts in inputErrors, and the run checks the rest\n", f.Path, f.Err)
		}
	}
	fmt.Fprintf(stderr, "ccconform-beam: checking %d files on %s\n", len(files), runner)
	sum, err := pipeline.Run(ctx, runner, o.o)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "%s; verdicts in %s, summary in %s\n", sum.Line(), o.o.Output,
		strings.TrimSuffix(o.o.Output, "/")+"/"+pipeline.SummaryFile)
	switch {
	case sum.Errors > 0:
		fmt.Fprintf(stderr, "ccconform-beam: %d input(s) could not be read; the summary covers the rest\n", sum.Errors)
		return exitUsage
	case sum.Invalid > 0:
		return exitInvalid
	}
	return exitOK
}

// knownRunners are the runners this command imports, by the names Beam
// registers them under (it has aliases: DataflowRunner, FlinkRunner, ...).
var knownRunners = []string{"prism", "dataflow", "flink", "spark", "universal", "portable"}

// runnerName reads --runner: "" is prism, and a name is taken in any case
// (Dataflow, FLINK), where Beam would end the process with status 1, the
// status of documents that do not conform.
func runnerName(name string) (string, error) {
	if name == "" {
		return "prism", nil
	}
	for _, r := range knownRunners {
		if strings.EqualFold(name, r) || strings.EqualFold(name, r+"runner") {
			return r, nil
		}
	}
	return "", fmt.Errorf("--runner %q is not one this command has: use one of %s", name, strings.Join(knownRunners, ", "))
}

// listFlag gathers a repeatable flag; commas separate values too, except
// in NAME=FILE pairs, whose file names may hold them.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	if strings.Contains(v, "=") {
		*l = append(*l, v)
		return nil
	}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}
