package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// Rule ids of the schema checks and of the document as a whole. The
// cross-field rules have their own ids; see Rules.
const (
	RuleJSON         = "json"          // not JSON, or not UTF-8
	RuleKind         = "kind"          // the kind of the document cannot be told
	RuleRequired     = "required"      // a required field is missing
	RuleType         = "type"          // a value has the wrong JSON type
	RuleEnum         = "enum"          // a value is not one of the documented values
	RuleFormat       = "format"        // a URL or email address is malformed
	RuleValue        = "value"         // a value is out of range, empty or malformed
	RuleUnknownField = "unknown-field" // a field the model does not document (--strict)
	RuleDuplicateKey = "duplicate-key" // an object has the same key twice
	RulePointer      = "pointer"       // --pointer names no value in the document
	RuleSize         = "size"          // the document is larger than the limit, and not checked
)

// Violation is one way a document breaks the model.
type Violation struct {
	// Pointer is the JSON Pointer (RFC 6901) of the offending value within
	// the document; "" is the document itself.
	Pointer string `json:"pointer"`
	// Rule is the id of the broken rule.
	Rule string `json:"rule"`
	// Message says in one line what is wrong and, where it can, what to do.
	Message string `json:"message"`
	// Expected is what the model wants, where that can be said briefly.
	Expected string `json:"expected,omitempty"`
	// Actual is what the document has, where that can be said briefly.
	Actual string `json:"actual,omitempty"`

	// related is the pointer of the value a cross-field rule compared this
	// one with.
	related string
}

// String gives the violation as a person reads it: the field, then the
// message, then the rule id.
func (v Violation) String() string {
	field := dotted(v.Pointer)
	if field == "" {
		return fmt.Sprintf("%s [%s]", v.Message, v.Rule)
	}
	return fmt.Sprintf("%s: %s [%s]", field, v.Message, v.Rule)
}

// dotted writes a JSON Pointer the way a person names a field:
// /data/entities/sender/entity/uid becomes data.entities.sender.entity.uid,
// and array indices become [i]. A key longer than 64 characters is cut, as
// messages cut the values they quote.
func dotted(ptr string) string {
	if ptr == "" {
		return ""
	}
	var b strings.Builder
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = capped(strings.NewReplacer("~1", "/", "~0", "~").Replace(tok), "a key")
		if tok != "" && strings.Trim(tok, "0123456789") == "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// Location says where a document came from.
type Location struct {
	// Source is the file path, "-" for standard input, or the URL.
	Source string `json:"source"`
	// Line is the 1-based line on which the document starts, or 0 when not
	// known.
	Line int `json:"line,omitempty"`
	// Index is the document's position in the array that held it (a JSON
	// array, or the data of a REST envelope), or -1 when it was not in one.
	// JSON leaves it out when it is -1.
	Index int `json:"index"`
	// Page is the page of a paginated URL, from 1, or 0 for other sources.
	Page int `json:"page,omitempty"`
}

// locationFields is Location with its tags and no methods.
type locationFields Location

// MarshalJSON writes the location's fields, leaving out the index of a
// document that was not in an array: -1 is no position, and a reader
// should not have to know that it means none.
func (l Location) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(l.Source)+64)
	b = append(b, `{"source":`...)
	b, err := appendJSONString(b, l.Source)
	if err != nil {
		return nil, err
	}
	if l.Line != 0 {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(l.Line), 10)
	}
	if l.Index >= 0 {
		b = append(b, `,"index":`...)
		b = strconv.AppendInt(b, int64(l.Index), 10)
	}
	if l.Page != 0 {
		b = append(b, `,"page":`...)
		b = strconv.AppendInt(b, int64(l.Page), 10)
	}
	return append(b, '}'), nil
}

// appendJSONString appends s as a JSON string. HTML escaping is the
// caller's encoder's to choose: it applies its own to what MarshalJSON
// returns.
func appendJSONString(b []byte, s string) ([]byte, error) {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'
	}
	if plain { // a path or a URL, as a rule
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

// UnmarshalJSON reads a location as MarshalJSON writes it: without an
// index, the document was not in an array (-1).
func (l *Location) UnmarshalJSON(b []byte) error {
	f := locationFields{Index: -1}
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*l = Location(f)
	return nil
}

// String gives the location as source:line, with [index] and page where
// they apply.
func (l Location) String() string {
	s := l.Source
	if l.Page > 0 {
		s += fmt.Sprintf(" page %d", l.Page)
	}
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	if l.Index >= 0 {
		s += fmt.Sprintf("[%d]", l.Index)
	}
	return s
}

// Verdict is what the validator found in one document.
type Verdict struct {
	Location Location `json:"location"`
	// Kind is the document's kind, or "" when it could not be told.
	Kind types.Kind `json:"kind,omitempty"`
	// Profile is the profile the document was checked against.
	Profile types.Profile `json:"profile,omitempty"`
	// Trigger is the webhook trigger of a webhook delivery (Kind webhook).
	Trigger string `json:"trigger,omitempty"`
	// Note says what a reader should know of a verdict that violations do
	// not say: a webhook event outside the documented model, whose envelope
	// alone was checked, or which of CometChat's two forms of an event the
	// delivery had.
	Note string `json:"note,omitempty"`
	// Violations lists every way the document breaks the model, ordered by
	// pointer; none means the document conforms.
	Violations []Violation `json:"violations"`
	// Undocumented lists the pointers of fields the model does not document.
	// Without Options.Strict they are allowed and only counted here; with it
	// they are also violations (rule unknown-field).
	Undocumented []string `json:"undocumented,omitempty"`
	// Suppressed lists the violations that Options.Disable or
	// Options.Ignore silenced: the document may conform without them,
	// and reports count them.
	Suppressed []Violation `json:"suppressed,omitempty"`
}

// OK reports whether the document conforms.
func (v Verdict) OK() bool { return len(v.Violations) == 0 }

// HasRule reports whether v has a violation of rule.
func (v Verdict) HasRule(rule string) bool {
	for _, x := range v.Violations {
		if x.Rule == rule {
			return true
		}
	}
	return false
}
