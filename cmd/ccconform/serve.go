package main

import (
	"fmt"
	"time"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/serve"
)

func runServe(e *env, args []string) int {
	fs := newFlags(e, "serve", "ccconform serve [--addr HOST:PORT] [--seed S | --world DIR] [--faults RATE] [--apikey KEY]", `  # A mock of the REST API on the default address; then, in another shell:
  ccconform serve
  ccconform validate --profile rest http://127.0.0.1:8686/v3/users http://127.0.0.1:8686/v3/messages

  # A free port, written to a file for a script to read; 5% of documents broken
  ccconform serve --addr 127.0.0.1:0 --url-file serve.url --faults 0.05 &

  # Serve a world written by 'ccconform generate world', demanding a key
  ccconform serve --world world --apikey secret

Endpoints (GET): /v3/users, /v3/users/{uid}, /v3/groups, /v3/groups/{guid},
/v3/groups/{guid}/members (page, perPage; meta.pagination), /v3/messages (limit,
and the meta.next cursor: affix, sentAt, id), /v3/messages/{id}.
`)
	addr := fs.String("addr", serve.DefaultAddr, "listen on `HOST:PORT`; port 0 picks a free one")
	seed := fs.Uint64("seed", 1, "generate the world from this seed")
	worldDir := fs.String("world", "", "serve the world in `DIR`, as 'ccconform generate world -o DIR' writes it, instead of generating one")
	users := fs.Int("users", 20, "users in a generated world")
	groups := fs.Int("groups", 3, "groups in a generated world")
	messages := fs.Int("messages", 200, "conversation messages in a generated world")
	faults := fs.Float64("faults", 0, "break this share (0 to 1) of documents with one documented fault each, logged on standard error")
	apikey := fs.String("apikey", "", "answer 401 to requests without this `KEY` in their apikey header")
	urlFile := fs.String("url-file", "", "once listening, write the base URL to `FILE` (for scripts)")
	quiet := fs.Bool("quiet", false, "do not log each request")
	timeouts := addServerFlags(fs)
	if done, status := parse(e, fs, args); done {
		return status
	}
	if done, status := noArgs(e, fs); done {
		return status
	}
	if *faults < 0 || *faults > 1 {
		return e.errorf("serve: --faults %v: give a share from 0 to 1, such as 0.05", *faults)
	}
	var w *generate.World
	if *worldDir != "" {
		var err error
		if w, err = generate.ReadWorld(*worldDir); err != nil {
			return e.errorf("serve: %v", err)
		}
	} else {
		g, err := generate.New(generate.Options{Seed: *seed})
		if err != nil {
			return e.errorf("%v", err)
		}
		if w, err = g.World(*users, *groups, *messages); err != nil {
			return e.errorf("serve: %v", err)
		}
	}
	logw := &syncWriter{w: e.stderr}
	srv, err := serve.New(serve.Options{World: w, Seed: *seed, Faults: *faults, APIKey: *apikey, Log: logw, LogRequests: !*quiet})
	if err != nil {
		return e.errorf("serve: %v", err)
	}
	// serve's requests have no body and its answers are small: a whole
	// exchange taking longer than these is a client stuck or gone.
	hs, err := timeouts.server(srv, 30*time.Second, 60*time.Second)
	if err != nil {
		return e.errorf("serve: %v", err)
	}
	ln, base, err := listen(*addr, *urlFile, "--addr")
	if err != nil {
		return e.errorf("serve: %v", err)
	}
	fmt.Fprintf(logw, "ccconform serve: %d users, %d groups, %d messages, %d faults; listening on %s\n",
		len(w.Users), len(w.Groups), len(w.Messages), len(srv.Faults()), base)
	if err := serveUntilSignal(ln, hs, 5*time.Second, nil); err != nil {
		return e.errorf("serve: %v", err)
	}
	fmt.Fprintln(logw, "ccconform serve: stopped")
	return exitOK
}
