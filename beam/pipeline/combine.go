package pipeline

import (
	"github.com/ccconform/ccconform/validate/report"
)

// combineFn adds up the summaries of the splits, coverage included, with
// report.Summary's Merge: merging is associative and commutative, so the
// runner may combine them in any grouping and order, on any worker.
type combineFn struct{}

func (combineFn) CreateAccumulator() *report.Summary { return report.NewSummary() }

func (combineFn) AddInput(acc, s *report.Summary) *report.Summary {
	acc.Merge(s)
	return acc
}

func (combineFn) MergeAccumulators(a, b *report.Summary) *report.Summary {
	a.Merge(b)
	return a
}

func (combineFn) ExtractOutput(acc *report.Summary) *report.Summary { return acc }
