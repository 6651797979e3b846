package generate

import (
	"github.com/santhosh-tekuri/jsonschema/v6"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/ccconform/ccconform/types"
)

// src is the source of one document: a faker seeded from the generator's
// seed, a stream name and the document's index, and the choices made so far.
type src struct {
	f   *gofakeit.Faker
	opt Optional
	// profile is the shape the source builds documents in: rest or docs.
	// The sdk profile's documents are built in the rest shape and turned
	// into the SDKs' objects afterwards (sdkView); sdk says so.
	profile types.Profile
	sdk     bool
	// users and groups, in a world, are the records every document
	// embeds, so that a message's sender is the user users.json lists.
	users  map[string]types.User
	groups map[string]types.Group
	// custom holds the schemas of a team's own custom message types.
	custom map[string]*jsonschema.Schema
	// token is the auth token drawn for the user just made: CometChat
	// returns one only to whoever creates a user, so only a standalone
	// user document carries it, never a message, a list or a member.
	token string
}

// stream names a sequence of documents, so that the i-th user and the i-th
// group do not draw the same numbers.
func stream(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

func (g *Generator) src(name string, i int) *src {
	pcg := rand.NewPCG(g.opts.Seed, stream(name)^uint64(i)*0x9E3779B97F4A7C15)
	p, sdk := g.opts.Profile, g.opts.Profile == types.ProfileSDK
	if sdk {
		p = types.ProfileREST
	}
	return &src{f: gofakeit.NewFaker(pcg, false), opt: g.opts.Optional, profile: p, sdk: sdk, custom: g.opts.CustomData}
}

// rest reports whether the source builds documents in the REST wire shape
// (for the rest and the sdk profiles).
func (s *src) rest() bool { return s.profile == types.ProfileREST }

// asREST runs make with the source building rest documents, whatever its
// profile: the message an edit or deletion is about is in the wire shape
// in every profile.
func asREST[T any](s *src, make func() T) T {
	p := s.profile
	s.profile = types.ProfileREST
	defer func() { s.profile = p }()
	return make()
}

// maybe decides whether an optional field is present.
func (s *src) maybe() bool {
	switch s.opt {
	case OptionalAll:
		return true
	case OptionalNone:
		return false
	}
	return s.f.IntN(2) == 0
}

// chance is true with probability p, whatever the optional mode.
func (s *src) chance(p float64) bool { return s.f.Float64() < p }

func pick[T any](s *src, xs ...T) T { return xs[s.f.IntN(len(xs))] }

// between returns a whole number in [lo, hi].
func (s *src) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(s.f.IntN(int(hi-lo+1)))
}

// epoch returns a time in Unix seconds between 2019 and 2025, the life of
// CometChat's v2 and v3 APIs.
func (s *src) epoch() int64 { return s.between(1546300800, 1767225599) }

// slug turns a name into the lower-case, dash-separated ids CometChat
// allows (letters, digits, _ and -).
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// hex returns n random hexadecimal digits.
func (s *src) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.f.IntN(16)]
	}
	return string(b)
}

// digits returns a string of n random digits that does not start with 0.
func (s *src) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + s.f.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}
