package main

import (
	"bufio"
	"errors"
	"github.com/spf13/pflag"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// startServer serves h as serve and proxy do, with their flags set to args.
func startServer(t *testing.T, h http.Handler, read, write time.Duration, args ...string) string {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	timeouts := addServerFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	hs, err := timeouts.server(h, read, write)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// closedByServer reports whether the server closed conn before the
// deadline: a read that ends in EOF or a reset, not a timeout.
func closedByServer(t *testing.T, conn net.Conn, r io.Reader) bool {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // a guard against hanging, not a measure
	_, err := r.Read(make([]byte, 1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

// TestIdleConnectionsAreClosed: a kept-alive connection that sends no
// further request, and one that never finishes its headers, are closed by
// the server, for serve's timeouts and the proxy's alike (whose whole
// request and response have no limit).
func TestIdleConnectionsAreClosed(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, tc := range []struct {
		name        string
		read, write time.Duration
	}{{"serve", 30 * time.Second, 60 * time.Second}, {"proxy", 0, 0}} {
		addr := startServer(t, ok, tc.read, tc.write, "--idle-timeout", "100ms", "--header-timeout", "100ms")

		idle, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		io.WriteString(idle, "GET / HTTP/1.1\r\nHost: test\r\n\r\n")
		br := bufio.NewReader(idle)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.Close {
			t.Fatalf("%s: the server did not keep the connection alive", tc.name)
		}
		if !closedByServer(t, idle, br) {
			t.Errorf("%s: an idle kept-alive connection stayed open", tc.name)
		}

		slow, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer slow.Close()
		io.WriteString(slow, "GET / HTTP/1.1\r\nHost: te")
		if !closedByServer(t, slow, slow) {
			t.Errorf("%s: a connection that never finished its headers stayed open", tc.name)
		}
	}
}

func TestServerFlagsRefuseNonPositive(t *testing.T) {
	for _, args := range [][]string{{"--idle-timeout", "0"}, {"--header-timeout", "-1s"}} {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		timeouts := addServerFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if _, err := timeouts.server(http.NotFoundHandler(), 0, 0); err == nil || !strings.Contains(err.Error(), "positive") {
			t.Errorf("%q: %v", args, err)
		}
	}
}
