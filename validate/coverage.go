package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Coverage counts what the documents of a run held, against what the model
// documents: a clean run says nothing of what was never seen. It is safe for
// concurrent use; Validator.Coverage returns the one a validator fills when
// Options.Coverage is set.
type Coverage struct {
	mu    sync.Mutex
	model map[string]*fieldSet // by kind/profile: the documented fields
	// docs counts documents by kind/profile.
	docs map[string]int
	// fields counts, by kind/profile, the documents that had each
	// documented field (a JSON Pointer, * for any array element).
	fields map[string]map[string]int
	// enums counts, by kind/profile and field, each value seen.
	enums map[string]map[string]map[string]int
	// pairs counts messages by category/type.
	pairs map[string]int
	// drift counts undocumented fields by kind/profile and pointer, with
	// the first place each was seen: at most MaxUndocumentedPaths pointers
	// in all (driftPaths), and past them driftOther counts by kind/profile.
	drift      map[string]map[string]*driftSeen
	driftPaths int
	driftOther map[string]int
}

// MaxUndocumentedPaths bounds the undocumented fields a Coverage lists. Past
// this many distinct paths in a run, a path not seen before is counted in
// KindCoverage.UndocumentedOther and not kept, so that documents with ever
// new keys take bounded memory. Paths are kept cut short (ShortenPointer).
const MaxUndocumentedPaths = 10000

// OtherValues is the name under which coverage counts, once an enum field
// has been seen with 100 values the model does not list (or messages with
// 1,000 category/type pairs), the values and pairs past them: counted, not
// kept.
const OtherValues = "(other values)"

const (
	maxOtherValues = 100
	maxPairs       = 1000
)

// maxDriftPointer bounds the bytes of a path kept for an undocumented
// field, after each key in it is cut short.
const maxDriftPointer = 512

type driftSeen struct {
	n      int
	sample string
}

// fieldSet is the documented fields of one kind in one profile.
type fieldSet struct {
	fields   map[string]bool     // pointer: required
	enums    map[string][]string // pointer: its values
	freeForm map[string]bool     // pointers whose members the model leaves open
	order    []string            // the fields in a stable order
	schemaOf map[string]*jsonschema.Schema
}

// NewCoverage returns an empty Coverage over the model's schemas.
func NewCoverage() (*Coverage, error) {
	set, err := schema.Compiled()
	if err != nil {
		return nil, err
	}
	c := &Coverage{model: map[string]*fieldSet{}, docs: map[string]int{}, fields: map[string]map[string]int{},
		enums: map[string]map[string]map[string]int{}, pairs: map[string]int{}, drift: map[string]map[string]*driftSeen{},
		driftOther: map[string]int{}}
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			fs := &fieldSet{fields: map[string]bool{}, enums: map[string][]string{}, freeForm: map[string]bool{}, schemaOf: map[string]*jsonschema.Schema{}}
			fs.walk(set.Schema(p, string(k)), "", true, 0)
			for f := range fs.fields {
				fs.order = append(fs.order, f)
				// An object one branch leaves open (the entity before
				// its if/then picks a user or a group) is not free
				// where another branch documents its members.
				delete(fs.freeForm, f[:strings.LastIndexByte(f, '/')])
			}
			sort.Strings(fs.order)
			c.model[kp(k, p)] = fs
		}
	}
	return c, nil
}

// The bounds of fieldSet.walk: deep enough for a message inside an action
// inside a conversation (/lastMessage/data/entities/on/entity/data/text).
const (
	maxCoverageDepth = 10
	maxCoverageHops  = 24
)

func kp(k types.Kind, p types.Profile) string { return string(k) + "/" + string(p) }

// walk records the fields under schema s at pointer at; required says the
// value at at is always there.
//
// Schemas refer to each other in cycles (a conversation's last message may
// be an action about a message, which may be an action ...): the walk stops
// at maxCoverageDepth segments of pointer, and after maxCoverageHops
// schemas without a new segment.
func (fs *fieldSet) walk(s *jsonschema.Schema, at string, required bool, depth int) {
	if s == nil || depth > maxCoverageHops || strings.Count(at, "/") > maxCoverageDepth {
		return
	}
	if s.Ref != nil {
		fs.walk(s.Ref, at, required, depth+1)
	}
	for _, sub := range s.AllOf {
		fs.walk(sub, at, required, depth+1)
	}
	for _, sub := range append(append([]*jsonschema.Schema{s.Then, s.Else}, s.AnyOf...), s.OneOf...) {
		fs.walk(sub, at, false, depth+1)
	}
	if s.Enum != nil && at != "" {
		for _, v := range s.Enum.Values {
			fs.addEnum(at, enumName(v))
		}
	}
	if s.Items2020 != nil {
		fs.walk(s.Items2020, at+"/*", false, depth+1)
	}
	if s.Types != nil && strings.Contains(s.Types.String(), "object") && len(s.Properties) == 0 && s.Ref == nil &&
		len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.If == nil {
		fs.freeForm[at] = true
	}
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	for name, sub := range s.Properties {
		p := at + "/" + escape(name)
		fs.fields[p] = fs.fields[p] || required && req[name]
		fs.schemaOf[p] = sub
		fs.walk(sub, p, required && req[name], 0)
	}
}

func (fs *fieldSet) addEnum(at, v string) {
	for _, x := range fs.enums[at] {
		if x == v {
			return
		}
	}
	fs.enums[at] = append(fs.enums[at], v)
}

// Add counts one document: its bytes and the verdict the validator gave it.
// Documents whose kind could not be told are counted by nothing but that.
func (c *Coverage) Add(raw []byte, vd Verdict) {
	if vd.Kind == "" || vd.Profile == "" {
		c.mu.Lock()
		c.docs["unknown"]++
		c.mu.Unlock()
		return
	}
	key := kp(vd.Kind, vd.Profile)
	fs := c.model[key]
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		doc = nil
	}
	seen := map[string]bool{}
	values := map[string]string{}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if fs.freeForm[at] {
				return
			}
			for name, sub := range x {
				p := at + "/" + escape(name)
				if _, ok := fs.fields[p]; !ok {
					continue // undocumented: the verdict says where
				}
				seen[p] = true
				if fs.enums[p] != nil {
					if name, ok := scalarName(sub); ok {
						values[p] = Shorten(name)
					}
				}
				walk(sub, p)
			}
		case []any:
			for _, sub := range x {
				walk(sub, at+"/*")
			}
		}
	}
	walk(doc, "")

	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs[key]++
	if c.fields[key] == nil {
		c.fields[key] = map[string]int{}
		c.enums[key] = map[string]map[string]int{}
	}
	for p := range seen {
		c.fields[key][p]++
	}
	for p, v := range values {
		seen := c.enums[key][p]
		if seen == nil {
			seen = map[string]int{}
			c.enums[key][p] = seen
		}
		if _, ok := seen[v]; !ok && !slices.Contains(fs.enums[p], v) && undocumentedValues(seen, fs.enums[p]) >= maxOtherValues {
			v = OtherValues
		}
		seen[v]++
	}
	if vd.Kind.IsMessage() {
		if m, ok := doc.(map[string]any); ok {
			cat, _ := m["category"].(string)
			typ, _ := m["type"].(string)
			pair := Shorten(cat) + "/" + Shorten(typ)
			if _, ok := c.pairs[pair]; !ok && len(c.pairs) >= maxPairs {
				pair = OtherValues
			}
			c.pairs[pair]++
		}
	}
	for _, p := range vd.Undocumented {
		pattern := driftPointer(p)
		if c.drift[key] == nil {
			c.drift[key] = map[string]*driftSeen{}
		}
		d := c.drift[key][pattern]
		if d == nil {
			if c.driftPaths >= MaxUndocumentedPaths {
				c.driftOther[key]++
				continue
			}
			d = &driftSeen{sample: vd.Location.String() + " " + driftSample(p)}
			c.drift[key][pattern] = d
			c.driftPaths++
		}
		d.n++
	}
}

// undocumentedValues counts the values in seen, kept by name, that are not
// among documented.
func undocumentedValues(seen map[string]int, documented []string) int {
	n := len(seen)
	for _, v := range documented {
		if _, ok := seen[v]; ok {
			n--
		}
	}
	if _, ok := seen[OtherValues]; ok {
		n--
	}
	return n
}

// driftPointer is the path under which an undocumented field at p is
// counted: array indices written as *, keys cut short, and at most
// maxDriftPointer bytes, so that a key of a megabyte is not kept whole.
func driftPointer(p string) string {
	return prefixEllipsis(indexPattern(ShortenPointer(p)))
}

// driftSample is p as a sample shows it, cut short as driftPointer is.
func driftSample(p string) string { return prefixEllipsis(ShortenPointer(p)) }

func prefixEllipsis(s string) string {
	if len(s) <= maxDriftPointer {
		return s
	}
	return prefix(s, maxDriftPointer) + "…"
}

// enumName names an enum value as coverage counts it: a string as it is,
// any other value as its JSON followed by its type, so that the number 1,
// the string "1" and true stay apart.
func enumName(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return fmt.Sprintf("%v (boolean)", x)
	case nil:
		return "null"
	case json.Number:
		// Schemas and documents are both read with numbers as written.
		if f, err := x.Float64(); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64) + " (number)"
		}
		return x.String() + " (number)"
	}
	return fmt.Sprint(v)
}

// scalarName is enumName for a value read from a document, and false for
// objects and arrays.
func scalarName(v any) (string, bool) {
	switch v.(type) {
	case map[string]any, []any:
		return "", false
	}
	return enumName(v), true
}

// indexPattern writes the array indices of a pointer as *.
func indexPattern(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if _, err := strconv.Atoi(s); err == nil && i > 0 {
			parts[i] = "*"
		}
	}
	return strings.Join(parts, "/")
}

// CoverageReport is what a Coverage counted, with what was never seen.
type CoverageReport struct {
	// Kinds has one entry per kind and profile seen, in a stable order.
	Kinds []KindCoverage `json:"kinds"`
	// Pairs counts messages by category/type, for every pair the model
	// allows (0: never seen) and any other seen.
	Pairs []Count `json:"pairs"`
	// Unknown counts documents whose kind could not be told.
	Unknown int `json:"unknown,omitempty"`
}

// KindCoverage is the coverage of one kind in one profile.
type KindCoverage struct {
	Kind      types.Kind    `json:"kind"`
	Profile   types.Profile `json:"profile"`
	Documents int           `json:"documents"`
	// Fields counts the documents that had each documented field.
	Fields []FieldCount `json:"fields"`
	// Enums counts each documented value of each enum field.
	Enums []EnumCount `json:"enums"`
	// Undocumented lists the fields seen that the model does not document.
	Undocumented []Drift `json:"undocumented"`
	// UndocumentedOther counts the times undocumented fields were seen that
	// Undocumented does not list: paths first seen once the run had
	// MaxUndocumentedPaths of them. Zero when the list is complete.
	UndocumentedOther int `json:"undocumentedOther,omitempty"`
}

// FieldCount is how many documents had a field.
type FieldCount struct {
	Pointer  string `json:"pointer"`
	Required bool   `json:"required"`
	Count    int    `json:"count"`
}

// EnumCount is how many documents had each value of an enum field.
type EnumCount struct {
	Pointer string  `json:"pointer"`
	Values  []Count `json:"values"`
}

// Count is a name and how often it was seen.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	// Documented is false for a value or pair the model does not list.
	Documented bool `json:"documented"`
}

// Drift is an undocumented field: how often, and the first place it was
// seen.
type Drift struct {
	Pointer string `json:"pointer"`
	Count   int    `json:"count"`
	Sample  string `json:"sample"`
}

// Report returns what was counted so far.
func (c *Coverage) Report() CoverageReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	var r CoverageReport
	r.Unknown = c.docs["unknown"]
	for _, p := range types.Profiles() {
		for _, k := range types.Kinds() {
			key := kp(k, p)
			n := c.docs[key]
			if n == 0 {
				continue
			}
			fs := c.model[key]
			kc := KindCoverage{Kind: k, Profile: p, Documents: n, Fields: []FieldCount{}, Enums: []EnumCount{}, Undocumented: []Drift{}}
			for _, f := range fs.order {
				kc.Fields = append(kc.Fields, FieldCount{Pointer: f, Required: fs.fields[f], Count: c.fields[key][f]})
			}
			var enumFields []string
			for f := range fs.enums {
				enumFields = append(enumFields, f)
			}
			sort.Strings(enumFields)
			for _, f := range enumFields {
				ec := EnumCount{Pointer: f}
				seen := c.enums[key][f]
				for _, v := range fs.enums[f] {
					ec.Values = append(ec.Values, Count{Name: v, Count: seen[v], Documented: true})
				}
				var other []string
				for v := range seen {
					if !slices.Contains(fs.enums[f], v) && v != OtherValues {
						other = append(other, v)
					}
				}
				sort.Strings(other)
				if _, ok := seen[OtherValues]; ok {
					other = append(other, OtherValues)
				}
				for _, v := range other {
					ec.Values = append(ec.Values, Count{Name: v, Count: seen[v]})
				}
				kc.Enums = append(kc.Enums, ec)
			}
			var drift []string
			for d := range c.drift[key] {
				drift = append(drift, d)
			}
			sort.Strings(drift)
			for _, d := range drift {
				kc.Undocumented = append(kc.Undocumented, Drift{Pointer: d, Count: c.drift[key][d].n, Sample: c.drift[key][d].sample})
			}
			kc.UndocumentedOther = c.driftOther[key]
			r.Kinds = append(r.Kinds, kc)
		}
	}
	var pairs []string
	for _, k := range types.Kinds() {
		for cat, typs := range allowedPairs[k] {
			for _, t := range typs {
				pairs = append(pairs, cat+"/"+t)
			}
		}
	}
	sort.Strings(pairs)
	pairs = slices.Compact(pairs)
	for _, p := range pairs {
		r.Pairs = append(r.Pairs, Count{Name: p, Count: c.pairs[p], Documented: true})
	}
	var other []string
	for p := range c.pairs {
		if !slices.Contains(pairs, p) && p != OtherValues {
			other = append(other, p)
		}
	}
	sort.Strings(other)
	if _, ok := c.pairs[OtherValues]; ok {
		other = append(other, OtherValues)
	}
	for _, p := range other {
		r.Pairs = append(r.Pairs, Count{Name: p, Count: c.pairs[p], Documented: strings.HasPrefix(p, "custom/")})
	}
	return r
}

// NeverSeen lists, per kind and profile seen, the documented fields and
// enum values no document had, and the allowed category/type pairs no
// message had.
func (r CoverageReport) NeverSeen() []string {
	var out []string
	for _, k := range r.Kinds {
		for _, f := range k.Fields {
			if f.Count == 0 {
				out = append(out, fmt.Sprintf("%s (%s): field %s", k.Kind, k.Profile, f.Pointer))
			}
		}
		for _, e := range k.Enums {
			for _, v := range e.Values {
				if v.Count == 0 && v.Documented {
					out = append(out, fmt.Sprintf("%s (%s): %s = %s", k.Kind, k.Profile, e.Pointer, v.Name))
				}
			}
		}
	}
	for _, p := range r.Pairs {
		if p.Count == 0 {
			out = append(out, "category/type "+p.Name)
		}
	}
	return out
}
