package schema_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

func ExampleCompiled() {
	set, err := schema.Compiled()
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"uid": "superhero1", "status": "online"}`))
	err = set.Schema(types.ProfileDocs, string(types.KindUser)).Validate(doc)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		for _, c := range ve.Causes {
			if r, ok := c.ErrorKind.(*kind.Required); ok {
				fmt.Println("missing:", r.Missing)
			}
		}
	}
	// Output: missing: [name]
}
