package generate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccconform/ccconform/types"
)

// WriteSample writes the small sample of generated fixtures that the
// repository keeps in fixtures/generated, for other projects to copy:
// three valid documents of every kind in each profile (sdk/, rest/, docs/),
// two mutants of every kind in each profile with their manifest
// (invalid/sdk/, invalid/rest/, invalid/docs/), and a tiny world (world/). go generate ./generate
// rewrites the committed sample; a test fails when it drifts.
func WriteSample(dir string) error {
	ctx := context.Background()
	for _, p := range types.Profiles() {
		g, err := New(Options{Seed: 1, Profile: p})
		if err != nil {
			return err
		}
		valid := filepath.Join(dir, string(p))
		broken := filepath.Join(dir, "invalid", string(p))
		for _, d := range []string{valid, broken} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
		manifest, err := os.Create(filepath.Join(broken, "manifest.tsv"))
		if err != nil {
			return err
		}
		fmt.Fprintln(manifest, ManifestHeader)
		for _, k := range types.Kinds() {
			if err := g.Write(ctx, k, 3, false, Output{Format: "files", Dir: valid}); err != nil {
				manifest.Close()
				return fmt.Errorf("sample %s %s: %w", p, k, err)
			}
			if err := g.Write(ctx, k, 2, true, Output{Format: "files", Dir: broken, Manifest: manifest}); err != nil {
				manifest.Close()
				return fmt.Errorf("sample mutants %s %s: %w", p, k, err)
			}
		}
		if err := manifest.Close(); err != nil {
			return err
		}
	}
	g, _ := New(Options{Seed: 1})
	w, err := g.World(6, 2, 30)
	if err != nil {
		return err
	}
	return w.Write(filepath.Join(dir, "world"))
}
