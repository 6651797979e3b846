package proxy

// The proxy's own accounting, for the tests of package proxy_test.

// HeldBytes is how many bytes of copies the proxy holds now.
func (p *Proxy) HeldBytes() int64 { return p.budget.held.Load() }

// PeakHeldBytes is the most bytes of copies the proxy ever held at once.
func (p *Proxy) PeakHeldBytes() int64 { return p.budget.peak.Load() }

// PeakCheckers is the most goroutines that ever checked bodies at once.
func (p *Proxy) PeakCheckers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

// SetMaxLightWaiting sets how many bodies that hold no bytes may wait for a
// checker; call it before the proxy serves.
func (p *Proxy) SetMaxLightWaiting(n int) { p.maxLight = n }
