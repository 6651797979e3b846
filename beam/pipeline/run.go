package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/ccconform/ccconform/validate/report"
)

// isLocal reports whether p names a local path rather than a URL of a
// filesystem (gs://, s3://).
func isLocal(p string) bool { return !strings.Contains(p, "://") }

// Prepare checks, before a pipeline is launched, what would otherwise fail
// on the workers after minutes of staging: that the glob is one, that it
// matches files (listing it through Beam's filesystem, which for gs:// and
// s3:// needs the launcher's credentials), that none of them is a
// directory, that a local output directory can be written (it is made
// if missing), that no matched file lies in the output directory, and that
// the files there the run would replace or remove are the pipeline's own
// (checkOwn); it removes nothing. It returns the files matched; a
// local file that cannot be read has its Err set (the run counts it as an
// input error and checks the rest).
func Prepare(ctx context.Context, o Options) ([]Input, error) {
	if o.Input == "" {
		return nil, errors.New("--input is required: a glob of the files to check, as 'exports/*.ndjson' or 'gs://bucket/exports/*.ndjson'")
	}
	if o.Output == "" {
		return nil, errors.New("--output is required: the directory to write the verdicts and summary.json to")
	}
	pattern := o.Input
	if i := strings.Index(pattern, "://"); i >= 0 {
		pattern = pattern[i+3:]
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("--input %q is not a glob (check its brackets and escapes): %v", o.Input, err)
	}
	files, err := match(ctx, o.Input)
	if err != nil {
		return nil, fmt.Errorf("--input %q: cannot list the files it matches: %v", o.Input, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("--input %q matches no file: check the path, and quote the glob so that the shell does not expand it", o.Input)
	}
	for _, f := range files {
		if f.Size < 0 {
			return nil, fmt.Errorf("--input %q matches the directory %s: match files, as %s", o.Input, f.Path, filepath.Join(f.Path, "*.ndjson"))
		}
	}
	if isLocal(o.Output) {
		if err := os.MkdirAll(o.Output, 0o755); err != nil {
			return nil, fmt.Errorf("--output %s cannot be made: %v", o.Output, unwrapPath(err))
		}
		probe, err := os.CreateTemp(o.Output, ".ccconform-beam-probe-")
		if err != nil {
			return nil, fmt.Errorf("--output %s cannot be written: %v", o.Output, unwrapPath(err))
		}
		probe.Close()
		os.Remove(probe.Name())
	}
	if f := inOutput(files, o.Output); f != "" {
		return nil, fmt.Errorf("--input %q matches %s, in the output directory, where the run writes and replaces files: choose another --output", o.Input, f)
	}
	if err := checkOwn(ctx, o.Output, o.HTML); err != nil {
		return nil, err
	}
	return files, nil
}

// Run builds the pipeline o describes, runs it on the named runner (its
// package imported, as the runners of beamx are), and returns the summary
// it wrote to summary.json. It removes nothing at launch: the job itself
// replaces an earlier run's summary.json (and report.html with o.HTML) and
// removes its other verdict files (and its report.html without o.HTML),
// each only when its content shows the pipeline wrote it; it fails rather
// than replace a file that the pipeline did not write.
func Run(ctx context.Context, runner string, o Options) (*report.Summary, error) {
	p, s := beam.NewPipelineWithRoot()
	if err := Build(s, o); err != nil {
		return nil, err
	}
	if _, err := beam.Run(ctx, runner, p); err != nil {
		return nil, fmt.Errorf("the pipeline failed: %w", err)
	}
	return ReadSummary(ctx, o.Output)
}

// ReadSummary reads the summary.json a run wrote to dir.
func ReadSummary(ctx context.Context, dir string) (*report.Summary, error) {
	name := join(dir, SummaryFile)
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return nil, err
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	var line struct {
		Summary *report.Summary `json:"summary"`
	}
	if err := json.Unmarshal(b, &line); err != nil || line.Summary == nil {
		return nil, fmt.Errorf("%s is not a summary line: %v", name, err)
	}
	return line.Summary, nil
}
