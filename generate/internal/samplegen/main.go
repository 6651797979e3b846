// Command samplegen rewrites the sample of generated fixtures kept in the
// repository: go generate ./generate runs it.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccconform/ccconform/generate"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: samplegen DIR")
		os.Exit(2)
	}
	// Start clean, so that no file outlives the generator that made it;
	// the README stays.
	for _, d := range []string{"sdk", "rest", "docs", "invalid", "world"} {
		if err := os.RemoveAll(filepath.Join(os.Args[1], d)); err != nil {
			fmt.Fprintln(os.Stderr, "samplegen:", err)
			os.Exit(1)
		}
	}
	if err := generate.WriteSample(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "samplegen:", err)
		os.Exit(1)
	}
}
