package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
	"github.com/spf13/cobra"
)

// schemaOptions are the flags and arguments of ccconform schema.
type schemaOptions struct {
	args    []string
	kind    string
	profile string
	out     string
}

// newSchemaCmd returns the schema command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newSchemaCmd(e *env, runF func(*schemaOptions) int) *cobra.Command {
	o := &schemaOptions{}
	c := &cobra.Command{
		Use:   "schema [flags]",
		Short: "print or write the JSON Schemas of the data model",
		Example: `  # The schema of a text message as the REST API v3 sends it (rest, the default)
  ccconform schema --kind textMessage

  # The schema of a conversation as the official SDKs' objects write it
  ccconform schema --kind conversation --profile sdk

  # The schema of a user in the data model documentation's own layout
  ccconform schema --kind user --profile docs

  # Every schema of the rest profile, as files in schemas/ (message.json
  # refers to the others by relative path)
  ccconform schema -o schemas
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if runF != nil {
				return status(runF(o))
			}
			return status(runSchema(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.kind, "kind", "", "the `KIND` whose schema to print: "+kindNames("or message (any message)"))
	f.StringVar(&o.profile, "profile", "rest", "the shape to print, one of `rest|sdk|docs`: rest for REST API v3 wire JSON, sdk for the official SDKs' objects (3.x and 4.x), docs for the data model documentation's own layout")
	f.StringVarP(&o.out, "output", "o", "", "write the schemas as files into `DIR` instead of printing one")
	c.RegisterFlagCompletionFunc("kind", completeValues(kinds(schema.MessageName)...))
	c.RegisterFlagCompletionFunc("profile", completeValues(profiles()...))
	return c
}

func runSchema(e *env, o *schemaOptions) int {
	if err := oneOf("profile", o.profile, profiles()); err != nil {
		return e.errorf("%v", err)
	}
	p := types.Profile(o.profile)
	names := schema.Names()
	if o.kind != "" {
		if o.kind != schema.MessageName {
			if err := oneOf("kind", o.kind, kinds(schema.MessageName)); err != nil {
				return e.errorf("%v", err)
			}
		}
		if o.kind != schema.MessageName || o.out == "" {
			// The schema of any message refers to the kinds' schemas
			// beside it, so -o writes them all with it.
			names = []string{o.kind}
		}
	}
	if o.out == "" {
		if o.kind == "" {
			return e.errorf("schema: name a --kind to print one schema, or give -o DIR to write them all")
		}
		b, _ := schema.File(p, o.kind)
		_, err := e.stdout.Write(b)
		if err != nil {
			return e.errorf("writing standard output: %v", err)
		}
		return exitOK
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return e.errorf("cannot create %s: %v", o.out, err)
	}
	var needRest []string
	for _, n := range names {
		b, _ := schema.File(p, n)
		path := filepath.Join(o.out, n+".json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return e.errorf("cannot write %s: %v", path, err)
		}
		e.stderr.Write([]byte("wrote " + path + "\n"))
		if p != types.ProfileREST && bytes.Contains(b, []byte(`"../rest/message.json"`)) {
			needRest = append(needRest, n+".json")
		}
	}
	if len(needRest) > 0 {
		// The message an edit or a deletion is about keeps the wire shape
		// in every profile: its schema is the rest profile's, referred to
		// as ../rest/message.json.
		rest := filepath.Join(filepath.Dir(filepath.Clean(o.out)), "rest")
		verb := "refers"
		if len(needRest) > 1 {
			verb = "refer"
		}
		fmt.Fprintf(e.stderr, "ccconform: %s %s to the rest profile's message.json (the message an edit or deletion is about is in the wire shape); write those schemas too: ccconform schema --profile rest -o %s\n",
			strings.Join(needRest, " and "), verb, rest)
	}
	return exitOK
}
