// Command ccconform checks CometChat Pro payloads against the documented data
// model, generates fixtures, and prints the model's JSON Schemas.
//
// Run ccconform help for the commands, and ccconform COMMAND --help for one
// command's flags and examples.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses: every document conforms; at least one does not; the run
// itself could not be done; the run was interrupted (SIGINT or SIGTERM), as
// shells count 128 plus SIGINT.
const (
	exitOK          = 0
	exitInvalid     = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// env is what a command reads from and writes to.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// errorf writes a diagnostic to standard error and returns exitUsage.
func (e *env) errorf(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "ccconform: "+format+"\n", args...)
	return exitUsage
}

// command is one subcommand of ccconform.
type command struct {
	summary string
	run     func(e *env, args []string) int
}

var commands = map[string]command{
	"generate": {"make fixtures: valid, broken, or whole chat worlds", runGenerate},
	"proxy":    {"forward to a server and check the JSON it answers", runProxy},
	"schema":   {"print or write the JSON Schemas of the data model", runSchema},
	"serve":    {"answer the REST API's read endpoints from a generated world", runServe},
	"validate": {"check payloads against the data model", runValidate},
	"version":  {"print ccconform's version", runVersion},
}

func main() {
	os.Exit(run(&env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:]))
}

func run(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(e, []string{"--help"})
			}
			return e.errorf("no command %q: run ccconform help", args[1])
		}
		usage(e.stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		usage(e.stderr)
		return e.errorf("no command %q: run ccconform help", name)
	}
	return c.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `ccconform checks CometChat Pro payloads against the documented data model.

Usage:
  ccconform COMMAND [flags] [arguments]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'ccconform COMMAND --help' for a command's flags and examples.
Exit status: 0 every document conforms, 1 at least one does not, 2 the run could not be done.
`)
}

// kindNames lists the accepted --kind values, for help texts.
func kindNames(extra ...string) string {
	names := []string{"user", "group", "groupMember", "textMessage", "mediaMessage", "customMessage", "action", "call"}
	return strings.Join(append(names, extra...), ", ")
}
