package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// checkFn checks the documents of each split. Its exported fields are what
// a runner ships to the workers; the options are read once per worker, in
// Setup.
//
// A bundle (the runner's batch of splits) has one summary, one coverage
// count and one file of verdicts: FinishBundle emits the summary and the
// file's name. Without coverage the worker's one Validator checks every
// bundle; with coverage each bundle has a Validator of its own, whose
// count is the bundle's. Per bundle, not per split: a split of a few
// documents would otherwise cost a Validator's first use (about 1 ms) and a
// coverage report to encode and merge (about 50 KB and 0.3 ms).
type checkFn struct {
	Check Check
	All   bool
	// Dir is the output directory, where each bundle writes its verdicts
	// to a file of its own (tempName), renamed when the run ends.
	Dir string

	opts   validate.Options
	shared *validate.Validator // nil with coverage
	v      *validate.Validator // the bundle's
	sum    *report.Summary     // the bundle's
	out    *bundleFile         // the bundle's verdicts, opened on the first
	buf    bytes.Buffer
	line   report.Writer // the json report, one verdict at a time
}

func (f *checkFn) Setup() error {
	opts, err := f.Check.options()
	if err != nil {
		return err
	}
	f.opts = opts
	if !opts.Coverage {
		if f.shared, err = validate.New(opts); err != nil {
			return err
		}
	}
	f.line, err = report.New("json", &f.buf, report.Options{})
	return err
}

func (f *checkFn) StartBundle(ctx context.Context, emitFile func(string), emitSummary func(*report.Summary)) error {
	f.sum, f.out, f.v = report.NewSummary(), nil, f.shared
	if f.v == nil {
		var err error
		if f.v, err = validate.New(f.opts); err != nil {
			return err
		}
	}
	return nil
}

// ProcessElement checks the documents of sp, adding them to the bundle's
// summary and writing the lines of the verdicts to keep to the bundle's
// file. An input that cannot be read, or stops being readable, counts in
// the summary's inputErrors, as ccconform validate counts it, and the run
// goes on; only a failure to write fails the bundle.
func (f *checkFn) ProcessElement(ctx context.Context, sp Split, emitFile func(string), emitSummary func(*report.Summary)) error {
	if sp.Err != "" {
		f.sum.Errors++
		logf(ctx, "cannot read %s: %s; counted in inputErrors", sp.Path, sp.Err)
		return nil
	}
	r, err := openAt(ctx, sp.Path, sp.Start)
	if err != nil {
		f.sum.Errors++
		logf(ctx, "%v; counted in inputErrors", err)
		return nil
	}
	defer r.Close()
	in := validate.Input{Name: sp.Path, R: io.LimitReader(r, sp.End-sp.Start)}
	if validate.IsNDJSON(sp.Path) {
		in.Format = validate.FormatNDJSON
	}
	if !sp.Whole {
		// The splits of a file share a bundle's coverage: each names its
		// places by its own first line, as the page of a paginated URL,
		// so that Location.Compare orders them as the file's lines, and
		// FinishBundle turns them into lines of the file (unsplit).
		in.Page = int(sp.Line)
	}
	var writeErr error
	err = f.v.Stream(ctx, in, func(vd validate.Verdict) error {
		if !sp.Whole {
			vd.Location.Page = 0
			if vd.Location.Line == 0 {
				// "Empty input": this split holds no document. The file
				// has one elsewhere unless it is all blank, which the
				// first split alone tells, by reading on.
				if sp.Start > 0 {
					return nil
				}
				blank, err := blankFrom(ctx, sp.Path, sp.End)
				if err != nil || !blank {
					return nil
				}
			} else {
				vd.Location.Line += int(sp.Line - 1)
			}
		}
		f.sum.Add(vd)
		if !f.All && vd.OK() {
			return nil
		}
		if writeErr = f.write(ctx, vd); writeErr != nil {
			return writeErr
		}
		return nil
	})
	if err != nil {
		if writeErr != nil || ctx.Err() != nil {
			return fmt.Errorf("checking %s: %w", sp.Path, err)
		}
		// A read error: the verdicts so far stand, as in the CLI.
		f.sum.Errors++
		logf(ctx, "checking %s: %v; counted in inputErrors", sp.Path, err)
	}
	return nil
}

// write adds vd's line to the bundle's file, opening it on the first.
func (f *checkFn) write(ctx context.Context, vd validate.Verdict) error {
	f.buf.Reset()
	if err := f.line.Verdict(vd); err != nil {
		return err
	}
	if err := f.line.Flush(); err != nil {
		return err
	}
	if f.out == nil {
		out, err := openBundleFile(ctx, join(f.Dir, tempName()))
		if err != nil {
			return err
		}
		f.out = out
	}
	_, err := f.out.w.Write(f.buf.Bytes())
	return err
}

// FinishBundle closes the bundle's file and emits its name, then the
// bundle's summary, with its coverage when counted.
func (f *checkFn) FinishBundle(ctx context.Context, emitFile func(string), emitSummary func(*report.Summary)) error {
	if f.out != nil {
		if err := f.out.close(); err != nil {
			return err
		}
		emitFile(f.out.path)
		f.out = nil
	}
	if f.shared == nil {
		r := f.v.Coverage().Report()
		unpage(&r)
		f.sum.Coverage = &r
		f.v = nil
	}
	emitSummary(f.sum)
	f.sum = nil
	return nil
}

// blankFrom reports whether the file at path holds nothing but white space
// from offset on, reading only as far as the first byte that is not.
func blankFrom(ctx context.Context, path string, offset int64) (bool, error) {
	r, err := openAt(ctx, path, offset)
	if err != nil {
		return false, err
	}
	defer r.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if len(bytes.TrimLeft(buf[:n], " \t\r\n")) > 0 {
			return false, nil
		}
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// unpage turns the places of a bundle's coverage back into lines of their
// files: a place on line L of the split that starts on line P was counted
// as page P, line L (ProcessElement); it is line P+L-1 of the file, and
// Page is 0, as for every file. The order among places is kept, so the
// least place is still the least.
func unpage(r *validate.CoverageReport) {
	for i := range r.Kinds {
		for j := range r.Kinds[i].Undocumented {
			d := &r.Kinds[i].Undocumented[j]
			if d.First.Page == 0 {
				continue
			}
			old := d.First.String()
			d.First.Line += d.First.Page - 1
			d.First.Page = 0
			if rest, ok := strings.CutPrefix(d.Sample, old+" "); ok {
				d.Sample = d.First.String() + " " + rest
			}
		}
	}
}

// logf logs a note of a worker, where the runner keeps its logs.
func logf(ctx context.Context, format string, a ...any) {
	log.Warnf(ctx, format, a...)
}
