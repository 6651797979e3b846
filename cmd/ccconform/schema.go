package main

import (
	"os"
	"path/filepath"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
)

func runSchema(e *env, args []string) int {
	fs := newFlags(e, "schema", "ccconform schema [--kind KIND] [--profile sdk|rest] [-o DIR]", `  # The schema of a text message as the SDK documentation describes it
  ccconform schema --kind textMessage

  # The schema of a user as the REST API v3 sends it
  ccconform schema --kind user --profile rest

  # Every schema of the rest profile, as files in schemas/ (message.json
  # refers to the others by relative path)
  ccconform schema --profile rest -o schemas
`)
	kind := fs.String("kind", "", "the `KIND` whose schema to print: "+kindNames("or message (any message)"))
	profile := fs.String("profile", "sdk", "the shape to print, one of `sdk|rest`: sdk for the SDK documentation's objects, rest for REST API v3 wire JSON")
	out := fs.String("o", "", "write the schemas as files into `DIR` instead of printing one")
	if done, status := parse(e, fs, args); done {
		return status
	}
	if done, status := noArgs(e, fs); done {
		return status
	}
	p, err := types.ParseProfile(*profile)
	if err != nil {
		return e.errorf("--profile: %v", err)
	}
	names := schema.Names()
	if *kind != "" {
		if *kind != schema.MessageName {
			if _, err := types.ParseKind(*kind); err != nil {
				return e.errorf("--kind: %v", err)
			}
		}
		if *kind != schema.MessageName || *out == "" {
			// The schema of any message refers to the kinds' schemas
			// beside it, so -o writes them all with it.
			names = []string{*kind}
		}
	}
	if *out == "" {
		if *kind == "" {
			return e.errorf("schema: name a --kind to print one schema, or give -o DIR to write them all")
		}
		b, _ := schema.File(p, *kind)
		_, err := e.stdout.Write(b)
		if err != nil {
			return e.errorf("writing standard output: %v", err)
		}
		return exitOK
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return e.errorf("cannot create %s: %v", *out, err)
	}
	for _, n := range names {
		b, _ := schema.File(p, n)
		path := filepath.Join(*out, n+".json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return e.errorf("cannot write %s: %v", path, err)
		}
		e.stderr.Write([]byte("wrote " + path + "\n"))
	}
	return exitOK
}
