package main

import (
	"bytes"
	"io"
	"os"
)

// maxHeldLine bounds the part of a line a lineWriter holds: a longer line
// is passed on in pieces, so that memory stays bounded.
const maxHeldLine = 1 << 20

// lineWriter passes on to w whole lines only, each Write's at once, so
// that a reader of a growing file (tail -f, a script polling it) never
// sees a line cut in two, whatever size of blocks the writer above it
// writes in: what follows the last newline of a Write is held until its
// newline comes, or Flush. The report formats read line by line end each
// write of a verdict with a newline, so nothing waits for long.
type lineWriter struct {
	w    io.Writer
	line []byte // the start of a line, without its newline yet
}

func (l *lineWriter) Write(p []byte) (int, error) {
	i := bytes.LastIndexByte(p, '\n')
	if i < 0 {
		if len(l.line)+len(p) <= maxHeldLine {
			l.line = append(l.line, p...)
			return len(p), nil
		}
		i = len(p) - 1 // too long a line to hold: pass it on as it is
	}
	whole := p[:i+1]
	if len(l.line) > 0 {
		whole = append(l.line, whole...)
	}
	if _, err := l.w.Write(whole); err != nil {
		return 0, err
	}
	if cap(l.line) > maxHeldLine {
		l.line = nil // a long line passed: do not keep its room
	}
	l.line = append(l.line[:0], p[i+1:]...)
	return len(p), nil
}

// Flush passes on the line begun, without its newline.
func (l *lineWriter) Flush() error {
	if len(l.line) == 0 {
		return nil
	}
	_, err := l.w.Write(l.line)
	l.line = l.line[:0]
	return err
}

// reportFile is the report file that -o names, written whole lines at a
// time; Close passes on what is left and closes the file.
type reportFile struct {
	lineWriter
	f *os.File
}

// createReport creates or truncates the report file name, as os.Create.
func createReport(name string) (*reportFile, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	return &reportFile{lineWriter: lineWriter{w: f}, f: f}, nil
}

func (r *reportFile) Close() error {
	err := r.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}
