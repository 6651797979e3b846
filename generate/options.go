package generate

import (
	"fmt"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ccconform/ccconform/types"
)

// Optional says which optional fields a document carries.
type Optional int

const (
	// OptionalRandom gives each optional field even odds (the default).
	OptionalRandom Optional = iota
	// OptionalAll gives every optional field.
	OptionalAll
	// OptionalNone leaves out every optional field that the document's
	// consistency does not call for (a password group keeps its password).
	OptionalNone
)

// ParseOptional reads all, none or random.
func ParseOptional(s string) (Optional, error) {
	switch s {
	case "random", "":
		return OptionalRandom, nil
	case "all":
		return OptionalAll, nil
	case "none":
		return OptionalNone, nil
	}
	return 0, fmt.Errorf("unknown --optional %q: use all, none or random", s)
}

// Options choose what a Generator makes.
type Options struct {
	// Seed selects the documents; every seed, 0 included, is a fixed one.
	Seed uint64
	// Profile is the shape of the documents: types.ProfileREST (the REST
	// API's wire shape), types.ProfileSDK (the objects the official SDKs
	// write, made from the rest documents as the SDKs make them) or
	// types.ProfileDocs (the documentation's layout); "" means rest.
	Profile types.Profile
	// Optional says which optional fields documents carry.
	Optional Optional
	// CustomData gives a team's own custom message types, each with the
	// JSON Schema of its customData: custom messages then take these
	// types, with customData filled from the schema. Nil keeps the
	// built-in types (location, poll, meeting, contact, product).
	CustomData map[string]*jsonschema.Schema
}

// Generator makes documents. It is safe for concurrent use: it holds only
// its options, and every document draws from its own source.
type Generator struct {
	opts Options
}

// New returns a Generator, or an error that names a bad option.
func New(opts Options) (*Generator, error) {
	if opts.Profile == "" {
		opts.Profile = types.ProfileREST
	}
	if _, err := types.ParseProfile(string(opts.Profile)); err != nil {
		return nil, err
	}
	if opts.Optional < OptionalRandom || opts.Optional > OptionalNone {
		return nil, fmt.Errorf("unknown optional mode %d", opts.Optional)
	}
	return &Generator{opts: opts}, nil
}

// Profile returns the profile the generator's documents have.
func (g *Generator) Profile() types.Profile { return g.opts.Profile }
