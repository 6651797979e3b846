package main

import (
	"sync"
	"time"

	"github.com/ccconform/ccconform/validate"
	"github.com/ccconform/ccconform/validate/report"
)

// liveEvery is how long a verdict may wait in a report's buffer.
const liveEvery = 100 * time.Millisecond

// liveReport is a report.Writer that writes what its report holds buffered
// within a fraction of a second, so that the verdicts of a live stream (a
// pipe, a slow URL, the proxy's traffic) are seen as they come, while a
// long run still writes in large blocks. Its methods may be called from
// several goroutines.
type liveReport struct {
	mu     sync.Mutex
	rep    report.Writer
	after  []func() error // flushed after the report, in order
	dirty  bool
	err    error // the first error of a flush the ticker made
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// newLiveReport starts flushing rep, then each of after, every liveEvery
// while verdicts come.
func newLiveReport(rep report.Writer, after ...func() error) *liveReport {
	l := &liveReport{rep: rep, after: after, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(liveEvery)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				if err := l.Flush(); err != nil {
					l.mu.Lock()
					if l.err == nil {
						l.err = err
					}
					l.mu.Unlock()
				}
			}
		}
	}()
	return l
}

// Verdict adds vd to the report. Once a flush in the background has
// failed (a full disk, a closed pipe), it returns that error, so that the
// run stops rather than checking on for a report it cannot write.
func (l *liveReport) Verdict(vd validate.Verdict) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return l.err
	}
	l.dirty = true
	return l.rep.Verdict(vd)
}

// Flush writes what is buffered, if a verdict came since the last flush.
func (l *liveReport) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.dirty || l.closed {
		return nil
	}
	l.dirty = false
	if err := l.rep.Flush(); err != nil {
		return err
	}
	for _, f := range l.after {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the flushing and closes the report with s.
func (l *liveReport) Close(s *report.Summary) error {
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if err := l.rep.Close(s); err != nil {
		return err
	}
	if err := l.err; err != nil {
		return err
	}
	for _, f := range l.after {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}
