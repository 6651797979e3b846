package validate

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// schemaViolations turns a schema validation error into violations, and
// collects the pointers of undocumented fields; with strict, those are
// violations too.
func schemaViolations(err error, strict bool) (vs []Violation, undocumented []string) {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			vs = append(vs, Violation{Rule: RuleValue, Message: err.Error()})
		}
		return vs, nil
	}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaf(e, strict, &vs, &undocumented)
			return
		}
		switch e.ErrorKind.(type) {
		case *kind.AnyOf, *kind.OneOf:
			if v, ok := merge(e); ok {
				vs = append(vs, v)
				return
			}
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return consequences(vs), undocumented
}

// consequences drops, at a pointer whose value has the wrong JSON type,
// what follows from that: the value is not also outside an enum, malformed
// or out of range.
func consequences(vs []Violation) []Violation {
	wrongType := map[string]bool{}
	for _, v := range vs {
		if v.Rule == RuleType {
			wrongType[v.Pointer] = true
		}
	}
	if len(wrongType) == 0 {
		return vs
	}
	out := vs[:0]
	for _, v := range vs {
		if !wrongType[v.Pointer] || v.Rule == RuleType || v.Rule == RuleRequired {
			out = append(out, v)
		}
	}
	return out
}

// merge folds the failed alternatives of an anyOf or oneOf into one
// violation when they all fail the same way: each wants a different field
// (data needs url or attachments), or each a different type (file is a
// string or null).
func merge(e *jsonschema.ValidationError) (Violation, bool) {
	var missing, types []string
	var got string
	for _, c := range e.Causes {
		if len(c.Causes) != 0 {
			return Violation{}, false
		}
		switch k := c.ErrorKind.(type) {
		case *kind.Required:
			missing = append(missing, k.Missing...)
		case *kind.Type:
			types = append(types, k.Want...)
			got = k.Got
		default:
			return Violation{}, false
		}
	}
	ptr := pointer(e.InstanceLocation)
	switch {
	case len(missing) > 0 && len(types) == 0:
		return Violation{Pointer: ptr, Rule: RuleRequired,
			Message:  "needs one of " + strings.Join(missing, " or ") + "; none is present",
			Expected: strings.Join(missing, " or ")}, true
	case len(types) > 0 && len(missing) == 0:
		want := strings.Join(types, " or ")
		return Violation{Pointer: ptr, Rule: RuleType, Message: fmt.Sprintf("expected %s, found %s", want, got),
			Expected: want, Actual: got}, true
	}
	return Violation{}, false
}

func leaf(e *jsonschema.ValidationError, strict bool, vs *[]Violation, undocumented *[]string) {
	ptr := pointer(e.InstanceLocation)
	add := func(v Violation) {
		if v.Pointer == "" {
			v.Pointer = ptr
		}
		*vs = append(*vs, v)
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			add(Violation{Pointer: ptr + "/" + escape(m), Rule: RuleRequired, Message: "required field is missing", Expected: "present"})
		}
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			at := ptr + "/" + escape(p)
			*undocumented = append(*undocumented, at)
			if strict {
				add(Violation{Pointer: at, Rule: RuleUnknownField, Message: "field is not documented by the model; remove it or run without --strict"})
			}
		}
	case *kind.Type:
		want := strings.Join(k.Want, " or ")
		add(Violation{Rule: RuleType, Message: fmt.Sprintf("expected %s, found %s", want, k.Got), Expected: want, Actual: k.Got})
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = bare(w)
		}
		add(Violation{Rule: RuleEnum, Message: fmt.Sprintf("%s is not one of %s%s", show(k.Got), strings.Join(want, ", "), didYouMean(k.Got, k.Want)),
			Expected: strings.Join(want, ", "), Actual: show(k.Got)})
	case *kind.Const:
		add(Violation{Rule: RuleEnum, Message: fmt.Sprintf("%s is not %s%s", show(k.Got), show(k.Want), didYouMean(k.Got, []any{k.Want})),
			Expected: show(k.Want), Actual: show(k.Got)})
	case *kind.Format:
		add(Violation{Rule: RuleFormat, Message: fmt.Sprintf("%s is not a valid %s", show(k.Got), k.Want), Expected: k.Want, Actual: show(k.Got)})
	case *kind.MinLength:
		if k.Want == 1 {
			add(Violation{Rule: RuleValue, Message: "must not be empty", Expected: "a non-empty string", Actual: `""`})
		} else {
			add(Violation{Rule: RuleValue, Message: fmt.Sprintf("is %d characters long, want at least %d", k.Got, k.Want)})
		}
	case *kind.Minimum:
		add(bound(k.Got, k.Want, "%s is below the minimum %s", ">= "))
	case *kind.Maximum:
		add(bound(k.Got, k.Want, "%s is above the maximum %s", "<= "))
	case *kind.ExclusiveMinimum:
		add(bound(k.Got, k.Want, "%s is not above %s", "> "))
	case *kind.ExclusiveMaximum:
		add(bound(k.Got, k.Want, "%s is not below %s", "< "))
	case *kind.MultipleOf:
		add(bound(k.Got, k.Want, "%s is not a multiple of %s", ""))
	case *kind.MaxLength:
		add(Violation{Rule: RuleValue, Message: fmt.Sprintf("is %d characters long, want at most %d", k.Got, k.Want)})
	case *kind.PropertyNames:
		add(Violation{Rule: RuleValue, Message: fmt.Sprintf("key %s is not allowed here", quote(k.Property))})
	case *kind.Pattern:
		add(Violation{Rule: RuleValue, Message: fmt.Sprintf("%s does not match %s", show(k.Got), k.Want), Expected: k.Want, Actual: show(k.Got)})
	case *kind.FalseSchema:
		add(Violation{Rule: RuleUnknownField, Message: "value is not allowed here"})
	default:
		add(Violation{Rule: RuleValue, Message: e.ErrorKind.LocalizedString(printer)})
	}
}

// bound is a number out of its bounds: got against want, said by the
// format msg; each written once, as writing a huge one costs.
func bound(got, want *big.Rat, msg, relation string) Violation {
	g, w := rat(got), rat(want)
	v := Violation{Rule: RuleValue, Message: fmt.Sprintf(msg, g, w), Actual: g}
	if relation != "" {
		v.Expected = relation + w
	}
	return v
}

// didYouMean suggests the wanted value that got differs from only in case,
// or in a known misspelling.
func didYouMean(got any, want []any) string {
	s, ok := got.(string)
	if !ok {
		return ""
	}
	for _, w := range want {
		if ws, ok := w.(string); ok && strings.EqualFold(s, ws) {
			return fmt.Sprintf("; did you mean %q?", ws)
		}
	}
	return ""
}

// bare writes a string as it is and any other value as JSON, for lists of
// expected values.
func bare(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return show(v)
}

// pointer writes an instance location as a JSON Pointer.
func pointer(loc []string) string {
	var b strings.Builder
	for _, t := range loc {
		b.WriteByte('/')
		b.WriteString(escape(t))
	}
	return b.String()
}

func escape(t string) string {
	if !strings.ContainsAny(t, "~/") {
		return t
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
}

// sortViolations orders violations by pointer, then rule, and drops exact
// repeats.
func sortViolations(vs []Violation) []Violation {
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Pointer != vs[j].Pointer {
			return vs[i].Pointer < vs[j].Pointer
		}
		if vs[i].Rule != vs[j].Rule {
			return vs[i].Rule < vs[j].Rule
		}
		return vs[i].Message < vs[j].Message
	})
	out := vs[:0]
	for i, v := range vs {
		if i > 0 && v == vs[i-1] {
			continue
		}
		out = append(out, v)
	}
	return out
}
