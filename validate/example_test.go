package validate_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/ccconform/ccconform/validate"
)

func ExampleValidator_Check() {
	v, err := validate.New(validate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	vd := v.Check([]byte(`{"uid": "superhero1", "name": "Iron Man", "status": "away", "lastActiveAt": 1547011919000}`))
	fmt.Println(vd.Kind, vd.Profile, vd.OK())
	for _, x := range vd.Violations {
		fmt.Println(x)
	}
	// Output:
	// user docs false
	// lastActiveAt: 1547011919000 looks like milliseconds; timestamps are Unix seconds (1547011919) [timestamp-unit]
	// status: "away" is not one of online, offline [enum]
}

func ExampleValidator_Bytes() {
	v, _ := validate.New(validate.Options{Strict: true})
	page := []byte(`{"data": [
		{"uid": "cometchat-uid-1", "name": "Andrew Joseph", "status": "available", "createdAt": 1638354015},
		{"uid": "cometchat-uid-2", "name": "George Alan", "status": "offline", "nickname": "G"}
	], "meta": {"pagination": {"total": 2, "count": 2, "per_page": 100, "current_page": 1, "total_pages": 1}}}`)
	for _, vd := range v.Bytes(page) {
		fmt.Println(vd.Location, vd.Profile, vd.Violations)
	}
	// Output:
	// bytes:2[0] rest []
	// bytes:3[1] docs [nickname: field is not documented by the model; remove it or run without --strict [unknown-field]]
}

func ExampleValidator_Stream() {
	v, _ := validate.New(validate.Options{})
	in := validate.Input{Name: "users.ndjson", Format: validate.FormatNDJSON, R: strings.NewReader(`{"uid": "a", "name": "A", "status": "online"}
{"uid": "b", "name": "B", "status": "offline"
{"uid": "c", "name": "C", "status": "away"}
`)}
	// Verdicts come in input order, one per document; a broken line gets
	// its own, and the lines after it are still checked.
	err := v.Stream(context.Background(), in, func(vd validate.Verdict) error {
		if vd.OK() {
			fmt.Println(vd.Location, "conforms")
		}
		for _, x := range vd.Violations {
			fmt.Println(vd.Location, x)
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// users.ndjson:1 conforms
	// users.ndjson:2 truncated JSON: the document ends inside a value [json]
	// users.ndjson:3 status: "away" is not one of online, offline [enum]
	// <nil>
}

func ExampleCoverage() {
	v, _ := validate.New(validate.Options{Coverage: true})
	v.Bytes([]byte(`{"uid": "a", "name": "A", "status": "online"}
{"uid": "b", "name": "B", "status": "online", "avatar": "https://example.com/b.png", "nickname": "bee"}`))
	r := v.Coverage().Report()
	for _, f := range r.Kinds[0].Fields {
		if f.Pointer == "/avatar" || f.Pointer == "/link" {
			fmt.Println(f.Pointer, f.Count)
		}
	}
	fmt.Println(r.Kinds[0].Undocumented[0].Pointer, r.Kinds[0].Undocumented[0].Count)
	// Output:
	// /avatar 1
	// /link 0
	// /nickname 1
}
