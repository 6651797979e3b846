//go:build race

package report_test

// raceOn says the race detector is on: the property tests, about breadth,
// not concurrency, take a smaller sample then.
const raceOn = true
