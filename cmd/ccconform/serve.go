package main

import (
	"fmt"
	"time"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/serve"
	"github.com/spf13/cobra"
)

// serveOptions are the flags and arguments of ccconform serve.
type serveOptions struct {
	args     []string
	addr     string
	seed     uint64
	worldDir string
	users    int
	groups   int
	messages int
	faults   float64
	apikey   string
	cors     bool
	urlFile  string
	quiet    bool
	timeouts serverFlags
}

// newServeCmd returns the serve command; runF, when set, runs instead of
// the command's work, for tests of the parsing.
func newServeCmd(e *env, runF func(*serveOptions) int) *cobra.Command {
	o := &serveOptions{}
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "answer the REST API's read endpoints from a generated world",
		Example: `  # A mock of the REST API on the default address; then, in another shell:
  ccconform serve
  ccconform validate --profile rest http://127.0.0.1:8686/v3/users http://127.0.0.1:8686/v3/messages

  # A free port, written to a file for a script to read; 5% of documents broken
  ccconform serve --listen 127.0.0.1:0 --url-file serve.url --faults 0.05 &

  # Serve a world written by 'ccconform generate world', demanding a key
  ccconform serve --world world --apikey secret

  # For clients that are not browsers only: no CORS headers, preflights refused
  ccconform serve --cors=false

Endpoints (GET): /v3/users, /v3/users/{uid}, /v3/groups, /v3/groups/{guid},
/v3/groups/{guid}/members (page, perPage; meta.pagination), /v3/messages (limit,
and the meta.next cursor: affix, sentAt, id), /v3/messages/{id},
/v3/conversations (page, perPage; the requesting user's, who is the world's
first), /v3/users/{uid}/conversation and /v3/groups/{guid}/conversation (the
one conversation with that user or group; 404 ERR_CONVERSATION_NOT_FOUND when
there is none). Another method on them is answered 405 with Allow; errors have the API's {"error": {"message",
"code"}} body. With --cors a web app on any origin can call the server: CORS
preflights are answered 204 without the apikey.
`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			o.args = args
			if runF != nil {
				return status(runF(o))
			}
			return status(runServe(e, o))
		},
	}
	f := c.Flags()
	f.StringVar(&o.addr, "listen", serve.DefaultAddr, "listen on `HOST:PORT`; port 0 picks a free one")
	f.SetNormalizeFunc(listenAlias)
	f.Uint64Var(&o.seed, "seed", 1, "generate the world from this seed")
	f.StringVar(&o.worldDir, "world", "", "serve the world in `DIR`, as 'ccconform generate world -o DIR' writes it, instead of generating one")
	f.IntVar(&o.users, "users", 20, "users in a generated world")
	f.IntVar(&o.groups, "groups", 3, "groups in a generated world")
	f.IntVar(&o.messages, "messages", 200, "conversation messages in a generated world")
	f.Float64Var(&o.faults, "faults", 0, "break this share (0 to 1) of documents with one documented fault each, logged on standard error")
	f.StringVar(&o.apikey, "apikey", "", "answer 401 to requests without this `KEY` in their apikey header")
	f.BoolVar(&o.cors, "cors", true, "answer CORS preflights and let browser pages of any origin read the answers (--cors=false: no CORS headers)")
	f.StringVar(&o.urlFile, "url-file", "", "once listening, write the base URL to `FILE` (for scripts)")
	f.BoolVar(&o.quiet, "quiet", false, "do not log each request")
	o.timeouts = addServerFlags(f)
	return c
}

func runServe(e *env, o *serveOptions) int {
	if o.faults < 0 || o.faults > 1 {
		return e.errorf("serve: --faults %v: give a share from 0 to 1, such as 0.05", o.faults)
	}
	var w *generate.World
	if o.worldDir != "" {
		var err error
		if w, err = generate.ReadWorld(o.worldDir); err != nil {
			return e.errorf("serve: %v", err)
		}
	} else {
		g, err := generate.New(generate.Options{Seed: o.seed})
		if err != nil {
			return e.errorf("%v", err)
		}
		if w, err = g.World(o.users, o.groups, o.messages); err != nil {
			return e.errorf("serve: %v", err)
		}
	}
	logw := &syncWriter{w: e.stderr}
	srv, err := serve.New(serve.Options{World: w, Seed: o.seed, Faults: o.faults, APIKey: o.apikey, CORS: o.cors, Log: logw, LogRequests: !o.quiet})
	if err != nil {
		return e.errorf("serve: %v", err)
	}
	// serve's requests have no body and its answers are small: a whole
	// exchange taking longer than these is a client stuck or gone.
	hs, err := o.timeouts.server(srv, 30*time.Second, 60*time.Second)
	if err != nil {
		return e.errorf("serve: %v", err)
	}
	ln, base, err := listen(o.addr, "--listen")
	if err != nil {
		return e.errorf("serve: %v", err)
	}
	fmt.Fprintf(logw, "ccconform serve: %d users, %d groups, %d messages, %d faults; listening on %s\n",
		len(w.Users), len(w.Groups), len(w.Messages), len(srv.Faults()), base)
	if err := serveUntilSignal(ln, hs, 5*time.Second, nil, o.urlFile); err != nil {
		return e.errorf("serve: %v", err)
	}
	fmt.Fprintln(logw, "ccconform serve: stopped")
	return exitOK
}
