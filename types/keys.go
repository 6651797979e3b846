package types

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// field is one JSON member of a struct type, with embedded structs flattened
// as encoding/json flattens them.
type field struct {
	typ     reflect.Type
	profile Profile // "" for both profiles
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
			m[name] = field{typ: f.Type, profile: Profile(f.Tag.Get("profile"))}
		}
	}
	walk(t)
	fieldCache.Store(t, m)
	return m
}

// profileOnlyFields maps the top-level JSON names of doc's type that only one
// profile documents to that profile.
func profileOnlyFields(doc Document) map[string]Profile {
	out := map[string]Profile{}
	for name, f := range fieldsOf(reflect.TypeOf(doc).Elem()) {
		if f.profile != "" {
			out[name] = f.profile
		}
	}
	return out
}

// ProfileOf returns the profile that the field JSON name of struct type t
// belongs to, or "" when the field is in both profiles (or not a field). The
// schema generator uses it to leave a profile's schema without the other
// profile's fields.
func ProfileOf(t reflect.Type, name string) Profile {
	return fieldsOf(t)[name].profile
}

var (
	entityRefType = reflect.TypeOf(EntityRef{})
	appEntityType = reflect.TypeOf(AppEntity{})
)

// checkKeys walks data along the Go type of doc and fails on an object key
// that names a field only when compared without case: encoding/json would
// silently read it as that field, where the schema sees a missing field and
// an unknown one.
func checkKeys(data []byte, doc Document) error {
	return walkKeys(data, reflect.TypeOf(doc), "")
}

func walkKeys(data []byte, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == entityRefType:
		obj, err := members(data, path, "entity", "entityType")
		if obj == nil || err != nil {
			return err
		}
		raw, ok := obj["entityType"]
		if !ok {
			return &DecodeError{Path: path, Msg: "entity wrapper has no entityType: expected user, group or call"}
		}
		var et EntityType
		if json.Unmarshal(raw, &et) != nil {
			return &DecodeError{Path: path + "/entityType", Msg: "entityType is " + jsonTypeOf(raw) + ", expected a string"}
		}
		var inner reflect.Type
		switch et {
		case EntityUser:
			inner = reflect.TypeOf(User{})
		case EntityGroup:
			inner = reflect.TypeOf(Group{})
		case EntityCall:
			inner = reflect.TypeOf(CallEntity{})
		default:
			return &DecodeError{Path: path + "/entityType", Msg: fmt.Sprintf(
				"entityType %q is not one of user, group, call%s", et, hint(string(et), EntityType("").Values(ProfileSDK)))}
		}
		if e, ok := obj["entity"]; ok {
			return walkKeys(e, inner, path+"/entity")
		}
		return nil
	case t == appEntityType:
		obj, err := members(data, path)
		if obj == nil || err != nil {
			return err
		}
		switch {
		case obj["guid"] != nil:
			t = reflect.TypeOf(Group{})
		case obj["sessionId"] != nil:
			t = reflect.TypeOf(Call{})
		default:
			t = reflect.TypeOf(User{})
		}
		return walkKeys(data, t, path)
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
		for k, v := range obj {
			if f, ok := fields[k]; ok {
				if err := walkKeys(v, f.typ, path+"/"+escape(k)); err != nil {
					return err
				}
			}
		}
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return nil
		}
		for i, it := range items {
			if err := walkKeys(it, t.Elem(), fmt.Sprintf("%s/%d", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// members parses data as an object (nil if it is not one) and fails on a key
// that equals one of names only without case.
func members(data []byte, path string, names ...string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return nil, nil
	}
	for k := range obj {
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
