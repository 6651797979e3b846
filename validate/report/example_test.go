package report_test

import (
	"bytes"
	"fmt"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

func ExampleNew() {
	v, _ := validate.New(validate.Options{})
	var buf bytes.Buffer
	w, err := report.New("text", &buf, report.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := report.NewSummary()
	for _, vd := range v.Bytes([]byte(`{"uid": "superhero1", "name": "Iron Man", "status": "away"}
{"uid": "superhero2", "name": "Captain America", "status": "online"}`)) {
		sum.Add(vd)
		w.Verdict(vd)
	}
	// Close writes the summary; a run stopped early would set
	// sum.Interrupted first, and the report would say it is partial.
	if err := w.Close(sum); err != nil {
		fmt.Println(err)
	}
	fmt.Print(buf.String())
	// Output:
	// bytes:1: user (docs)
	//   status: "away" is not one of online, offline [enum]
	// 2 documents: 1 valid, 1 invalid
	// violations by rule: enum 1
	// documents by kind: user 2
	// invalid by kind: user 1
	// checked as profile: docs 2
}
