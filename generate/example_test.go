package generate_test

import (
	"encoding/json"
	"fmt"

	"github.com/ccconform/ccconform/generate"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/validate"
)

func ExampleNew() {
	// No profile given: rest, the REST API's wire shape.
	g, err := generate.New(generate.Options{Seed: 1, Optional: generate.OptionalNone})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A valid document: the same seed and index give the same one anywhere.
	doc := g.Document(types.KindUser, 1)
	b, _ := json.Marshal(doc)
	fmt.Println(doc.Kind(), string(b))

	// A document broken in one way, labelled with what a validator must
	// report; the validator agrees.
	m := g.Mutant(types.KindTextMessage, 7)
	fmt.Println(m.Kind, m.Rule, m.Pointer)
	v, _ := validate.New(validate.Options{})
	for _, x := range v.Check(m.JSON).Violations {
		fmt.Println(x.Rule, x.Pointer)
	}
	// Output:
	// user {"uid":"superhero839","name":"Elvis Townsend","status":"offline"}
	// textMessage timestamp-unit /sentAt
	// timestamp-unit /sentAt
}
