package generate_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
)

// BenchmarkDocument measures one core making and encoding documents of each
// kind: go test -bench Document ./generate
func BenchmarkDocument(b *testing.B) {
	g, _ := generate.New(generate.Options{Seed: 1})
	for _, k := range types.Kinds() {
		b.Run(string(k), func(b *testing.B) {
			i, size := 0, 0
			for b.Loop() {
				raw, err := json.Marshal(g.Document(k, i))
				if err != nil {
					b.Fatal(err)
				}
				size += len(raw)
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "docs/s")
			b.ReportMetric(float64(size)/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}

// BenchmarkStream measures every core making a mix through Stream, as
// ccconform generate does: go test -bench Stream ./generate
func BenchmarkStream(b *testing.B) {
	g, _ := generate.New(generate.Options{Seed: 1})
	n := 0
	for b.Loop() {
		err := g.Stream(context.Background(), "", 1000, false, func(it generate.Item) error { n++; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}
