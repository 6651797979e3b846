package types

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
)

// field is one JSON member of a struct type, with embedded structs flattened
// as encoding/json flattens them.
type field struct {
	typ      reflect.Type
	profiles []Profile // nil for every profile
}

var fieldCache sync.Map // reflect.Type -> map[string]field

// fieldsOf returns the JSON members of struct type t by exact name.
func fieldsOf(t reflect.Type) map[string]field {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]field)
	}
	m := map[string]field{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			var ps []Profile
			if tag := f.Tag.Get("profile"); tag != "" {
				for _, p := range strings.Split(tag, ",") {
					ps = append(ps, Profile(p))
				}
			}
			m[name] = field{typ: f.Type, profiles: ps}
		}
	}
	walk(t)
	fieldCache.Store(t, m)
	return m
}

// InProfile reports whether the field JSON name of struct type t is part of
// profile p: a field whose profile tag does not list p is left out of p's
// schema. Only fields are restricted: a name that is no field of t is in
// every profile.
func InProfile(t reflect.Type, name string, p Profile) bool {
	f := fieldsOf(t)[name]
	return f.profiles == nil || slices.Contains(f.profiles, p)
}

var (
	entityRefGoType = reflect.TypeOf(EntityRef{})
	appEntityGoType = reflect.TypeOf(AppEntity{})
	rawGoType       = reflect.TypeOf(json.RawMessage{})
	flagGoType      = reflect.TypeOf(Flag(false))
	countGoType     = reflect.TypeOf(Count(0))
	partyGoType     = reflect.TypeOf(UserOrGroup{})
	targetGoType    = reflect.TypeOf(ActionTarget{})
	anyMsgGoType    = reflect.TypeOf(AnyMessage{})
)

// messageType returns the Go type of the message data holds, as Detect
// tells it, or nil when data is no message Detect knows.
func messageType(data []byte) reflect.Type {
	k, p, err := Detect(data)
	if err != nil || !k.IsMessage() {
		return nil
	}
	return reflect.TypeOf(New(k, p))
}

// maxEntityNesting bounds how deep entities may nest inside entities. The
// model nests them at most three deep (an action on a call whose receiver is
// a user); a document nested deeper is refused before it is decoded, so that
// nesting cannot make decoding slow.
const maxEntityNesting = 4

// checkKeys walks data along the Go type of doc before encoding/json reads
// it, and fails with the JSON Pointer of the first problem: a key that names
// a field only when compared without case (encoding/json would silently read
// it as that field, where the schema sees a missing field and an unknown
// one), a value of the wrong JSON type, or entities nested too deep.
func checkKeys(data []byte, doc Document) error {
	return walkKeys(data, reflect.TypeOf(doc), "", 0)
}

func walkKeys(data []byte, t reflect.Type, path string, level int) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if err := checkJSONType(data, t, path); err != nil {
		return err
	}
	switch {
	case t == partyGoType || t == targetGoType || t == anyMsgGoType:
		if level >= maxEntityNesting {
			return &DecodeError{Path: path, Msg: fmt.Sprintf(
				"entities nest more than %d deep here; no document of the model nests them so", maxEntityNesting)}
		}
		obj, err := members(data, path)
		if obj == nil || err != nil {
			return err
		}
		_, isMessage := obj["category"]
		inner := reflect.TypeOf(User{})
		switch {
		case t == partyGoType && partyType(obj) == EntityGroup:
			inner = reflect.TypeOf(Group{})
		case t == anyMsgGoType || t == targetGoType && isMessage:
			if inner = messageType(data); inner == nil {
				return &DecodeError{Path: path, Msg: "not a message of a kind the model knows: it needs a category, and a type its category allows"}
			}
		}
		return walkKeys(data, inner, path, level+1)
	case t == entityRefGoType || t == appEntityGoType:
		if level >= maxEntityNesting {
			return &DecodeError{Path: path, Msg: fmt.Sprintf(
				"entities nest more than %d deep here; no document of the model nests them so", maxEntityNesting)}
		}
		if t == appEntityGoType {
			obj, err := members(data, path)
			if obj == nil || err != nil {
				return err
			}
			inner := map[EntityType]reflect.Type{EntityUser: reflect.TypeOf(User{}),
				EntityGroup: reflect.TypeOf(Group{}), EntityCall: reflect.TypeOf(Call{})}[appEntityType(obj)]
			if inner == nil {
				if inner = messageType(data); inner == nil {
					return &DecodeError{Path: path, Msg: "not a message of a kind the model knows: it needs a category, and a type its category allows"}
				}
			}
			return walkKeys(data, inner, path, level+1)
		}
		obj, err := members(data, path, "entity", "entityType")
		if obj == nil || err != nil {
			return err
		}
		raw, ok := obj["entityType"]
		if !ok {
			return &DecodeError{Path: path, Msg: "entity wrapper has no entityType: expected user, group or call"}
		}
		var et EntityType
		if jsonTypeOf(raw) != "a string" || json.Unmarshal(raw, &et) != nil {
			return &DecodeError{Path: path + "/entityType", Msg: "entityType is " + jsonTypeOf(raw) + ", expected a string"}
		}
		inner, known := map[EntityType]reflect.Type{EntityUser: reflect.TypeOf(User{}),
			EntityGroup: reflect.TypeOf(Group{}), EntityCall: reflect.TypeOf(CallEntity{}), EntityMessage: nil}[et]
		if !known {
			return &DecodeError{Path: path + "/entityType", Msg: fmt.Sprintf(
				"entityType %q is not one of user, group, call, message%s", et, hint(string(et), EntityType("").Values(ProfileDocs)))}
		}
		e, ok := obj["entity"]
		if !ok || jsonTypeOf(e) == "null" {
			return &DecodeError{Path: path + "/entity", Msg: "entity wrapper has no entity"}
		}
		if et == EntityMessage {
			if inner = messageType(e); inner == nil {
				return &DecodeError{Path: path + "/entity", Msg: "the entity of entityType message is no message the model knows: it needs a category, and a type its category allows"}
			}
		}
		return walkKeys(e, inner, path+"/entity", level+1)
	case t.Kind() == reflect.Struct:
		fields := fieldsOf(t)
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		obj, err := members(data, path, names...)
		if obj == nil || err != nil {
			return err
		}
		for _, k := range sortedKeys(obj) {
			if f, ok := fields[k]; ok {
				if err := walkKeys(obj[k], f.typ, path+"/"+escape(k), level); err != nil {
					return err
				}
			}
		}
	case t.Kind() == reflect.Slice && t != rawGoType:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return nil
		}
		for i, it := range items {
			if err := walkKeys(it, t.Elem(), fmt.Sprintf("%s/%d", path, i), level); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkJSONType fails when data, a JSON value, cannot decode into Go type t.
// null decodes into anything, as encoding/json leaves the zero value.
func checkJSONType(data []byte, t reflect.Type, path string) error {
	got := jsonTypeOf(data)
	if got == "null" || t == rawGoType || t == flagGoType || t == countGoType && got == "a string" {
		return nil
	}
	var want string
	switch t.Kind() {
	case reflect.String:
		want = "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		want = "a number"
	case reflect.Bool:
		want = "a boolean"
	case reflect.Map, reflect.Struct:
		want = "an object"
	case reflect.Slice:
		want = "an array"
	default:
		return nil
	}
	if got != want {
		return &DecodeError{Path: path, Msg: fmt.Sprintf("got %s, expected %s", got, jsonTypeFor(t))}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// members parses data as an object (nil if it is not one) and fails on the
// first key, in sorted order, that equals one of names only without case.
func members(data []byte, path string, names ...string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return nil, nil
	}
	for _, k := range sortedKeys(obj) {
		if contains(names, k) {
			continue
		}
		for _, n := range names {
			if strings.EqualFold(k, n) {
				return nil, &DecodeError{Path: path + "/" + escape(k), Msg: fmt.Sprintf(
					"key %q differs from the model's %q only in case; keys are case-sensitive", k, n)}
			}
		}
	}
	return obj, nil
}

func contains(names []string, k string) bool {
	for _, n := range names {
		if n == k {
			return true
		}
	}
	return false
}

// escape escapes a key for a JSON Pointer (RFC 6901).
func escape(k string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}
