package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ccconform": func() { os.Exit(run(&env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:])) },
	})
}

// TestScripts runs the scripts of testdata/scripts against the real binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/scripts",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fixturesDir)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkdoc": mkdoc,
		},
	})
}

// mkdoc writes documents too large to keep in a script:
//
//	mkdoc deep N FILE   a user whose metadata nests N objects deep
//	mkdoc big MB FILE   NDJSON: a valid user, a user with MB MiB of metadata, an invalid user
func mkdoc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: mkdoc deep|big N FILE")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	user := `{"uid":"a","name":"A","status":"online"`
	var doc string
	switch args[0] {
	case "deep":
		doc = user + `,"metadata":` + strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) + "}\n"
	case "big":
		doc = user + "}\n" + user + `,"metadata":{"blob":"` + strings.Repeat("x", n<<20) + `"}}` + "\n" +
			`{"uid":"c","name":"C","status":"gone"}` + "\n"
	default:
		ts.Fatalf("mkdoc: unknown shape %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(doc), 0o644))
	fmt.Fprintf(ts.Stdout(), "wrote %d bytes\n", len(doc))
}
