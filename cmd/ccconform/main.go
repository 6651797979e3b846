// Command ccconform checks CometChat Pro payloads against the documented data
// model, generates fixtures, and prints the model's JSON Schemas.
//
// Run ccconform help for the commands, and ccconform COMMAND --help for one
// command's flags and examples. ccconform is licensed under the Apache
// License 2.0.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ccconform/ccconform/internal/suggest"
	"github.com/ccconform/ccconform/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// exitStatus carries a command's exit status out of cobra: what it had to
// say is said.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// status turns a run function's exit status into what cobra's RunE returns.
func status(n int) error {
	if n == exitOK {
		return nil
	}
	return exitStatus(n)
}

func main() {
	os.Exit(run(&env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:]))
}

// run runs the command line args and returns the exit status.
func run(e *env, args []string) int {
	root := newRootCmd(e)
	if len(args) == 0 {
		// No command at all is a mistake, said with the commands.
		root.SetOut(e.stderr)
		root.Usage()
		return exitUsage
	}
	root.SetArgs(args)
	err := root.Execute()
	var s exitStatus
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &s):
		return int(s)
	}
	// Errors of the command line itself: a bad flag, an unknown command.
	msg := err.Error()
	fmt.Fprintf(e.stderr, "ccconform: %s\n", msg)
	if c, _, ferr := root.Find(args); ferr == nil && c != root {
		fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", c.CommandPath())
	} else {
		fmt.Fprintln(e.stderr, "Run 'ccconform help' for the commands.")
	}
	return exitUsage
}

const rootLong = `ccconform checks CometChat Pro payloads against the documented data model.

Exit status: 0 every document conforms, 1 at least one does not, 2 the run
could not be done, 130 it was interrupted.`

// newRootCmd builds the whole command line.
func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "ccconform",
		Short:         "check CometChat Pro payloads against the documented data model",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newGenerateCmd(e, nil),
		newMergeCmd(e, nil),
		newProxyCmd(e, nil),
		newSchemaCmd(e, nil),
		newServeCmd(e, nil),
		newValidateCmd(e, nil),
		newVersionCmd(e),
		newWebhookCmd(e),
	)
	for _, c := range root.Commands() {
		c.Flags().SortFlags = false
	}
	return root
}

// flagError adds what a person needs to a flag's parse error: the flag
// they meant, or the unit a duration lacks.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if s := closest(name, flagNames(c)); s != "" {
			return fmt.Errorf("%s; did you mean --%s?", msg, s)
		}
	}
	if strings.Contains(msg, "missing unit in duration") {
		return fmt.Errorf("%s: give a unit, as in 30s, 500ms or 2m", msg)
	}
	return err
}

// flagNames lists a command's flags, hidden ones left out.
func flagNames(c *cobra.Command) []string {
	var names []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	})
	return names
}

// closest returns the one of names nearest to s, when it is near enough to
// be what was meant.
func closest(s string, names []string) string { return suggest.Closest(s, names) }

// oneOf checks a flag's value against the values it takes, and names the
// one that was meant when it is near: "--kind: "txtMessage" is not one of
// ...; did you mean textMessage?".
func oneOf(flag, value string, values []string) error {
	for _, v := range values {
		if v == value {
			return nil
		}
	}
	msg := fmt.Sprintf("--%s: %q is not one of %s", flag, value, strings.Join(values, ", "))
	if s := closest(value, values); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return errors.New(msg)
}

// noArgs refuses arguments to a command that takes none, naming the
// first.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("%s takes no arguments, got %q", c.Name(), args[0])
	}
	return nil
}

// kinds lists the --kind values: the model's kinds, then extra.
func kinds(extra ...string) []string {
	var names []string
	for _, k := range types.Kinds() {
		names = append(names, string(k))
	}
	return append(names, extra...)
}

// profiles lists the --profile values: extra, then the model's profiles.
func profiles(extra ...string) []string {
	names := append([]string(nil), extra...)
	for _, p := range types.Profiles() {
		names = append(names, string(p))
	}
	return names
}

// kindNames lists the accepted --kind values, for help texts.
func kindNames(extra ...string) string {
	return strings.Join(kinds(extra...), ", ")
}

// completeValues completes a flag from a fixed list.
func completeValues(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
