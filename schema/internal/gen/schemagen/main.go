// Command schemagen writes the JSON Schema files of package schema from the
// types of package types. go generate runs it in the schema directory.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccconform/ccconform/schema/internal/gen"
)

func main() {
	files, err := gen.Files("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	for _, name := range gen.Names(files) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "schemagen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(name, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "schemagen:", err)
			os.Exit(1)
		}
	}
}
