package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestREADMESample checks that the sample report the README shows is what
// ccconform prints for the payloads in examples/, line for line.
func TestREADMESample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const intro = "and one line to act on (`cd examples && ccconform validate payloads/`"
	_, rest, ok := strings.Cut(string(readme), intro)
	if !ok {
		t.Fatalf("the README no longer introduces its sample with %q", intro)
	}
	_, rest, _ = strings.Cut(rest, "```\n")
	sample, _, ok := strings.Cut(rest, "```")
	if !ok || strings.TrimSpace(sample) == "" {
		t.Fatal("no sample block after the introduction")
	}
	t.Chdir("../../examples")
	var out, errs bytes.Buffer
	if status := run(&env{strings.NewReader(""), &out, &errs}, []string{"validate", "payloads/"}); status != exitInvalid {
		t.Fatalf("exit %d, want %d; stderr %s", status, exitInvalid, errs.String())
	}
	if !strings.HasPrefix(out.String(), sample) {
		t.Errorf("the README's sample is not what ccconform prints:\nREADME:\n%s\nccconform:\n%s", sample, out.String())
	}
}
