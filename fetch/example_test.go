package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/ccconform/ccconform/fetch"
)

func ExampleClient_Pages() {
	// A list of 3 users, 2 a page, as the REST API pages it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			fmt.Fprint(w, `{"data":[{"uid":"c"}],"meta":{"pagination":{"current_page":2,"total_pages":2,"per_page":2}}}`)
			return
		}
		fmt.Fprint(w, `{"data":[{"uid":"a"},{"uid":"b"}],"meta":{"pagination":{"current_page":1,"total_pages":2,"per_page":2}}}`)
	}))
	defer srv.Close()

	c := fetch.New(fetch.Options{Header: http.Header{"Apikey": {"secret"}}, Timeout: 5 * time.Second})
	err := c.Pages(context.Background(), srv.URL+"/v3/users", func(p fetch.Page) error {
		fmt.Println(p.Number, len(p.Body))
		return nil
	})
	fmt.Println(err)
	// Output:
	// 1 104
	// 2 92
	// <nil>
}

func ExampleNewMaskWriter() {
	// A server echoed the key; every form of it is masked in the report.
	h := http.Header{"Apikey": {"sk-live-0123"}}
	mw := fetch.NewMaskWriter(os.Stdout, fetch.Secrets(h))
	fmt.Fprintln(mw, `status: is "sk-live-0123", not one of "online", "offline" [enum]`)
	fmt.Fprintln(mw, `{"actual":"\u0073\u006b-live-0123"}`)
	fmt.Fprintln(mw, `<td>sk&#45;live&#45;0123</td>`)
	mw.Flush() // before the output is closed: the writer may hold a tail
	// Output:
	// status: is "[redacted]", not one of "online", "offline" [enum]
	// {"actual":"[redacted]"}
	// <td>[redacted]</td>
}
