package proxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/ccconform/ccconform/proxy"
	"github.com/ccconform/ccconform/validate"
)

func ExampleNew() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":[{"uid":"a","name":"A","status":"online"},{"uid":"b","name":"B","status":"away"}]}`)
	}))
	defer api.Close()

	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(api.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, Emit: func(vd validate.Verdict) {
		fmt.Println(vd.Location, vd.Violations)
	}})
	front := httptest.NewServer(p)
	defer front.Close()

	resp, err := http.Get(front.URL + "/v3/users")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	p.Wait() // the body is checked after it has passed
	fmt.Println(len(body), "bytes passed on")
	// Output:
	// GET /v3/users:1[0] []
	// GET /v3/users:1[1] [status: "away" is not one of online, offline [enum]]
	// 90 bytes passed on
}

// With VerdictHeaders, the answer says what is wrong with its body.
func ExampleNew_verdictHeaders() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":[{"uid":"a","name":"A","status":"online"},{"uid":"b","name":"B","status":"away"}]}`)
	}))
	defer api.Close()

	v, _ := validate.New(validate.Options{})
	target, _ := url.Parse(api.URL)
	p, _ := proxy.New(proxy.Options{Target: target, Validator: v, VerdictHeaders: true, Emit: func(validate.Verdict) {}})
	front := httptest.NewServer(p)
	defer front.Close()

	resp, err := http.Get(front.URL + "/v3/users")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Header.Get(proxy.VerdictHeader))
	fmt.Println(resp.Header.Get(proxy.ViolationsHeader))
	// Output:
	// invalid
	// [{"index":1,"pointer":"/status","rule":"enum","message":"\"away\" is not one of online, offline"}]
}
