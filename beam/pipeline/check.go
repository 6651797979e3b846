package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"strings"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// checkFn checks the documents of each split. Its exported fields are what
// a runner ships to the workers; the Validator is made once per worker, in
// Setup, from them.
type checkFn struct {
	Check  Check
	All    bool
	Shards int

	opts validate.Options
	v    *validate.Validator // nil with coverage: each split counts its own
	buf  bytes.Buffer
	line report.Writer // the json report, one verdict at a time
}

func (f *checkFn) Setup() error {
	opts, err := f.Check.options()
	if err != nil {
		return err
	}
	f.opts = opts
	if !opts.Coverage {
		if f.v, err = validate.New(opts); err != nil {
			return err
		}
	}
	f.line, err = report.New("json", &f.buf, report.Options{})
	return err
}

// ProcessElement checks the documents of sp. It emits the lines of the
// verdicts to write, keyed by their shard, and the split's summary, with
// its coverage when counted.
func (f *checkFn) ProcessElement(ctx context.Context, sp Split, emitVerdict func(int, string), emitSummary func(*report.Summary)) error {
	v := f.v
	if v == nil {
		// Coverage is counted per split, so that each keeps the first
		// places of its own documents: a fresh Validator, the schemas it
		// needs compiled on first use as every Validator compiles them.
		var err error
		if v, err = validate.New(f.opts); err != nil {
			return err
		}
	}
	r, err := openAt(ctx, sp.Path, sp.Start)
	if err != nil {
		return err
	}
	defer r.Close()
	in := validate.Input{Name: sp.Path, R: io.LimitReader(r, sp.End-sp.Start)}
	if validate.IsNDJSON(sp.Path) {
		in.Format = validate.FormatNDJSON
	}
	sum := report.NewSummary()
	err = v.Stream(ctx, in, func(vd validate.Verdict) error {
		if !sp.Whole && sp.Start > 0 {
			if vd.Location.Line == 0 {
				// "Empty input" of a split of blank lines: the file
				// has documents before it.
				return nil
			}
			vd.Location.Line += int(sp.Line - 1)
		}
		sum.Add(vd)
		if !f.All && vd.OK() {
			return nil
		}
		f.buf.Reset()
		if err := f.line.Verdict(vd); err != nil {
			return err
		}
		if err := f.line.Flush(); err != nil {
			return err
		}
		line := bytes.TrimSuffix(f.buf.Bytes(), []byte{'\n'})
		emitVerdict(shardOf(line, f.Shards), string(line))
		return nil
	})
	if err != nil {
		return fmt.Errorf("checking %s: %w", sp.Path, err)
	}
	if c := v.Coverage(); c != nil {
		r := c.Report()
		if !sp.Whole {
			shiftLines(&r, int(sp.Line-1))
		}
		sum.Coverage = &r
	}
	emitSummary(sum)
	return nil
}

// shardOf spreads verdict lines over n shards by their bytes.
func shardOf(line []byte, n int) int {
	h := fnv.New32a()
	h.Write(line)
	return int(h.Sum32() % uint32(n))
}

// shiftLines moves the first places of a split's coverage by off lines:
// the validator counted the split's lines from 1, as if it were a file of
// its own. Within a split every place moves alike, so the least place is
// still the least.
func shiftLines(r *validate.CoverageReport, off int) {
	if off == 0 {
		return
	}
	for i := range r.Kinds {
		for j := range r.Kinds[i].Undocumented {
			d := &r.Kinds[i].Undocumented[j]
			if d.First.Line == 0 {
				continue
			}
			old := d.First.String()
			d.First.Line += off
			if rest, ok := strings.CutPrefix(d.Sample, old+" "); ok {
				d.Sample = d.First.String() + " " + rest
			}
		}
	}
}
