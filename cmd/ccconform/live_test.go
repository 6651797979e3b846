package main

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// lockedBuffer is a bytes.Buffer safe to read while another goroutine
// writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLiveReportWritesWhileIdle checks that a verdict reaches the report's
// writer while no other verdict comes, for every format read line by line.
func TestLiveReportWritesWhileIdle(t *testing.T) {
	for _, format := range []string{"text", "json", "github"} {
		var out lockedBuffer
		rep, err := report.New(format, &out, report.Options{})
		if err != nil {
			t.Fatal(err)
		}
		flushed := 0
		live := newLiveReport(rep, func() error { flushed++; return nil })
		vd := validate.Verdict{Location: validate.Location{Source: "-", Line: 1, Index: -1},
			Violations: []validate.Violation{{Pointer: "/status", Rule: "enum", Message: "status: \"away\" is not one of online, offline"}}}
		if err := live.Verdict(vd); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(out.String(), "away") {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the verdict was not written while the run waited for more", format)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := live.Close(report.NewSummary()); err != nil {
			t.Fatal(err)
		}
		if flushed < 2 {
			t.Errorf("%s: the writers after the report were flushed %d times, want with the report and at Close", format, flushed)
		}
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestLiveReportStopsOnAFailedFlush: once a flush in the background has
// failed, the next verdict gets the error, so that a long run (the proxy, a
// stream) stops instead of checking on for a report it cannot write; Close
// says so too.
func TestLiveReportStopsOnAFailedFlush(t *testing.T) {
	rep, err := report.New("json", failingWriter{}, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	live := newLiveReport(rep)
	vd := validate.Verdict{Location: validate.Location{Source: "-", Line: 1, Index: -1}}
	if err := live.Verdict(vd); err != nil {
		t.Fatalf("the first verdict is buffered, not written: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for live.Verdict(vd) == nil {
		if time.Now().After(deadline) {
			t.Fatal("verdicts are still taken long after the report could not be written")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := live.Verdict(vd); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("Verdict after a failed flush: %v", err)
	}
	if err := live.Close(report.NewSummary()); err == nil {
		t.Error("Close after a failed flush says nothing")
	}
}
