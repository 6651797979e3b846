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
)

// listen binds addr for a server command, and writes its base URL to
// urlFile when one is named, so that a script can find a port 0 server.
func listen(addr, urlFile, flag string) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("cannot listen on %s: %v (pick another %s, or port 0 for a free one)", addr, err, flag)
	}
	base := "http://" + ln.Addr().String()
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte(base+"\n"), 0o644); err != nil {
			ln.Close()
			return nil, "", fmt.Errorf("--url-file: %v", err)
		}
	}
	return ln, base, nil
}

// serveUntilSignal serves h on ln until SIGINT or SIGTERM, then lets the
// requests in flight finish for up to grace and cuts off the rest. A second
// signal during that time ends the process at once. stopping, when set, is
// called as the shutdown begins. It returns the error that stopped the
// server, if not a signal.
func serveUntilSignal(ln net.Listener, h http.Handler, grace time.Duration, stopping func()) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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
