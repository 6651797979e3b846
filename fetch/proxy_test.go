package fetch_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ccconform/ccconform/fetch"
)

// TestProxy checks that requests go through the proxy Options names: a
// host that does not resolve is reached only through it.
func TestProxy(t *testing.T) {
	var seen atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A forward proxy is asked for the absolute URL.
		if !r.URL.IsAbs() || r.URL.Host != "api.example.test" || r.Header.Get("Apikey") != secret {
			http.Error(w, "not a proxied request", http.StatusBadRequest)
			return
		}
		seen.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":[{"uid":"a","name":"A","status":"online"}],"meta":{}}`))
	}))
	defer proxy.Close()
	pu, err := fetch.ParseProxy(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	opts := fast()
	opts.Proxy = pu
	pages := 0
	err = fetch.New(opts).Pages(context.Background(), "http://api.example.test/v3/users", func(p fetch.Page) error {
		pages++
		if !strings.Contains(string(p.Body), `"uid":"a"`) {
			t.Errorf("page %q", p.Body)
		}
		return nil
	})
	if err != nil || pages != 1 || seen.Load() != 1 {
		t.Fatalf("through the proxy: %d pages, %d proxied requests, error %v", pages, seen.Load(), err)
	}

	// Direct ignores any proxy: the made-up host cannot be reached.
	opts.Proxy = fetch.Direct
	err = fetch.New(opts).Pages(context.Background(), "http://api.example.test/v3/users", func(fetch.Page) error { return nil })
	if err == nil || seen.Load() != 1 {
		t.Fatalf("direct: error %v, %d proxied requests", err, seen.Load())
	}
}

func TestParseProxy(t *testing.T) {
	for _, ok := range []string{"http://proxy.corp:3128", "https://proxy.corp", "socks5://127.0.0.1:1080", "direct"} {
		if _, err := fetch.ParseProxy(ok); err != nil {
			t.Errorf("ParseProxy(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"proxy.corp:3128", "ftp://proxy.corp", "http://", "http://user:hunter2@"} {
		_, err := fetch.ParseProxy(bad)
		if err == nil {
			t.Errorf("ParseProxy(%q) took it", bad)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
	if u, _ := url.Parse("http://u:p@proxy.corp"); u.User == nil {
		t.Fatal("url.Parse lost the user")
	}
}
