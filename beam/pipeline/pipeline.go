package pipeline

import (
	"context"
	"fmt"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/ccconform/ccconform/validate/report"

	// Inputs and outputs in Google Cloud Storage and Amazon S3, besides
	// local files. Importing them only registers their schemes: a client
	// is made, and credentials looked for, when a gs:// or s3:// path is
	// first used.
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/s3"

	"encoding/json"
)

func init() {
	register.DoFn3x1[context.Context, string, func(Input), error](&matchFn{})
	register.Emitter1[Input]()
	register.DoFn3x0[Input, func(block), func(Split)](&planFn{})
	register.Emitter1[block]()
	register.Emitter1[Split]()
	register.DoFn3x1[context.Context, block, func(string, blockCount), error](&countFn{})
	register.Emitter2[string, blockCount]()
	register.Function3x0(placeFn)
	register.Iter1[blockCount]()
	register.DoFn4x1[context.Context, Split, func(string), func(*report.Summary), error](&checkFn{})
	register.Emitter1[string]()
	register.Emitter1[*report.Summary]()
	register.Combiner3[*report.Summary, *report.Summary, *report.Summary](&combineFn{})
	register.DoFn4x1[context.Context, []byte, func(*string) bool, func(string), error](&finalizeFn{})
	register.Iter1[string]()
	register.DoFn2x1[context.Context, *report.Summary, error](&writeSummaryFn{})
	register.DoFn3x1[context.Context, *report.Summary, func(*string) bool, error](&writeHTMLFn{})

	for _, t := range []reflect.Type{reflect.TypeOf(Split{}), reflect.TypeOf(Input{}), reflect.TypeOf(block{}), reflect.TypeOf(blockCount{})} {
		beam.RegisterType(t)
	}
	// A summary crosses workers as the JSON the command line writes: its
	// maps and coverage need no schema of their own.
	summary := reflect.TypeOf((*report.Summary)(nil))
	beam.RegisterType(summary.Elem())
	beam.RegisterCoder(summary, encodeSummary, decodeSummary)
}

func encodeSummary(s *report.Summary) ([]byte, error) { return json.Marshal(s) }

func decodeSummary(b []byte) (*report.Summary, error) {
	s := report.NewSummary()
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("decoding a summary: %w", err)
	}
	return s, nil
}

// Build adds the pipeline that o describes to scope s: match o.Input,
// split, check, write the verdicts' shards, and combine the summaries into
// summary.json (and report.html with o.HTML). It checks o's settings, the
// custom schemas compiled, before it adds anything.
func Build(s beam.Scope, o Options) error {
	if o.Input == "" || o.Output == "" {
		return fmt.Errorf("the pipeline needs an input glob and an output directory")
	}
	if o.SplitBytes == 0 {
		o.SplitBytes = DefaultSplitBytes
	}
	if o.SplitBytes < 0 {
		return fmt.Errorf("the split size must be positive")
	}
	if err := o.Check.Validate(); err != nil {
		return err
	}

	files := beam.ParDo(s.Scope("Match"), &matchFn{}, beam.Create(s, o.Input))
	blocks, whole := beam.ParDo2(s.Scope("Plan"), &planFn{SplitBytes: o.SplitBytes}, files)
	counts := beam.ParDo(s.Scope("Count"), &countFn{}, beam.Reshuffle(s, blocks))
	placed := beam.ParDo(s.Scope("Place"), placeFn, beam.GroupByKey(s, counts))
	splits := beam.Reshuffle(s, beam.Flatten(s, whole, placed))

	// Each bundle writes its verdicts to a file of its own: no shuffle of
	// the verdicts, and no worker holds more than a bundle's buffer.
	temps, summaries := beam.ParDo2(s.Scope("Check"), &checkFn{Check: o.Check, All: o.All, Dir: o.Output}, splits)
	shards := beam.ParDo(s.Scope("NameShards"), &finalizeFn{Dir: o.Output, HTML: o.HTML}, beam.Impulse(s), beam.SideInput{Input: temps})

	summary := beam.Combine(s.Scope("Summarize"), &combineFn{}, summaries)
	beam.ParDo0(s.Scope("WriteSummary"), &writeSummaryFn{Dir: o.Output}, summary)
	if o.HTML {
		beam.ParDo0(s.Scope("WriteHTML"), &writeHTMLFn{Dir: o.Output, Strict: o.Check.Strict}, summary,
			beam.SideInput{Input: shards})
	}
	return nil
}
