package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
)

func runGenerate(e *env, args []string) int {
	if len(args) > 0 && args[0] == "world" {
		return runWorld(e, args[1:])
	}
	fs := newFlags(e, "generate", "ccconform generate [flags]\n  ccconform generate world [flags] -o DIR", `  # Ten fixtures of every kind, as NDJSON
  ccconform generate

  # 1,000 text messages as the REST API sends them, every optional field present
  ccconform generate --kind textMessage -n 1000 --profile rest --optional all > messages.ndjson

  # One file per fixture, in fixtures/
  ccconform generate --kind user -n 20 --format files -o fixtures

  # Broken documents, each labelled with the violation a validator must report
  ccconform generate --invalid -n 100 -o broken        # broken/fixtures.ndjson and broken/manifest.tsv

  # A coherent world of users, groups, members and messages
  ccconform generate world --users 50 --groups 5 --messages 1000 -o world

  # Custom messages of your own type, their customData drawn from its schema
  ccconform generate --kind customMessage --custom-schema location=schemas/location.json
`)
	kind := fs.String("kind", "all", "the `KIND` to make: all (a mix), or "+kindNames())
	n := fs.Int("n", 10, "how many documents")
	seed := fs.Uint64("seed", 1, "the seed: the same seed, flags and version give the same bytes")
	profile := fs.String("profile", "sdk", "the shape, `sdk|rest`: the SDK documentation's objects, or REST API v3 wire JSON")
	optional := fs.String("optional", "random", "optional fields: `all|none|random` (each present about half the time)")
	invalid := fs.Bool("invalid", false, "make documents broken in exactly one way each, labelled in a manifest")
	format := fs.String("format", "ndjson", "the layout, `ndjson|json|files`: one document a line, one JSON array, or one file each")
	out := fs.String("o", "", "write into `DIR` (fixtures.ndjson or fixtures.json, manifest.tsv, or one file each)")
	manifest := fs.String("manifest", "", "write the labels of --invalid documents to `FILE` (default DIR/manifest.tsv with -o)")
	var customData pairFlags
	fs.Var(&customData, "custom-schema", "make custom messages of type TYPE, their customData filled from the JSON Schema in FILE, as `TYPE=FILE` (repeatable; also \"customData\" in .ccconform.json)")
	if done, status := parse(e, fs, args); done {
		return status
	}
	if done, status := noArgs(e, fs); done {
		return status
	}
	var k types.Kind
	if *kind != "all" {
		parsed, err := types.ParseKind(*kind)
		if err != nil {
			return e.errorf("--kind: %v, or all", err)
		}
		k = parsed
	}
	p, err := types.ParseProfile(*profile)
	if err != nil {
		return e.errorf("--profile: %v", err)
	}
	opt, err := generate.ParseOptional(*optional)
	if err != nil {
		return e.errorf("%v", err)
	}
	if *n < 0 {
		return e.errorf("-n: cannot make %d documents", *n)
	}
	custom, err := customSchemas(e, customData, nil)
	if err != nil {
		return e.errorf("%v", err)
	}
	gopts := generate.Options{Seed: *seed, Profile: p, Optional: opt}
	if custom != nil {
		gopts.CustomData = custom.Data
	}
	g, err := generate.New(gopts)
	if err != nil {
		return e.errorf("%v", err)
	}
	if err := g.CheckCustomData(); err != nil {
		return e.errorf("generate: %v", err)
	}
	o := generate.Output{Format: *format, Dir: *out, W: e.stdout}
	if *manifest != "" {
		f, err := os.Create(*manifest)
		if err != nil {
			return e.errorf("cannot write the manifest: %v", err)
		}
		defer f.Close()
		fmt.Fprintln(f, generate.ManifestHeader)
		o.Manifest = f
	} else if *invalid && *out == "" {
		fmt.Fprintln(e.stderr, "ccconform: the labels of broken documents are kept only with --manifest FILE or -o DIR")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Generation allocates much and keeps little: collect less often.
	debug.SetGCPercent(400)
	if err := g.Write(ctx, k, *n, *invalid, o); err != nil {
		return e.errorf("generate: %v", err)
	}
	return exitOK
}

func runWorld(e *env, args []string) int {
	fs := newFlags(e, "generate world", "ccconform generate world [--users N] [--groups N] [--messages N] [--seed S] -o DIR", `  # A small world, written as REST collections
  ccconform generate world --users 20 --groups 3 --messages 200 -o world
  ccconform validate world          # every document conforms
`)
	users := fs.Int("users", 20, "how many users")
	groups := fs.Int("groups", 3, "how many groups")
	messages := fs.Int("messages", 200, "how many conversation messages (membership actions come on top)")
	seed := fs.Uint64("seed", 1, "the seed")
	out := fs.String("o", "", "the `DIR` to write users.json, groups.json, members/<guid>.json and messages.json into")
	if done, status := parse(e, fs, args); done {
		return status
	}
	if done, status := noArgs(e, fs); done {
		return status
	}
	if *out == "" {
		return e.errorf("generate world: give -o DIR")
	}
	g, err := generate.New(generate.Options{Seed: *seed})
	if err != nil {
		return e.errorf("%v", err)
	}
	w, err := g.World(*users, *groups, *messages)
	if err != nil {
		return e.errorf("generate world: %v", err)
	}
	if err := w.Write(*out); err != nil {
		return e.errorf("generate world: %v", err)
	}
	fmt.Fprintf(e.stderr, "wrote %d users, %d groups and %d messages to %s\n", len(w.Users), len(w.Groups), len(w.Messages), strings.TrimSuffix(*out, "/"))
	return exitOK
}
