package validate_test

import (
	"os/exec"
	"strings"
	"testing"
)

// generatorOnly are the import paths, and prefixes of paths, that only schema
// generation or tests need. A service that imports the model or checks
// payloads in production must not link them: invopop/jsonschema and what it
// brings (a YAML release candidate, an ordered map, a list, a JSON parser),
// and testing, which belongs in package validatetest.
var generatorOnly = []string{
	"github.com/invopop/jsonschema",
	"go.yaml.in/yaml",
	"gopkg.in/yaml",
	"github.com/pb33f/ordered-map",
	"github.com/bahlo/generic-list-go",
	"github.com/buger/jsonparser",
	"testing",
}

// lean are the packages other programs import to use the model, check
// payloads, make fixtures or serve them.
var lean = []string{
	"github.com/ccconform/ccconform/types",
	"github.com/ccconform/ccconform/schema",
	"github.com/ccconform/ccconform/validate",
	"github.com/ccconform/ccconform/validate/report",
	"github.com/ccconform/ccconform/generate",
	"github.com/ccconform/ccconform/fetch",
	"github.com/ccconform/ccconform/serve",
	"github.com/ccconform/ccconform/proxy",
}

// TestNoGeneratorDependencies fails when importing one of the lean packages
// links a package that only schema generation or tests need, and names the
// chain of imports that brings it in.
func TestNoGeneratorDependencies(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list dependencies with")
	}
	args := append([]string{"list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}"}, lean...)
	out, err := exec.Command(goCmd, args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		imports[f[0]] = f[1:]
	}
	for _, root := range lean {
		if _, ok := imports[root]; !ok {
			t.Fatalf("go list did not list %s", root)
		}
		// Breadth first, so that each chain reported is a shortest one.
		from := map[string]string{root: ""}
		queue := []string{root}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if forbidden(p) {
				t.Errorf("%s links %s, which only schema generation or tests need: %s", root, p, chain(from, p))
				continue
			}
			for _, q := range imports[p] {
				if _, seen := from[q]; !seen {
					from[q] = p
					queue = append(queue, q)
				}
			}
		}
	}
}

func forbidden(p string) bool {
	for _, f := range generatorOnly {
		if p == f || strings.HasPrefix(p, f+"/") {
			return true
		}
	}
	return false
}

// chain is the import path from the root of from to p, as a → b → p.
func chain(from map[string]string, p string) string {
	var path []string
	for ; p != ""; p = from[p] {
		path = append([]string{p}, path...)
	}
	return strings.Join(path, " → ")
}
