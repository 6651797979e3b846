package validatetest_test

import (
	"fmt"
	"testing"

	"github.com/ccconform/ccconform/validatetest"
)

// printer is a testing.TB that prints what a test would report. In a test,
// pass the test's own t.
type printer struct{ testing.TB }

func (printer) Helper()           {}
func (printer) Error(args ...any) { fmt.Println(args...) }
func (printer) Fatal(args ...any) { fmt.Println(args...) }

func ExampleConforms() {
	t := printer{}
	body := []byte(`{"uid": "superhero1", "name": "Iron Man", "status": "away", "lastActiveAt": 1547011919000}`)
	if !validatetest.Conforms(t, body) {
		fmt.Println("the test fails")
	}
	// Output:
	// document at line 1 (user, docs profile) does not conform:
	// 	lastActiveAt: 1547011919000 looks like milliseconds; timestamps are Unix seconds (1547011919) [timestamp-unit]
	// 	status: "away" is not one of online, offline [enum]
	// the test fails
}
