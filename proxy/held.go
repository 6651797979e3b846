package proxy

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// budget counts the bytes the proxy holds in copies of bodies. Bytes are
// taken before they are held, so that what is held never passes the limit,
// however many bodies pass at once.
type budget struct {
	limit int64
	held  atomic.Int64
	peak  atomic.Int64 // the most ever held, for tests
}

// take counts n more bytes held, unless that would pass the limit.
func (b *budget) take(n int64) bool {
	for {
		h := b.held.Load()
		if h+n > b.limit {
			return false
		}
		if b.held.CompareAndSwap(h, h+n) {
			for {
				pk := b.peak.Load()
				if h+n <= pk || b.peak.CompareAndSwap(pk, h+n) {
					return true
				}
			}
		}
	}
}

func (b *budget) give(n int64) { b.held.Add(-n) }

// chunkSize is the unit copies are kept in: a copy grows a chunk at a
// time, counted before it is taken, and never by copying what it holds.
const chunkSize = 32 << 10

var chunkPool = sync.Pool{New: func() any { return new([chunkSize]byte) }}

var (
	errTooLarge = errors.New("larger than the most kept of one body")
	errBudget   = errors.New("past the budget of bytes held")
)

// held is a copy of a body, up to max bytes, in chunks counted in budget.
type held struct {
	budget *budget
	max    int64
	chunks []*[chunkSize]byte
	n      int64
}

// room returns the free part of the last chunk, taking a new chunk when
// the last is full.
func (h *held) room() ([]byte, error) {
	if h.n == int64(len(h.chunks))*chunkSize {
		if !h.budget.take(chunkSize) {
			return nil, errBudget
		}
		h.chunks = append(h.chunks, chunkPool.Get().(*[chunkSize]byte))
	}
	return h.chunks[len(h.chunks)-1][h.n%chunkSize:], nil
}

// write appends p, or says why it cannot: past max, or past the budget.
func (h *held) write(p []byte) error {
	if h.n+int64(len(p)) > h.max {
		return errTooLarge
	}
	for len(p) > 0 {
		buf, err := h.room()
		if err != nil {
			return err
		}
		c := copy(buf, p)
		h.n += int64(c)
		p = p[c:]
	}
	return nil
}

// readFrom appends what r reads up to its end, and stops with errTooLarge
// or errBudget when it cannot keep it; any other error is r's.
func (h *held) readFrom(r io.Reader) error {
	for {
		buf, err := h.room()
		if err != nil {
			return err
		}
		if left := h.max + 1 - h.n; int64(len(buf)) > left {
			buf = buf[:left] // read one byte past max, to know whether there is more
		}
		n, err := r.Read(buf)
		h.n += int64(n)
		if h.n > h.max {
			return errTooLarge
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// reader reads the copy from its start.
func (h *held) reader() io.Reader { return &heldReader{h: h} }

type heldReader struct {
	h   *held
	off int64
}

func (r *heldReader) Read(p []byte) (int, error) {
	if r.off >= r.h.n {
		return 0, io.EOF
	}
	c := r.h.chunks[r.off/chunkSize][r.off%chunkSize:]
	if left := r.h.n - r.off; int64(len(c)) > left {
		c = c[:left]
	}
	n := copy(p, c)
	r.off += int64(n)
	return n, nil
}

// tail returns the last n bytes of the copy, or fewer when it is shorter.
func (h *held) tail(n int64) []byte {
	n = min(n, h.n)
	out := make([]byte, 0, n)
	for off := h.n - n; off < h.n; off++ {
		out = append(out, h.chunks[off/chunkSize][off%chunkSize])
	}
	return out
}

// release gives the chunks back; the copy is empty after.
func (h *held) release() {
	for i, c := range h.chunks {
		chunkPool.Put(c)
		h.chunks[i] = nil
	}
	h.budget.give(int64(len(h.chunks)) * chunkSize)
	h.chunks, h.n = nil, 0
}
