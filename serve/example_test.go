package serve_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/serve"
)

func ExampleNew() {
	g, _ := generate.New(generate.Options{Seed: 1})
	world, _ := g.World(5, 1, 10)
	s, _ := serve.New(serve.Options{World: world, APIKey: "secret"})
	srv := httptest.NewServer(s)
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v3/users?perPage=2&page=3", nil)
	req.Header.Set("apikey", "secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var page struct {
		Data []json.RawMessage
		Meta struct{ Pagination map[string]int }
	}
	json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.StatusCode, len(page.Data), page.Meta.Pagination)
	// Output:
	// 200 1 map[count:1 current_page:3 per_page:2 total:5 total_pages:3]
}
