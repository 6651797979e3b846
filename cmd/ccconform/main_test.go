package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

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
			"mkdoc":      mkdoc,
			"waiturl":    waiturl,
			"faultcount": faultcount,
			"lastline":   lastline,
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

// waiturl waits for a server started in the background to write its base
// URL, and sets a variable to it:
//
//	waiturl VAR FILE   FILE as serve or proxy --url-file writes it
func waiturl(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waiturl VAR FILE")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(ts.MkAbs(args[1]))
		if line := strings.TrimSpace(string(b)); err == nil && strings.HasSuffix(string(b), "\n") && line != "" {
			ts.Setenv(args[0], line)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waiturl: %s not written within 20s", args[1])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// faultcount checks that a report found exactly the faults a server
// injected, and some:
//
//	faultcount LOG REPORT   LOG: serve's standard error; REPORT: validate --format json
func faultcount(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: faultcount LOG REPORT")
	}
	logged := strings.Count(ts.ReadFile(args[0]), "ccconform serve: fault: ")
	lines := strings.Split(strings.TrimSpace(ts.ReadFile(args[1])), "\n")
	var last struct {
		Summary struct{ Invalid int } `json:"summary"`
	}
	ts.Check(json.Unmarshal([]byte(lines[len(lines)-1]), &last))
	if logged == 0 || last.Summary.Invalid != logged {
		ts.Fatalf("the server logged %d faults; the report counts %d invalid documents", logged, last.Summary.Invalid)
	}
	fmt.Fprintf(ts.Stdout(), "%d faults logged, %d invalid documents found\n", logged, last.Summary.Invalid)
}

// lastline prints the last line of a file, such as the summary of a json
// report:
//
//	lastline FILE
func lastline(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lastline FILE")
	}
	lines := strings.Split(strings.TrimSpace(ts.ReadFile(args[0])), "\n")
	fmt.Fprintln(ts.Stdout(), lines[len(lines)-1])
}
