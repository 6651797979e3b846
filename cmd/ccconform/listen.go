package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

// listen binds addr for a server command and returns its base URL.
func listen(addr, flag string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("cannot listen on %s: %v (pick another %s, or port 0 for a free one)", addr, err, flag)
	}
	return ln, "http://" + ln.Addr().String(), nil
}

// listenAlias reads --addr as --listen: every command that listens names
// the address --listen, and --addr, serve's name for it once, still works.
func listenAlias(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	if name == "addr" {
		name = "listen"
	}
	return pflag.NormalizedName(name)
}

// serverFlags are the flags that bound how long a server command waits on
// a client, so that idle or slow connections do not pile up.
type serverFlags struct {
	idle, header *time.Duration
}

// addServerFlags adds --idle-timeout and --header-timeout to fs.
func addServerFlags(fs *pflag.FlagSet) serverFlags {
	return serverFlags{
		idle:   fs.Duration("idle-timeout", 30*time.Second, "close a kept-alive connection after `DURATION` without a request"),
		header: fs.Duration("header-timeout", 10*time.Second, "close a connection whose request headers take longer than `DURATION`"),
	}
}

// server returns the http.Server for h. read and write bound a whole
// request and a whole response (0: no limit, for a proxy that streams
// long bodies both ways).
func (f serverFlags) server(h http.Handler, read, write time.Duration) (*http.Server, error) {
	if *f.idle <= 0 || *f.header <= 0 {
		return nil, fmt.Errorf("--idle-timeout %v, --header-timeout %v: give positive durations, such as 30s", *f.idle, *f.header)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: *f.header,
		ReadTimeout:       read,
		WriteTimeout:      write,
		IdleTimeout:       *f.idle,
	}, nil
}

// serveUntilSignal writes the base URL to urlFile when one is named, then
// serves on ln with hs until SIGINT or SIGTERM, then lets
// the requests in flight finish for up to grace and cuts off the rest. A
// second signal during that time ends the process at once. stopping, when
// set, is called as the shutdown begins. It returns the error that stopped
// the server, if not a signal.
func serveUntilSignal(ln net.Listener, hs *http.Server, grace time.Duration, stopping func(), urlFile string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The base URL goes to urlFile only now that a signal is handled: a
	// script that reads it and signals at once still gets a clean stop.
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte("http://"+ln.Addr().String()+"\n"), 0o644); err != nil {
			ln.Close()
			return fmt.Errorf("--url-file: %v", err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	var served error
	select {
	case served = <-done:
	case <-ctx.Done():
	}
	stop() // from here on a signal does what it does by default: end the process
	if stopping != nil {
		stopping()
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		hs.Close()
	}
	return served
}
