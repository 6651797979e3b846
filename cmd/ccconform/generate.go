package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/internal/suggest"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
	"github.com/spf13/cobra"
)

// generateOptions are the flags and arguments of ccconform generate.
type generateOptions struct {
	args       []string
	kind       string
	n          int
	seed       uint64
	profile    string
	optional   string
	invalid    bool
	format     string
	out        string
	manifest   string
	customData pairFlags
	formatSet  bool // --format was given
	webhook    string
	kindSet    bool // --kind was given
}

// newGenerateCmd returns the generate command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newGenerateCmd(e *env, runF func(*generateOptions) int) *cobra.Command {
	o := &generateOptions{}
	c := &cobra.Command{
		Use:   "generate [flags]",
		Short: "make fixtures: valid, broken, or whole chat worlds",
		Long: `Make fixtures: documents of every kind, conversations included, valid or
broken in exactly one way each (labelled in a manifest), deterministic for a
seed. The mix of every kind has actions that edit or delete messages too.

Profiles: rest (the default) is what CometChat's REST API v3 sends; sdk is what
the official JavaScript SDKs write when an app serialises their objects; docs is
the layout of the data model documentation's examples.

'generate world' makes a coherent world of users, groups, members, messages
(some edited or deleted later) and the first user's conversations, as REST
collections.

--webhook TRIGGER makes webhook deliveries of that trigger as CometChat POSTs
them (envelope and rest entities), or of every trigger whose data carries
entities of the model with --webhook all; --invalid breaks each in one way
(a webhook rule or an entity inside), labelled in the manifest. Triggers
outside the model (calls service, meetings, campaigns, ...) have nothing to
make. --webhook and --kind are exclusive.`,
		Example: `  # Ten fixtures, a mix of every kind, as NDJSON in the rest profile
  ccconform generate

  # 100 users into one file (its extension picks NDJSON or a JSON array)
  ccconform generate --kind user -n 100 -o users.ndjson

  # 1,000 text messages as the official SDKs' objects, every optional field present
  ccconform generate --kind textMessage -n 1000 --profile sdk --optional all > messages.ndjson

  # Conversations in the documentation's layout
  ccconform generate --kind conversation -n 20 --profile docs

  # One file per fixture, in fixtures/
  ccconform generate --kind user -n 20 --format files -o fixtures

  # Broken documents, each labelled with the violation a validator must report
  ccconform generate --invalid -n 100 -o broken        # broken/fixtures.ndjson and broken/manifest.tsv

  # Webhook deliveries of every trigger of the model, in turn; or of one trigger
  ccconform generate --webhook all -n 200 | ccconform validate -
  ccconform generate --webhook group_member_kicked -n 5 --invalid -o broken-hooks

  # A coherent world of users, groups, members and messages
  ccconform generate world --users 50 --groups 5 --messages 1000 -o world

  # Custom messages of your own type, their customData drawn from its schema
  ccconform generate --kind customMessage --custom-schema location=schemas/location.json
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args, o.formatSet, o.kindSet = args, c.Flags().Changed("format"), c.Flags().Changed("kind")
			if runF != nil {
				return status(runF(o))
			}
			return status(runGenerate(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.kind, "kind", "all", "the `KIND` to make: all (a mix), or "+kindNames())
	f.StringVar(&o.webhook, "webhook", "", "make webhook deliveries of `TRIGGER` (all: every trigger of the model in turn) instead of documents")
	f.IntVarP(&o.n, "count", "n", 10, "how many documents, in all")
	f.Uint64Var(&o.seed, "seed", 1, "the seed: the same seed, flags and version give the same bytes")
	f.StringVar(&o.profile, "profile", "rest", "the shape, `rest|sdk|docs`: REST API v3 wire JSON, the official SDKs' objects (JSON.stringify, 4.x), or the data model documentation's own layout")
	f.StringVar(&o.optional, "optional", "random", "optional fields: `all|none|random` (each present about half the time)")
	f.BoolVar(&o.invalid, "invalid", false, "make documents broken in exactly one way each, labelled in a manifest")
	f.StringVar(&o.format, "format", "ndjson", "the layout, `ndjson|json|files`: one document a line, one JSON array, or one file each")
	f.StringVarP(&o.out, "output", "o", "", "write into `DIR` (fixtures.ndjson or fixtures.json, manifest.tsv, or one file each), or into one FILE named .ndjson, .jsonl or .json")
	f.StringVar(&o.manifest, "manifest", "", "write the labels of --invalid documents to `FILE` (default DIR/manifest.tsv with -o)")
	f.Var(&o.customData, "custom-schema", "make custom messages of type TYPE, their customData filled from the JSON Schema in FILE, as `TYPE=FILE` (repeatable; also \"customData\" in .ccconform.json)")
	c.RegisterFlagCompletionFunc("kind", completeValues(kinds("all")...))
	c.RegisterFlagCompletionFunc("webhook", completeValues(append([]string{generate.WebhookAll}, generate.ModelledTriggers()...)...))
	c.RegisterFlagCompletionFunc("profile", completeValues(profiles()...))
	c.RegisterFlagCompletionFunc("optional", completeValues("all", "none", "random"))
	c.RegisterFlagCompletionFunc("format", completeValues("ndjson", "json", "files"))
	c.AddCommand(newWorldCmd(e, nil))
	return c
}

func runGenerate(e *env, o *generateOptions) int {
	if o.webhook != "" {
		if o.kindSet {
			return e.errorf("--webhook and --kind are exclusive: give one")
		}
		if err := checkTrigger(o.webhook); err != nil {
			return e.errorf("--webhook: %v", err)
		}
	}
	if err := oneOf("kind", o.kind, kinds("all")); err != nil {
		return e.errorf("%v", err)
	}
	if err := oneOf("profile", o.profile, profiles()); err != nil {
		return e.errorf("%v", err)
	}
	if err := oneOf("format", o.format, []string{"ndjson", "json", "files"}); err != nil {
		return e.errorf("%v", err)
	}
	var k types.Kind
	if o.kind != "all" {
		k = types.Kind(o.kind)
	}
	p, err := types.ParseProfile(o.profile)
	if err != nil {
		return e.errorf("--profile: %v", err)
	}
	opt, err := generate.ParseOptional(o.optional)
	if err != nil {
		return e.errorf("%v", err)
	}
	if o.n < 0 {
		return e.errorf("--count: cannot make %d documents", o.n)
	}
	custom, err := customSchemas(e, o.customData, nil)
	if err != nil {
		return e.errorf("%v", err)
	}
	gopts := generate.Options{Seed: o.seed, Profile: p, Optional: opt}
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
	out := generate.Output{Format: o.format, Dir: o.out, W: e.stdout}
	if ext := strings.ToLower(filepath.Ext(o.out)); o.format != "files" && (ext == ".ndjson" || ext == ".jsonl" || ext == ".json") {
		// -o names a file: the documents go into it, and its extension
		// says the layout unless --format did.
		if !o.formatSet {
			out.Format = map[string]string{".ndjson": "ndjson", ".jsonl": "ndjson", ".json": "json"}[ext]
		}
		f, err := os.Create(o.out)
		if err != nil {
			return e.errorf("cannot write %s: %v", o.out, err)
		}
		defer f.Close()
		out.Dir, out.W = "", f
	}
	if o.manifest != "" {
		f, err := os.Create(o.manifest)
		if err != nil {
			return e.errorf("cannot write the manifest: %v", err)
		}
		defer f.Close()
		fmt.Fprintln(f, generate.ManifestHeader)
		out.Manifest = f
	} else if o.invalid && out.Dir == "" {
		fmt.Fprintln(e.stderr, "ccconform: the labels of broken documents are kept only with --manifest FILE or -o DIR")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Generation allocates much and keeps little: collect less often.
	debug.SetGCPercent(400)
	write := func() error { return g.Write(ctx, k, o.n, o.invalid, out) }
	if o.webhook != "" {
		write = func() error { return g.WriteWebhooks(o.webhook, o.n, o.invalid, out) }
	}
	if err := write(); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(e.stderr, "ccconform: interrupted; the output is partial")
			return exitInterrupted
		}
		return e.errorf("generate: %v", err)
	}
	return exitOK
}

// checkTrigger reports an error for a trigger --webhook cannot make:
// unknown (naming the closest trigger), or outside the model.
func checkTrigger(name string) error {
	if name == generate.WebhookAll {
		return nil
	}
	t, ok := webhook.Lookup(name)
	if !ok {
		if c := suggest.Closest(name, webhook.Names()); c != "" {
			return fmt.Errorf("unknown trigger %q; did you mean %q?", name, c)
		}
		return fmt.Errorf("unknown trigger %q: use all, or one of %s", name, strings.Join(generate.ModelledTriggers(), ", "))
	}
	if !t.Model() {
		return fmt.Errorf("%q carries no entity of the model: nothing to generate for it", name)
	}
	return nil
}

// worldOptions are the flags and arguments of ccconform generate world.
type worldOptions struct {
	args     []string
	users    int
	groups   int
	messages int
	seed     uint64
	out      string
}

// newWorldCmd returns the generate world command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newWorldCmd(e *env, runF func(*worldOptions) int) *cobra.Command {
	o := &worldOptions{}
	c := &cobra.Command{
		Use:   "world [flags] -o DIR",
		Short: "make a coherent world: users, groups, members and the messages between them",
		Long: `Make a coherent world and write it into DIR as the REST API's collections:
users.json, groups.json, members/<guid>.json, messages.json and
conversations.json.

The world's history goes beside them, in events.ndjson: one webhook delivery
a line, in delivery order, as CometChat would have POSTed them (groups
created, members joined, added, promoted, kicked and banned, messages sent,
edited and deleted, delivery and read receipts, reactions added and removed,
calls ringing and how they ended), every id, name and time agreeing with the
collections. Receipts of group messages and reactions are drawn from the
seed. 'ccconform webhook send --world DIR URL' sends them to a consumer.`,
		Example: `  # A small world, written as REST collections
  ccconform generate world --users 20 --groups 3 --messages 200 -o world
  ccconform validate world          # every document conforms, every event too

  # Its history, fired at a consumer in order
  ccconform webhook send --world world http://127.0.0.1:3000/cometchat
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if runF != nil {
				return status(runF(o))
			}
			return status(runWorld(e, o))
		},
	}
	f := c.Flags()
	f.IntVar(&o.users, "users", 20, "how many users")
	f.IntVar(&o.groups, "groups", 3, "how many groups")
	f.IntVar(&o.messages, "messages", 200, "how many conversation messages (membership actions come on top)")
	f.Uint64Var(&o.seed, "seed", 1, "the seed")
	f.StringVarP(&o.out, "output", "o", "", "the `DIR` to write users.json, groups.json, members/<guid>.json, messages.json, conversations.json and events.ndjson into")
	return c
}

func runWorld(e *env, o *worldOptions) int {
	if o.out == "" {
		return e.errorf("generate world: give -o DIR")
	}
	g, err := generate.New(generate.Options{Seed: o.seed})
	if err != nil {
		return e.errorf("%v", err)
	}
	w, err := g.World(o.users, o.groups, o.messages)
	if err != nil {
		return e.errorf("generate world: %v", err)
	}
	if err := w.Write(o.out); err != nil {
		return e.errorf("generate world: %v", err)
	}
	dir := strings.TrimSuffix(o.out, "/")
	fmt.Fprintf(e.stderr, "wrote %d users, %d groups and %d messages to %s, and their history as %d webhook events to %s\n",
		len(w.Users), len(w.Groups), len(w.Messages), dir, len(w.Events), filepath.Join(dir, generate.EventsFile))
	return exitOK
}
