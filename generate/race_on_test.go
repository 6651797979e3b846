//go:build race

package generate_test

// raceOn says the race detector is on: tests that are about breadth, not
// concurrency, take a smaller sample then (.ci/run runs them in full
// without it).
const raceOn = true
