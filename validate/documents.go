package validate

// Documents reads in as Stream does, document by document, without
// checking any: emit gets each document's bytes, valid only until emit
// returns, and its location. For input it cannot read as JSON values at
// all (stray bytes between values, an array left open, a document over
// maxBytes), emit gets nil and the verdict Stream would give instead.
// A document is split out by its brackets and strings alone, so a
// malformed one is still handed over whole, as written. A REST envelope
// is one document, not its data's elements. Reading stops when emit
// returns false. maxBytes of 0 means DefaultMaxDocumentBytes.
//
// It is the splitter of the validator, for tools that need an input's
// documents as the validator sees them (webhook send reads its files with
// it).
func Documents(in Input, maxBytes int, emit func(raw []byte, loc Location, v *Verdict) bool) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxDocumentBytes
	}
	return split(in, maxBytes, false, emit, func() bool { return true })
}
