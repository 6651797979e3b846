//go:build race

package validate

// raceOn says the race detector is on: tests that are about breadth, not
// concurrency, take a smaller sample then (CI runs them in full without
// it).
const raceOn = true
