package gen

import (
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/ccconform/ccconform/types"
	"github.com/invopop/jsonschema"
	orderedmap "github.com/pb33f/ordered-map/v2"
)

// What reflection cannot read from a Go type of package types is written
// here, keyed by the type: the schema of a type whose JSON is not what its Go
// kind says (a Flag is a boolean in Go and one of six values in JSON), and
// the tightening of a struct's reflected schema (a text message's category
// is always message). These would otherwise be JSONSchema and
// JSONSchemaExtend methods on the types, and every program that imports
// package types would link invopop/jsonschema and its dependencies.

// reflector reflects the types of package types with the schemas and
// extensions below.
type reflector struct {
	comments map[string]string
	// expanded gives the root type's schema at the root rather than as a
	// reference to a definition.
	expanded bool
}

// reflect returns the schema of t with its definitions: each type of
// mapped stands as a reference to its definition, and each struct of
// extensions is tightened.
func (r reflector) reflect(t reflect.Type) *jsonschema.Schema {
	seen := map[string]reflect.Type{}
	mappedDefs := jsonschema.Definitions{}
	ref := &jsonschema.Reflector{
		ExpandedStruct: r.expanded,
		Anonymous:      true,
		CommentMap:     r.comments,
		// A Mapper's schema stands where the type is used; a JSONSchema
		// method's becomes a definition, referred to. Keep that shape.
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t.PkgPath() != module+"/types" {
				return nil
			}
			seen[t.Name()] = t
			if mappedDefs[t.Name()] == nil {
				s := mapped(t)
				if s == nil {
					return nil
				}
				mappedDefs[t.Name()] = s
			}
			return &jsonschema.Schema{Ref: "#/$defs/" + t.Name()}
		},
	}
	s := ref.ReflectFromType(t)
	for name, d := range mappedDefs {
		s.Definitions[name] = d
	}
	for name, d := range s.Definitions {
		if extend := extensions[seen[name]]; extend != nil {
			extend(d)
		}
	}
	if extend := extensions[t]; extend != nil && r.expanded {
		extend(s)
	}
	return s
}

// mapped returns the schema of t when it is not the reflection of its Go
// type, or nil.
func mapped(t reflect.Type) *jsonschema.Schema {
	if e, ok := reflect.Zero(t).Interface().(types.Enum); ok {
		return enumSchema(e)
	}
	if schema := schemas[t]; schema != nil {
		return schema()
	}
	return nil
}

// enumSchema gives the sdk profile's values; applyProfile swaps in another
// profile's values where they differ.
func enumSchema(e types.Enum) *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "string"}
	for _, v := range e.Values(types.ProfileDocs) {
		s.Enum = append(s.Enum, v)
	}
	return s
}

// schemas gives the schemas of the types whose JSON is not what their Go kind
// says.
var schemas = map[reflect.Type]func() *jsonschema.Schema{
	// A timestamp: a non-negative integer that a JavaScript client reads
	// exactly.
	reflect.TypeFor[types.Timestamp](): func() *jsonschema.Schema {
		return &jsonschema.Schema{Type: "integer", Minimum: "0", Maximum: json.Number(strconv.Itoa(types.MaxTimestamp))}
	},
	// An integer, also when written with a fraction of zero.
	reflect.TypeFor[types.Integer](): func() *jsonschema.Schema { return &jsonschema.Schema{Type: "integer"} },
	// Metadata: any JSON object.
	reflect.TypeFor[types.Metadata](): func() *jsonschema.Schema { return &jsonschema.Schema{Type: "object"} },
	// A flag, in any of its spellings.
	reflect.TypeFor[types.Flag](): func() *jsonschema.Schema {
		return &jsonschema.Schema{Enum: []any{false, true, 0, 1, "0", "1"}}
	},
	// The entity wrapper: the entity's schema follows its entityType.
	reflect.TypeFor[types.EntityRef](): func() *jsonschema.Schema {
		return entityRefSchema("A full object wrapped with its type: a user, a group, a call or a message.",
			types.EntityUser, types.EntityGroup, types.EntityCall, types.EntityMessage)
	},
	// An AppEntity, told apart by shape as its UnmarshalJSON tells it.
	reflect.TypeFor[types.AppEntity](): appEntitySchema,
	// A user or a group, told apart by shape.
	reflect.TypeFor[types.UserOrGroup](): func() *jsonschema.Schema {
		return &jsonschema.Schema{
			Type:        "object",
			Description: "A user (it has a uid) or a group (a guid, and no uid).",
			If:          &jsonschema.Schema{Required: []string{"uid"}},
			Then:        &jsonschema.Schema{Ref: "#/$defs/User"},
			Else: &jsonschema.Schema{
				If:   &jsonschema.Schema{Required: []string{"guid"}},
				Then: &jsonschema.Schema{Ref: "#/$defs/Group"},
				Else: &jsonschema.Schema{Ref: "#/$defs/User"},
			},
		}
	},
	// What an sdk action was done to: a message (it has a category) or a
	// member.
	reflect.TypeFor[types.ActionTarget](): func() *jsonschema.Schema {
		return &jsonschema.Schema{
			Type:        "object",
			Description: "The message edited or deleted (it has a category), or the member acted on.",
			If:          &jsonschema.Schema{Required: []string{"category"}},
			Then:        &jsonschema.Schema{Ref: "message.json"},
			Else:        &jsonschema.Schema{Ref: "#/$defs/User"},
		}
	},
	// A message of any kind in the same profile, or null.
	reflect.TypeFor[types.AnyMessage](): func() *jsonschema.Schema {
		return &jsonschema.Schema{
			Description: "A message of any kind, or null.",
			If:          &jsonschema.Schema{Type: "null"},
			Else:        &jsonschema.Schema{Ref: "message.json"},
		}
	},
	// A count: a whole number, as a number or a string of digits, or null
	// (the SDKs' parseInt of a count the server did not send).
	reflect.TypeFor[types.Count](): func() *jsonschema.Schema {
		// minimum applies to numbers only and pattern to strings only:
		// one schema, so that a fault is reported once.
		return &jsonschema.Schema{Extras: map[string]any{"type": []string{"integer", "string", "null"}},
			Minimum: "0", Pattern: "^[0-9]+$"}
	},
}

// extensions tighten the reflected schemas of struct types.
var one uint64 = 1

var extensions = map[reflect.Type]func(*jsonschema.Schema){
	// An avatar is a URL, or empty: CometChat's System user has "".
	reflect.TypeFor[types.User]():        func(s *jsonschema.Schema) { urlOrEmpty(s, "avatar") },
	reflect.TypeFor[types.GroupMember](): func(s *jsonschema.Schema) { urlOrEmpty(s, "avatar") },

	reflect.TypeFor[types.MessageEntities](): func(s *jsonschema.Schema) {
		pinEntityType(s, "sender", types.EntityUser)
		pinEntityType(s, "receiver", types.EntityUser, types.EntityGroup)
	},

	reflect.TypeFor[types.TextMessage]():     pinText,
	reflect.TypeFor[types.RESTTextMessage](): pinText,
	reflect.TypeFor[types.SDKTextMessage]():  pinText,

	reflect.TypeFor[types.MediaMessage]():     pinMedia,
	reflect.TypeFor[types.RESTMediaMessage](): pinMedia,
	reflect.TypeFor[types.SDKMediaMessage]():  pinMedia,
	// A media message's data has a url or attachments.
	reflect.TypeFor[types.MediaMessageData](): func(s *jsonschema.Schema) {
		s.AnyOf = []*jsonschema.Schema{
			{Required: []string{"url"}},
			{Required: []string{"attachments"}},
		}
	},
	// An attachment's size is a number or a string of digits.
	reflect.TypeFor[types.Attachment](): func(s *jsonschema.Schema) {
		if p, ok := s.Properties.Get("size"); ok {
			p.Extras = map[string]any{"type": []string{"integer", "string"}}
			p.Minimum, p.Pattern = "0", "^[0-9]+$"
		}
	},

	reflect.TypeFor[types.CustomMessage]():     pinCustom,
	reflect.TypeFor[types.RESTCustomMessage](): pinCustom,
	reflect.TypeFor[types.SDKCustomMessage]():  pinCustom,

	reflect.TypeFor[types.Action]():         func(s *jsonschema.Schema) { pin(s, "category", types.CategoryAction) },
	reflect.TypeFor[types.RESTAction]():     func(s *jsonschema.Schema) { pin(s, "category", types.CategoryAction) },
	reflect.TypeFor[types.SDKAction]():      func(s *jsonschema.Schema) { pin(s, "category", types.CategoryAction) },
	reflect.TypeFor[types.ActionEntities](): pinActionEntities,
	reflect.TypeFor[types.ActionData]():     pinActionEntities,

	reflect.TypeFor[types.Call]():         func(s *jsonschema.Schema) { pin(s, "category", types.CategoryCall) },
	reflect.TypeFor[types.RESTCall]():     func(s *jsonschema.Schema) { pin(s, "category", types.CategoryCall) },
	reflect.TypeFor[types.SDKCall]():      func(s *jsonschema.Schema) { pin(s, "category", types.CategoryCall) },
	reflect.TypeFor[types.CallEntities](): pinCallEntities,
	reflect.TypeFor[types.CallData]():     pinCallEntities,
}

// urlOrEmpty lets property prop of s, a URL, be empty too: the format
// applies to a non-empty string only.
func urlOrEmpty(s *jsonschema.Schema, prop string) {
	if p, ok := s.Properties.Get(prop); ok {
		p.Format = ""
		p.If = &jsonschema.Schema{MinLength: &one}
		p.Then = &jsonschema.Schema{Format: "uri"}
	}
}

// pinText pins a text message's category and type, and asks for data.text
// unless the message was deleted.
func pinText(s *jsonschema.Schema) {
	pin(s, "category", types.CategoryMessage)
	pin(s, "type", types.MessageText)
	s.If = &jsonschema.Schema{Required: []string{"deletedAt"}}
	s.Else = &jsonschema.Schema{Properties: props("data", &jsonschema.Schema{Required: []string{"text"}})}
}

// pinMedia pins a media message's category and type.
func pinMedia(s *jsonschema.Schema) {
	pin(s, "category", types.CategoryMessage)
	pin(s, "type", types.MediaTypes()...)
}

// pinCustom allows a custom message's two categories and ties category
// message to type custom.
func pinCustom(s *jsonschema.Schema) {
	pin(s, "category", types.CategoryCustom, types.CategoryMessage)
	s.If = &jsonschema.Schema{
		Properties: props("category", &jsonschema.Schema{Const: string(types.CategoryMessage)}),
		Required:   []string{"category"},
	}
	s.Then = &jsonschema.Schema{Properties: props("type", &jsonschema.Schema{Const: string(types.MessageCustom)})}
}

// pinActionEntities pins an action's entity types: by a user, for a group
// (or a user, in a one-to-one conversation's edits and deletions), on a
// user or a message.
func pinActionEntities(s *jsonschema.Schema) {
	pinEntityType(s, "by", types.EntityUser)
	pinEntityType(s, "for", types.EntityGroup, types.EntityUser)
	pinEntityType(s, "on", types.EntityUser, types.EntityMessage)
}

// pinCallEntities pins a call's entity types: by a user, for a user or a
// group, on a call.
func pinCallEntities(s *jsonschema.Schema) {
	pinEntityType(s, "by", types.EntityUser)
	pinEntityType(s, "for", types.EntityUser, types.EntityGroup)
	pinEntityType(s, "on", types.EntityCall)
}

// appEntitySchema describes an AppEntity by shape: a user (it has a uid), a
// group (a guid), a message (a category) or a call (a sessionId), and a user
// otherwise.
func appEntitySchema() *jsonschema.Schema {
	has := func(key string) *jsonschema.Schema { return &jsonschema.Schema{Required: []string{key}} }
	return &jsonschema.Schema{
		Type:        "object",
		Description: "A user (it has a uid), a group (a guid), a message edited or deleted (a category; REST wire shape) or a call (a sessionId).",
		If:          has("uid"),
		Then:        &jsonschema.Schema{Ref: "#/$defs/User"},
		Else: &jsonschema.Schema{
			If:   has("guid"),
			Then: &jsonschema.Schema{Ref: "#/$defs/Group"},
			Else: &jsonschema.Schema{
				If:   has("category"),
				Then: &jsonschema.Schema{Ref: "../rest/message.json"},
				Else: &jsonschema.Schema{
					If:   has("sessionId"),
					Then: &jsonschema.Schema{Ref: "#/$defs/Call"},
					Else: &jsonschema.Schema{Ref: "#/$defs/User"},
				},
			},
		},
	}
}

// entityDefs names the definition of each entity type's entity.
var entityDefs = map[types.EntityType]string{types.EntityUser: "User", types.EntityGroup: "Group", types.EntityCall: "CallEntity"}

// entityRef is the reference to the schema of an entity of type t: a
// definition, or for a message the rest profile's message schema, as
// data keeps messages in the wire shape in every profile.
func entityRef(t types.EntityType) string {
	if t == types.EntityMessage {
		return "../rest/message.json"
	}
	return "#/$defs/" + entityDefs[t]
}

// entityRefSchema describes a wrapper whose entityType is one of ts. With one
// type the entity has that type's schema outright, so that a wrong entity is
// reported by one schema, not by every branch.
func entityRefSchema(desc string, ts ...types.EntityType) *jsonschema.Schema {
	et := &jsonschema.Schema{Type: "string", Description: "What the entity is."}
	if len(ts) == 1 {
		et.Const = string(ts[0])
	} else {
		for _, t := range ts {
			et.Enum = append(et.Enum, string(t))
		}
	}
	s := &jsonschema.Schema{
		Type:                 "object",
		Description:          desc,
		Properties:           props("entity", &jsonschema.Schema{Type: "object", Description: "The entity itself."}, "entityType", et),
		Required:             []string{"entity", "entityType"},
		AdditionalProperties: jsonschema.FalseSchema,
	}
	if len(ts) == 1 {
		s.Properties.Set("entity", &jsonschema.Schema{Ref: entityRef(ts[0]), Description: "The entity itself."})
		return s
	}
	// One if/then/else chain, most common type first: the first type that
	// matches ends the evaluation.
	var chain *jsonschema.Schema
	for i := len(ts) - 1; i >= 0; i-- {
		chain = &jsonschema.Schema{
			If: &jsonschema.Schema{
				Properties: props("entityType", &jsonschema.Schema{Const: string(ts[i])}),
				Required:   []string{"entityType"},
			},
			Then: &jsonschema.Schema{Properties: props("entity", &jsonschema.Schema{Ref: entityRef(ts[i])})},
			Else: chain,
		}
	}
	s.AllOf = []*jsonschema.Schema{chain}
	return s
}

// pinEntityType narrows property prop of s, an EntityRef, to the entity
// types ts, keeping its description.
func pinEntityType(s *jsonschema.Schema, prop string, ts ...types.EntityType) {
	p, ok := s.Properties.Get(prop)
	if !ok {
		return
	}
	s.Properties.Set(prop, entityRefSchema(p.Description, ts...))
}

// pin replaces property prop of s with a string that must be one of values,
// keeping its description.
func pin[T ~string](s *jsonschema.Schema, prop string, values ...T) {
	p, ok := s.Properties.Get(prop)
	if !ok {
		return
	}
	n := &jsonschema.Schema{Type: "string", Description: p.Description}
	if len(values) == 1 {
		n.Const = string(values[0])
	} else {
		for _, v := range values {
			n.Enum = append(n.Enum, string(v))
		}
	}
	s.Properties.Set(prop, n)
}

// props builds an ordered property map from name, schema pairs.
func props(kv ...any) *orderedmap.OrderedMap[string, *jsonschema.Schema] {
	p := jsonschema.NewProperties()
	for i := 0; i+1 < len(kv); i += 2 {
		p.Set(kv[i].(string), kv[i+1].(*jsonschema.Schema))
	}
	return p
}
