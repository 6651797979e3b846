package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ccconform": func() { os.Exit(run(&env{os.Stdin, os.Stdout, os.Stderr}, os.Args[1:])) },
	})
}

// TestScripts runs the scripts of testdata/scripts against the real binary.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/scripts",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fixturesDir)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkdoc":      mkdoc,
			"waitfile":   waitfile,
			"waitline":   waitline,
			"fwdproxy":   fwdproxy,
			"waiturl":    waiturl,
			"faultcount": faultcount,
			"lastline":   lastline,
			"stub":       stub,
			"echostub":   echostub,
			"nosecret":   nosecret,
			"httpreq":    httpreq,
			"httpfile":   httpfile,
		},
	})
}

// mkdoc writes documents too large to keep in a script:
//
//	mkdoc deep N FILE   a user whose metadata nests N objects deep
//	mkdoc big MB FILE   NDJSON: a valid user, a user with MB MiB of metadata, an invalid user
func mkdoc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: mkdoc deep|big N FILE")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	user := `{"uid":"a","name":"A","status":"online"`
	var doc string
	switch args[0] {
	case "deep":
		doc = user + `,"metadata":` + strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) + "}\n"
	case "big":
		doc = user + "}\n" + user + `,"metadata":{"blob":"` + strings.Repeat("x", n<<20) + `"}}` + "\n" +
			`{"uid":"c","name":"C","status":"gone"}` + "\n"
	default:
		ts.Fatalf("mkdoc: unknown shape %q", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(doc), 0o644))
	fmt.Fprintf(ts.Stdout(), "wrote %d bytes\n", len(doc))
}

// waiturl waits for a server started in the background to write its base
// URL, and sets a variable to it:
//
//	waiturl VAR FILE   FILE as serve or proxy --url-file writes it
func waiturl(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waiturl VAR FILE")
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, err := os.ReadFile(ts.MkAbs(args[1]))
		if line := strings.TrimSpace(string(b)); err == nil && strings.HasSuffix(string(b), "\n") && line != "" {
			ts.Setenv(args[0], line)
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waiturl: %s not written within 20s", args[1])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitfile waits for a command started in the background to create a
// file, such as its report, which it does once its signal handling is set:
//
//	waitfile FILE
func waitfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s not created within 20s", args[0])
		}
	}
}

// waitline waits for a file that another command writes to hold a whole
// line (ending in a newline) that matches a regular expression:
//
//	waitline FILE REGEXP
func waitline(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitline FILE REGEXP")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(ts.MkAbs(args[0]))
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 && re.Match(b[:i]) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitline: no whole line of %s matched %s within 20s", args[0], args[1])
		}
	}
}

// fwdproxy starts a forward proxy on loopback for the rest of the script
// that answers any request for an absolute http URL with a page of one
// user and its own mark, and sets VAR to its URL:
//
//	fwdproxy VAR
func fwdproxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fwdproxy VAR")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "a forward proxy is asked for absolute URLs", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[{"uid":"via-proxy","name":"%s","status":"online"}],"meta":{}}`, r.URL.Host)
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// faultcount checks that a report found exactly the faults a server
// injected, and some:
//
//	faultcount LOG REPORT   LOG: serve's standard error; REPORT: validate --format json
func faultcount(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: faultcount LOG REPORT")
	}
	logged := strings.Count(ts.ReadFile(args[0]), "ccconform serve: fault: ")
	lines := strings.Split(strings.TrimSpace(ts.ReadFile(args[1])), "\n")
	var last struct {
		Summary struct{ Invalid int } `json:"summary"`
	}
	ts.Check(json.Unmarshal([]byte(lines[len(lines)-1]), &last))
	if logged == 0 || last.Summary.Invalid != logged {
		ts.Fatalf("the server logged %d faults; the report counts %d invalid documents", logged, last.Summary.Invalid)
	}
	fmt.Fprintf(ts.Stdout(), "%d faults logged, %d invalid documents found\n", logged, last.Summary.Invalid)
}

// lastline prints the last line of a file, such as the summary of a json
// report:
//
//	lastline FILE
func lastline(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: lastline FILE")
	}
	lines := strings.Split(strings.TrimSpace(ts.ReadFile(args[0])), "\n")
	fmt.Fprintln(ts.Stdout(), lines[len(lines)-1])
}

// stub starts a misbehaving HTTP server on loopback for the rest of the
// script, and sets VAR to its URL:
//
//	stub VAR slow|flaky|limited|html|huge|redirect
//
// slow never answers; flaky answers 500 once, then a user list; limited
// answers 429 with Retry-After: 1 once, then the list; html answers a login
// page; huge answers 2 MB of users; redirect sends to another host (the
// same server as localhost), which fails unless no apikey header arrives.
func stub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: stub VAR slow|flaky|limited|html|huge|redirect")
	}
	const list = `{"data":[{"uid":"a","name":"A","status":"online"}],"meta":{"pagination":{"total":1,"count":1,"per_page":100,"current_page":1,"total_pages":1}}}`
	var calls atomic.Int32
	stop := make(chan struct{})
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		switch args[1] {
		case "slow":
			select {
			case <-stop:
			case <-r.Context().Done():
			}
		case "flaky", "limited":
			if n == 1 && args[1] == "flaky" {
				http.Error(w, "temporarily broken", http.StatusInternalServerError)
				return
			}
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			io.WriteString(w, list)
		case "html":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!doctype html><title>Sign in</title>")
		case "huge":
			io.WriteString(w, `{"data":[`+strings.Repeat(`{"uid":"a","name":"A","status":"online"},`, 50000)+`{"uid":"b","name":"B","status":"online"}]}`)
		case "redirect":
			if r.URL.Path == "/elsewhere" {
				if r.Header.Get("Apikey") != "" {
					http.Error(w, `{"error":"the apikey reached another host"}`, http.StatusTeapot)
					return
				}
				io.WriteString(w, list)
				return
			}
			_, port, _ := net.SplitHostPort(r.Host)
			http.Redirect(w, r, "http://localhost:"+port+"/elsewhere", http.StatusFound)
		default:
			http.Error(w, "unknown stub", http.StatusInternalServerError)
		}
	})
	srv := httptest.NewServer(mux)
	ts.Defer(func() {
		close(stop)
		srv.Close()
	})
	ts.Setenv(args[0], srv.URL)
}

// echostub starts a server on loopback for the rest of the script, and
// sets VAR to its URL; it answers 200 with users that echo the values of
// the request's apikey and appid headers, as status values and a field
// name, as they are, \u-escaped and as HTML character references, the
// apikey where a message cuts a long value, and both in the cursor of a
// second page:
//
//	echostub VAR
func echostub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: echostub VAR")
	}
	str := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	escape := func(s, format string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, format, r)
		}
		return b.String()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, id := r.Header.Get("Apikey"), r.Header.Get("Appid")
		var docs []string
		for _, v := range []string{key, id} {
			docs = append(docs,
				`{"uid":"raw","name":"R","status":`+str(v)+`}`,
				`{"uid":"u","name":"U","status":"`+escape(v, `\u%04x`)+`"}`,
				`{"uid":"html","name":"H","status":`+str(escape(v, "&#%d;"))+`}`)
		}
		docs = append(docs, `{"uid":"cut","name":"C","status":`+str(strings.Repeat("x", 54)+" "+key+strings.Repeat("x", 10))+`}`)
		docs = append(docs, `{"uid":"field","name":"F","status":"online",`+str(id)+`:true}`)
		next := ""
		if r.URL.Query().Get("id") == "" {
			next = `,"next":{"affix":"append","id":` + str(key) + `,"app":` + str(id) + `}`
		}
		fmt.Fprintf(w, `{"data":[%s],"meta":{"current":{"limit":%d}%s}}`, strings.Join(docs, ","), len(docs), next)
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// nosecret fails if a file (or stdout, or stderr) shows a value, or the
// first half of a value of 8 bytes or more, as it is or decoded by up to
// three rounds of JSON string escapes, HTML character references and
// percent-encoding, in any order:
//
//	nosecret VALUE FILE...
func nosecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: nosecret VALUE FILE...")
	}
	uEscape := regexp.MustCompile(`\\u[0-9a-fA-F]{4}|\\["\\/]`)
	decoders := []func(string) string{
		html.UnescapeString,
		func(s string) string {
			return uEscape.ReplaceAllStringFunc(s, func(e string) string {
				if len(e) == 2 {
					return e[1:]
				}
				n, _ := strconv.ParseUint(e[2:], 16, 32)
				return string(rune(n))
			})
		},
		func(s string) string {
			if u, err := url.PathUnescape(s); err == nil {
				return u
			}
			return s
		},
	}
	for _, file := range args[1:] {
		forms := []string{ts.ReadFile(file)}
		for range 3 {
			for _, f := range forms {
				for _, d := range decoders {
					forms = append(forms, d(f))
				}
			}
		}
		secret := args[0]
		if len(secret) >= 8 {
			secret = secret[:len(secret)/2]
		}
		for _, f := range forms {
			if i := strings.Index(f, secret); i >= 0 {
				ts.Fatalf("%s shows the secret %q: ...%s...", file, secret, f[max(i-60, 0):min(i+len(secret)+40, len(f))])
			}
		}
	}
}

// httpreq sends one request, with no body, and prints the status line, the
// response's headers sorted by name, a blank line and the body; with
// -body it also writes the body, byte for byte, to FILE:
//
//	httpreq [-body FILE] METHOD URL [Name:value...]
func httpreq(ts *testscript.TestScript, neg bool, args []string) {
	bodyFile := ""
	if len(args) >= 2 && args[0] == "-body" {
		bodyFile, args = args[1], args[2:]
	}
	if neg || len(args) < 2 {
		ts.Fatalf("usage: httpreq [-body FILE] METHOD URL [Name:value...]")
	}
	req, err := http.NewRequest(args[0], args[1], nil)
	ts.Check(err)
	for _, h := range args[2:] {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			ts.Fatalf("httpreq: header %q is not Name:value", h)
		}
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if bodyFile != "" {
		ts.Check(os.WriteFile(ts.MkAbs(bodyFile), body, 0o644))
	}
	names := make([]string, 0, len(resp.Header))
	for name := range resp.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(ts.Stdout(), "%s %s\n", resp.Proto, resp.Status)
	for _, name := range names {
		for _, v := range resp.Header[name] {
			fmt.Fprintf(ts.Stdout(), "%s: %s\n", name, v)
		}
	}
	fmt.Fprintf(ts.Stdout(), "\n%s\n", body)
}

// httpfile starts a server on loopback for the rest of the script that
// answers GET of each PATH with the bytes of its FILE, as JSON, and 404
// otherwise (the query is not read), and sets VAR to its URL:
//
//	httpfile VAR PATH FILE [PATH FILE...]
func httpfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || len(args)%2 != 1 {
		ts.Fatalf("usage: httpfile VAR PATH FILE [PATH FILE...]")
	}
	files := map[string][]byte{}
	for i := 1; i < len(args); i += 2 {
		files[args[i]] = []byte(ts.ReadFile(args[i+1]))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[r.URL.Path]
		if !ok || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}
