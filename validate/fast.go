package validate

import (
	"math/big"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/ccconform/ccconform/types"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The fast path checks a document without building an any tree: it parses
// the document into a tape and evaluates the same compiled schemas the
// reference path uses (santhosh-tekuri/jsonschema's *Schema, walked
// directly, formats included), then the same cross-field rules. It answers
// only "conforms"; for anything else, a violation or a value it cannot judge
// exactly, it gives up and the reference path checks the document and has
// the last word. So every violation reported still comes from the reference.

// result is what the fast path knows about a value against a schema.
type result uint8

const (
	yes    result = iota // the value is valid
	no                   // the value is invalid
	unsure               // the fast path cannot tell
)

// fastOff turns the fast path off for the whole process:
// CCCONFORM_FAST_PATH=off.
var fastOff = os.Getenv("CCCONFORM_FAST_PATH") == "off"

var tapes = sync.Pool{New: func() any { return new(tape) }}

// release gives t back to the pool, holding none of the document. A tape
// grown by a huge document is left to the garbage collector instead.
func (t *tape) release() {
	t.data = nil
	t.rules = doc{}
	if t.reusable() {
		tapes.Put(t)
	}
}

// reusable reports whether t is small enough to keep for the next document.
func (t *tape) reusable() bool {
	return cap(t.toks) <= maxPooledTokens && cap(t.top) <= maxPooledTokens && cap(t.suspects) <= maxPooledTokens && len(t.long) <= 256
}

// fastCheckTape returns the verdict of a conforming document on t, or ok
// false when the reference path must check it; then the verdict's Kind and
// Profile are what was detected, if anything.
func (v *Validator) fastCheckTape(t *tape) (vd Verdict, ok bool) {
	return v.fastCheckTapeAs(t, v.opts.Kind, v.opts.Profile)
}

// fastCheckTapeAs is fastCheckTape with the kind and profile given ("" to
// detect them), as a webhook's entities are checked.
func (v *Validator) fastCheckTapeAs(t *tape, kind types.Kind, profile types.Profile) (vd Verdict, ok bool) {
	if t.toks[0].kind != tObject {
		return vd, false
	}
	// The tape's own view of its root: a tapeObject made here would be
	// boxed on the heap for every document.
	t.root = tapeObject{t: t, k: 0}
	top := &t.root
	vd = Verdict{Location: Location{Index: -1}, Kind: kind, Profile: profile}
	// A repeated key means different things to different parsers: the
	// tape's lookups find the first value, encoding/json keeps the last.
	// The reference checks the last (the any tree it validates has no
	// other), so it must also detect the kind and profile from the last:
	// a message whose type is first "image", then "text" is checked as a
	// text message, and reported for the repeat. Nothing is detected here
	// then; the reference detects from its own parse.
	if t.hasDuplicateKeys() {
		return vd, false
	}
	if vd.Kind == "" {
		k, p, err := types.DetectObject(top)
		if err != nil {
			return vd, false
		}
		vd.Kind = k
		if vd.Profile == "" {
			vd.Profile = p
		}
	}
	if vd.Profile == "" {
		vd.Profile = types.DetectObjectProfile(top, vd.Kind)
	}
	// A team's own schemas are applied on the reference path.
	if v.opts.Custom != nil {
		typ := ""
		if k := t.member(0, "type"); k >= 0 {
			typ, _ = t.text(k)
		}
		if v.opts.Custom.applies(vd.Kind, typ) {
			return vd, false
		}
	}
	// Each try checks the document in one profile, schema then rules (see
	// try). The contexts live on the stack: a closure here was not inlined,
	// and each document paid for a context on the heap.
	var c, c2 evalCtx
	r := v.try(&c, t, vd.Kind, vd.Profile)
	// As the reference does, a detected user, group or member that fails
	// its profile is tried against the other, and the other is kept when it
	// fits better: here, when it fits. That is the reference's choice only
	// when the first surely fails: an unsure first try (a membersCount past
	// 2^63 that the tape cannot read exactly) may hold no violation at all,
	// and then the reference keeps the detected profile. (On failure vd
	// keeps what was detected, for the reference to start from.)
	if r == no && profile == "" && !vd.Kind.IsMessage() {
		for _, p := range others(vd.Profile) {
			if v.try(&c2, t, vd.Kind, p) == yes {
				c, r, vd.Profile = c2, yes, p
				break
			}
		}
	}
	if r != yes {
		return vd, false
	}
	for _, key := range c.unknown {
		vd.Undocumented = append(vd.Undocumented, t.pointer(key))
	}
	sort.Strings(vd.Undocumented)
	return vd, true
}

// try checks the document on t as kind k in profile p, schema then rules,
// with c made anew. It says no only when the reference surely finds a
// violation in p.
func (v *Validator) try(c *evalCtx, t *tape, k types.Kind, p types.Profile) result {
	*c = evalCtx{strict: v.opts.Strict, unknown: c.unknown[:0]}
	if r := c.eval(t, v.schemaOf(p, k).p, 0); r != yes {
		return r
	}
	return rulesOn(t, k, p)
}

// quietOn reports whether no cross-field rule fires on the document on t,
// checked as kind k in profile p, and the tape could read every value the
// rules asked for.
func quietOn(t *tape, k types.Kind, p types.Profile) bool {
	return rulesOn(t, k, p) == yes
}

// rulesOn is quietOn with the reason when not: no when a rule fires on
// values the tape read exactly, unsure when it could not read one.
func rulesOn(t *tape, k types.Kind, p types.Profile) result {
	d := &t.rules
	*d = doc{t: t, kind: k, profile: p}
	for _, r := range rules {
		fired := len(r.check(d)) > 0
		if d.unsure {
			return unsure
		}
		if fired {
			return no
		}
	}
	return yes
}

// tapeObject gives a tape's object to types.DetectObject.
type tapeObject struct {
	t *tape
	k int32
}

func (o tapeObject) Member(key string) ([]byte, bool) {
	v := o.t.member(o.k, key)
	if v < 0 {
		return nil, false
	}
	return o.t.raw(v), true
}

func (o tapeObject) Keys(yield func(string) bool) {
	t := o.t
	for k := o.k + 1; k < t.toks[o.k].next; k = t.toks[k+1].next {
		s, _ := t.text(k)
		if !yield(s) {
			return
		}
	}
}

// hasDuplicateKeys reports whether any object on the tape repeats a key, or
// has a key the tape cannot compare. Only the objects the parse marked as
// suspects can.
func (t *tape) hasDuplicateKeys() bool {
	for _, i := range t.suspects {
		end := t.toks[i].next
		// Past a few dozen keys, compare through a set: pairwise, an
		// object of a million keys would take a trillion comparisons.
		if end-i > 64 && t.count(i) > 32 {
			if t.repeatsKey(i) {
				return true
			}
			continue
		}
		for a := i + 1; a < end; a = t.toks[a+1].next {
			if t.escaped(a) {
				return true
			}
			ka := t.key(a)
			for b := t.toks[a+1].next; b < end; b = t.toks[b+1].next {
				if string(ka) == string(t.key(b)) {
					return true
				}
			}
		}
	}
	return false
}

// repeatsKey is hasDuplicateKeys for the one object token obj.
func (t *tape) repeatsKey(obj int32) bool {
	seen := make(map[string]struct{}, 64)
	for a := obj + 1; a < t.toks[obj].next; a = t.toks[a+1].next {
		if t.escaped(a) {
			return true
		}
		k := t.key(a)
		if _, ok := seen[string(k)]; ok {
			return true
		}
		seen[unsafe.String(unsafe.SliceData(k), len(k))] = struct{}{}
	}
	return false
}

func fingerprint(k []byte) uint {
	if len(k) == 0 {
		return 0
	}
	return uint(len(k))*31 + uint(k[0])*7 + uint(k[len(k)-1])*3 + uint(k[len(k)/2])
}

// plan is one compiled schema as eval walks it: what it needs of the
// schema worked out once, and its subschemas as plans, so that the walk
// follows pointers rather than looking anything up.
type plan struct {
	s     *jsonschema.Schema
	known bool  // uses only keywords eval judges
	types uint8 // the type keyword as bits, 0 when absent
	// min and max hold integer bounds; minRat and maxRat others.
	min, max       int64
	hasMin, hasMax bool
	minRat, maxRat bool
	noExtra        bool
	extra          *plan
	// props gives each property's plan and, for a required one, its bit in
	// required; required holds every required property's bit.
	props propTable
	// sparse lists the properties of a schema that says nothing of other
	// keys and names few (an if's condition, a conditional requirement):
	// they are looked up, rather than every key of the object walked.
	sparse   []sparseProp
	required uint64
	manyReq  bool // more required properties than bits: check by lookup
	object   bool // has object keywords
	str      bool // has string keywords

	ref, items, ifP, thenP, elseP *plan
	// formatIfNonEmpty is the format of {"if": {"minLength": 1}, "then":
	// {"format": F}}, an optional URL such as an avatar, judged without
	// evaluating the if and the then.
	formatIfNonEmpty    *jsonschema.Format
	allOf, anyOf, oneOf []*plan
	enum                []any
}

type prop struct {
	p   *plan
	bit uint64
}

type sparseProp struct {
	name string
	prop
}

// compile turns every schema reachable from s into plans, once each.
func compile(s *jsonschema.Schema, memo map[*jsonschema.Schema]*plan) *plan {
	if s == nil {
		return nil
	}
	if p, ok := memo[s]; ok {
		return p
	}
	// A schema that is only a $ref (with annotations) is its target.
	if s.Ref != nil && pureRef(s) {
		p := compile(s.Ref, memo)
		memo[s] = p
		return p
	}
	p := &plan{s: s, known: known(s)}
	memo[s] = p
	if s.Types != nil {
		p.types = bitsOf(*s.Types)
	}
	if s.Minimum != nil {
		if s.Minimum.IsInt() && s.Minimum.Num().IsInt64() {
			p.min, p.hasMin = s.Minimum.Num().Int64(), true
		} else {
			p.minRat = true
		}
	}
	if s.Maximum != nil {
		if s.Maximum.IsInt() && s.Maximum.Num().IsInt64() {
			p.max, p.hasMax = s.Maximum.Num().Int64(), true
		} else {
			p.maxRat = true
		}
	}
	switch ap := s.AdditionalProperties.(type) {
	case bool:
		p.noExtra = !ap
	case *jsonschema.Schema:
		p.extra = compile(ap, memo)
	}
	props := map[string]prop{}
	for name, sub := range s.Properties {
		props[name] = prop{p: compile(sub, memo)}
	}
	p.manyReq = len(s.Required) > 64
	for i, name := range s.Required {
		if p.manyReq {
			break
		}
		bit := uint64(1) << i
		pr := props[name]
		pr.bit |= bit
		props[name] = pr
		p.required |= bit
	}
	p.props = newPropTable(props)
	if !p.noExtra && p.extra == nil && !p.manyReq && len(props) > 0 && len(props) <= 4 {
		for name, pr := range props {
			p.sparse = append(p.sparse, sparseProp{name, pr})
		}
		sort.Slice(p.sparse, func(i, j int) bool { return p.sparse[i].name < p.sparse[j].name })
	}
	p.object = len(props) > 0 || p.noExtra || p.extra != nil || p.required != 0 || p.manyReq
	p.str = s.MinLength != nil || s.Pattern != nil || s.Format != nil
	if s.Enum != nil {
		p.enum = s.Enum.Values
	}
	if s.Const != nil {
		p.enum = []any{*s.Const}
		if s.Enum != nil {
			p.known = false // both: rare enough to leave to the reference
		}
	}
	p.ref = compile(s.Ref, memo)
	p.items = compile(s.Items2020, memo)
	if f := nonEmptyFormat(s); f != nil {
		p.formatIfNonEmpty, p.str = f, true
	} else {
		p.ifP, p.thenP, p.elseP = compile(s.If, memo), compile(s.Then, memo), compile(s.Else, memo)
	}
	for _, sub := range s.AllOf {
		p.allOf = append(p.allOf, compile(sub, memo))
	}
	for _, sub := range s.AnyOf {
		p.anyOf = append(p.anyOf, compile(sub, memo))
	}
	for _, sub := range s.OneOf {
		p.oneOf = append(p.oneOf, compile(sub, memo))
	}
	return p
}

// nonEmptyFormat returns F when s's conditional is exactly {"if":
// {"minLength": 1}, "then": {"format": F}}, and nil otherwise.
func nonEmptyFormat(s *jsonschema.Schema) *jsonschema.Format {
	if s.If == nil || s.Then == nil || s.Else != nil {
		return nil
	}
	i, th := s.If, s.Then
	onlyMin := i.MinLength != nil && *i.MinLength == 1 && i.Format == nil && i.Pattern == nil && i.Types == nil && i.Ref == nil
	onlyFormat := th.Format != nil && th.MinLength == nil && th.Pattern == nil && th.Types == nil && th.Ref == nil
	if !onlyMin || !onlyFormat || !known(i) || !known(th) || !pureString(i) || !pureString(th) {
		return nil
	}
	return th.Format
}

// pureString reports whether s has no keyword but the string ones.
func pureString(s *jsonschema.Schema) bool {
	return s.Bool == nil && s.Enum == nil && s.Const == nil && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 &&
		s.If == nil && s.Then == nil && s.Else == nil && len(s.Required) == 0 && len(s.Properties) == 0 &&
		s.AdditionalProperties == nil && s.Items2020 == nil && s.Minimum == nil && s.Maximum == nil
}

// pureRef reports whether s says nothing but its $ref.
func pureRef(s *jsonschema.Schema) bool {
	return known(s) && s.Bool == nil && s.Types == nil && s.Enum == nil && s.Const == nil && len(s.AllOf) == 0 &&
		len(s.AnyOf) == 0 && len(s.OneOf) == 0 && s.If == nil && s.Then == nil && s.Else == nil && s.Format == nil &&
		len(s.Required) == 0 && len(s.Properties) == 0 && s.AdditionalProperties == nil && s.Items2020 == nil &&
		s.MinLength == nil && s.Pattern == nil && s.Minimum == nil && s.Maximum == nil
}

func known(s *jsonschema.Schema) bool {
	ok := s.Not == nil && s.RecursiveRef == nil && s.DynamicRef == nil && s.MaxProperties == nil && s.MinProperties == nil &&
		s.PropertyNames == nil && len(s.PatternProperties) == 0 && len(s.Dependencies) == 0 && len(s.DependentRequired) == 0 &&
		len(s.DependentSchemas) == 0 && s.UnevaluatedProperties == nil && s.MinItems == nil && s.MaxItems == nil &&
		!s.UniqueItems && s.Contains == nil && s.Items == nil && s.AdditionalItems == nil && len(s.PrefixItems) == 0 &&
		s.UnevaluatedItems == nil && s.MaxLength == nil && s.ContentEncoding == nil && s.ContentMediaType == nil &&
		s.ContentSchema == nil && s.ExclusiveMaximum == nil && s.ExclusiveMinimum == nil && s.MultipleOf == nil &&
		len(s.Extensions) == 0
	switch ap := s.AdditionalProperties.(type) {
	case nil, bool:
	case *jsonschema.Schema:
		ok = ok && ap != nil
	default:
		ok = false
	}
	return ok
}

// evalCtx is what eval carries down a document.
type evalCtx struct {
	strict bool
	// alt counts the alternatives (anyOf, oneOf, if) being tried: an
	// undocumented field there changes which one holds, which the fast path
	// leaves to the reference.
	alt int
	// unknown are the key tokens of undocumented fields, which the
	// reference reports without failing the document (unless strict).
	unknown []int32
}

// eval judges token k of t against p, as the reference validator would.
func (c *evalCtx) eval(t *tape, p *plan, k int32) result {
	if p == nil {
		return yes
	}
	if !p.known {
		return unsure
	}
	s := p.s
	if s.Bool != nil {
		if *s.Bool {
			return yes
		}
		return no
	}
	// r folds the checks, all of which must hold: one no makes the whole
	// no, an unsure makes it unsure unless a no comes.
	r := yes
	fold := func(x result) bool {
		switch {
		case x == no:
			r = no
		case x == unsure && r == yes:
			r = unsure
		}
		return r == no
	}
	if p.ref != nil && fold(c.eval(t, p.ref, k)) {
		return no
	}
	tk := t.toks[k]
	if p.types != 0 && fold(typeMatch(t, p.types, k)) {
		return no
	}
	if p.enum != nil && fold(enumMatch(t, p.enum, k)) {
		return no
	}
	switch tk.kind {
	case tObject:
		if p.object && fold(c.evalObject(t, p, k)) {
			return no
		}
	case tArray:
		if p.items != nil {
			for e := k + 1; e < tk.next; e = t.toks[e].next {
				if fold(c.eval(t, p.items, e)) {
					return no
				}
			}
		}
	case tString:
		if p.str {
			str, ok := t.text(k)
			if !ok {
				return unsure
			}
			// A rune is at most 4 bytes: a long enough string needs no count.
			if s.MinLength != nil && len(str) < 4**s.MinLength && utf8.RuneCountInString(str) < *s.MinLength {
				return no
			}
			if s.Pattern != nil && !s.Pattern.MatchString(str) {
				return no
			}
			if s.Format != nil && !plainFormat(s.Format.Name, str) && s.Format.Validate(str) != nil {
				return no
			}
			if f := p.formatIfNonEmpty; f != nil && str != "" && !plainFormat(f.Name, str) && f.Validate(str) != nil {
				return no
			}
		}
	case tNumber:
		if p.hasMin || p.hasMax || p.minRat || p.maxRat {
			if n, ok := t.int(k); ok && !p.minRat && !p.maxRat {
				if p.hasMin && n < p.min || p.hasMax && n > p.max {
					return no
				}
			} else {
				n, ok := new(big.Rat).SetString(string(t.raw(k)))
				if !ok {
					return unsure
				}
				if s.Minimum != nil && n.Cmp(s.Minimum) < 0 || s.Maximum != nil && n.Cmp(s.Maximum) > 0 {
					return no
				}
			}
		}
	}
	for _, sub := range p.allOf {
		if fold(c.eval(t, sub, k)) {
			return no
		}
	}
	if len(p.anyOf) > 0 {
		// One yes makes it yes; otherwise an unsure branch makes it unsure.
		some := no
		c.alt++
		for _, sub := range p.anyOf {
			switch c.eval(t, sub, k) {
			case yes:
				some = yes
			case unsure:
				if some == no {
					some = unsure
				}
			}
			if some == yes {
				break
			}
		}
		c.alt--
		if fold(some) {
			return no
		}
	}
	if len(p.oneOf) > 0 {
		matched, unsureSeen := 0, false
		c.alt++
		for _, sub := range p.oneOf {
			switch c.eval(t, sub, k) {
			case yes:
				matched++
			case unsure:
				unsureSeen = true
			}
		}
		c.alt--
		switch {
		case unsureSeen:
			fold(unsure)
		case matched != 1:
			return no
		}
	}
	if p.ifP != nil {
		c.alt++
		cond := c.eval(t, p.ifP, k)
		c.alt--
		switch cond {
		case yes:
			fold(c.eval(t, p.thenP, k))
		case no:
			fold(c.eval(t, p.elseP, k))
		default:
			fold(unsure)
		}
	}
	return r
}

func (c *evalCtx) evalObject(t *tape, p *plan, obj int32) result {
	r := yes
	if p.sparse != nil {
		for _, sp := range p.sparse {
			v := t.member(obj, sp.name)
			if v < 0 {
				if sp.bit != 0 {
					return no
				}
				continue
			}
			if x := c.eval(t, sp.p, v); x == no {
				return no
			} else if x == unsure {
				r = unsure
			}
		}
		return r
	}
	end := t.toks[obj].next
	if p.manyReq {
		for _, name := range p.s.Required {
			if t.member(obj, name) < 0 {
				return no
			}
		}
	}
	var found uint64
	for key := obj + 1; key < end; key = t.toks[key+1].next {
		if t.escaped(key) {
			return unsure
		}
		name := t.key(key)
		val := key + 1
		pr, ok := p.props.get(name)
		sub := pr.p
		found |= pr.bit
		switch {
		case ok:
		case p.noExtra && (c.strict || c.alt > 0):
			if c.alt > 0 && !c.strict {
				return unsure
			}
			return no
		case p.noExtra:
			// Undocumented: reported, not failed, and its value not checked.
			c.unknown = append(c.unknown, key)
			continue
		default:
			sub = p.extra
		}
		if x := c.eval(t, sub, val); x == no {
			return no
		} else if x == unsure {
			r = unsure
		}
	}
	if found&p.required != p.required {
		return no
	}
	return r
}

const (
	bitObject uint8 = 1 << iota
	bitArray
	bitString
	bitBoolean
	bitNull
	bitNumber
	bitInteger
)

// bitsOf spells a set of JSON Schema types as bits: the reference's Types
// is a bit set whose layout it keeps to itself.
func bitsOf(want jsonschema.Types) uint8 {
	var b uint8
	for _, n := range want.ToStrings() {
		b |= map[string]uint8{"object": bitObject, "array": bitArray, "string": bitString, "boolean": bitBoolean,
			"null": bitNull, "number": bitNumber, "integer": bitInteger}[n]
	}
	return b
}

func typeMatch(t *tape, bits uint8, k int32) result {
	tk := t.toks[k]
	var have uint8
	switch tk.kind {
	case tObject:
		have = bitObject
	case tArray:
		have = bitArray
	case tString:
		have = bitString
	case tTrue, tFalse:
		have = bitBoolean
	case tNull:
		have = bitNull
	case tNumber:
		have = bitNumber
	}
	if bits&have != 0 {
		return yes
	}
	if tk.kind == tNumber && bits&bitInteger != 0 {
		// Digits alone are an integer whatever their size, to the
		// reference as to JSON Schema (2^64 included).
		if tk.flags&integer != 0 {
			return yes
		}
		return unsure // 1.0 is an integer to JSON Schema; let the reference say
	}
	return no
}

// enumMatch compares token k with values decoded by the reference (strings,
// json.Number, booleans, nil).
func enumMatch(t *tape, values []any, k int32) result {
	tk := t.toks[k]
	r := no
	for _, v := range values {
		switch x := v.(type) {
		case string:
			if tk.kind == tString {
				s, ok := t.text(k)
				if !ok {
					return unsure
				}
				if s == x {
					return yes
				}
			}
		case bool:
			if x && tk.kind == tTrue || !x && tk.kind == tFalse {
				return yes
			}
		case nil:
			if tk.kind == tNull {
				return yes
			}
		default:
			if tk.kind == tNumber {
				want, ok1 := new(big.Rat).SetString(toString(x))
				got, ok2 := new(big.Rat).SetString(string(t.raw(k)))
				if !ok1 || !ok2 {
					r = unsure
				} else if want.Cmp(got) == 0 {
					return yes
				}
			}
		case map[string]any, []any:
			r = unsure
		}
	}
	return r
}

func toString(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

// plainURL reports whether s is an http or https URL so plain that the
// reference's uri format (url.Parse, absolute, no bare IPv6 host) surely
// accepts it: a host of letters, digits, dots and dashes, and a path of
// unreserved characters and slashes. Anything else goes to the reference's
// own check.
// plainFormat reports whether s is a plain value of the format named
// name, one that the reference's format check accepts, checked without its
// allocations. False says only "ask the reference".
func plainFormat(name, s string) bool {
	switch name {
	case "uri":
		return plainURL(s)
	case "email":
		return plainEmail(s)
	}
	return false
}

// plainEmail reports whether s is an address of letters, digits, dots,
// hyphens, underscores and plus signs, with a host name for its domain:
// a subset of what the reference's email format accepts.
func plainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if len(s) > 254 || at < 1 || at > 64 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '+') {
			return false
		}
	}
	return plainHost(domain)
}

// plainHost reports whether s is a host name of dot-separated labels, each
// of 1 to 63 letters, digits and inner hyphens, 253 bytes at most.
func plainHost(s string) bool {
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	label := 0 // the length of the label so far
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			label++
		case c == '-':
			if label == 0 || i+1 == len(s) || s[i+1] == '.' {
				return false
			}
			label++
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
		default:
			return false
		}
		if label > 63 {
			return false
		}
	}
	return label > 0
}

func plainURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	host, path, _ := strings.Cut(rest, "/")
	if host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '~' || c == '/') {
			return false
		}
	}
	return true
}
