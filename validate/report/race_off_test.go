//go:build !race

package report_test

const raceOn = false
