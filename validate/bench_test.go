package validate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccconform/ccconform/validate"
)

// BenchmarkCheck measures the per-document path on each committed fixture
// kind: go test -bench Check ./validate
func BenchmarkCheck(b *testing.B) {
	v, err := validate.New(validate.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"docs/textMessage-user-offline.json", "rest/textMessage.json", "docs/call-initiated.json", "rest/user.json"} {
		raw, err := os.ReadFile(filepath.Join("..", "fixtures", name))
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		json.Compact(&buf, raw)
		doc := buf.Bytes()
		b.Run(strings.TrimSuffix(name, ".json"), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if vd := v.Check(doc); !vd.OK() {
					b.Fatal(vd.Violations)
				}
			}
		})
	}
}

// BenchmarkStream measures a whole NDJSON stream on every core:
// go test -bench Stream ./validate
func BenchmarkStream(b *testing.B) {
	v, err := validate.New(validate.Options{})
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := os.ReadFile("../fixtures/docs/textMessage-user-offline.json")
	var line bytes.Buffer
	json.Compact(&line, raw)
	line.WriteByte('\n')
	input := bytes.Repeat(line.Bytes(), 2000)
	b.SetBytes(int64(len(input)))
	for b.Loop() {
		n := 0
		err := v.Stream(context.Background(), validate.Input{Name: "bench", R: bytes.NewReader(input), Format: validate.FormatNDJSON},
			func(vd validate.Verdict) error { n++; return nil })
		if err != nil || n != 2000 {
			b.Fatal(err, n)
		}
	}
	_ = io.Discard
}
