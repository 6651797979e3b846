package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Options choose how documents are checked. The zero value detects each
// document's kind and profile and allows undocumented fields.
type Options struct {
	// Kind checks every document as this kind; "" detects each document's
	// kind as types.Detect does. types.KindWebhook reads every document as
	// a webhook delivery: one that is not an object with a trigger and a
	// data gets a webhook-envelope violation instead of a kind guess, and
	// REST envelopes are not unwrapped.
	Kind types.Kind
	// Trigger, a trigger of package webhook, reads every document as a
	// delivery of that trigger (it implies Kind webhook): one of another
	// trigger is a webhook-trigger violation, and one without a trigger is
	// read as this trigger's when it has a data object and no key of a
	// document of the model (category, uid, guid), with a webhook-envelope
	// violation for the missing trigger.
	Trigger string
	// Profile checks every document in this profile; "" detects it.
	Profile types.Profile
	// Strict makes undocumented fields violations (rule unknown-field).
	Strict bool
	// Pointer, a JSON Pointer such as /rawMessage, picks the document out of
	// each value read, instead of unwrapping REST envelopes.
	Pointer string
	// Workers is how many documents are checked at once; 0 means one per
	// core.
	Workers int
	// Custom holds a team's schemas for customData and metadata (see
	// LoadCustomSchemas); nil checks those free-form parts for nothing but
	// being objects.
	Custom *CustomSchemas
	// Coverage counts, over every document Stream checks, which documented
	// fields, enum values and category/type pairs were seen, and which
	// undocumented fields: Validator.Coverage returns it.
	Coverage bool
	// MaxDocumentBytes bounds one document read by Stream
	// (DefaultMaxDocumentBytes when 0, at most MaxDocumentBytesLimit): a
	// larger one gets a verdict of rule size, unchecked, and the reading
	// goes on after it. The elements of a top-level array or of a REST
	// envelope's data are documents of their own.
	MaxDocumentBytes int
	// Disable lists rule ids whose violations Stream suppresses, and
	// Ignore the suppressions of known drifts by rule, kind and pointer
	// pattern; a suppressed violation moves to Verdict.Suppressed.
	Disable []string
	Ignore  []Suppression
	// ReferenceOnly checks every document on the reference path alone:
	// parsed into an any tree and checked by the generic schema validator.
	// The fast path gives the same verdicts, faster; turning it off, here or
	// with CCCONFORM_FAST_PATH=off, is for comparing the two.
	ReferenceOnly bool
}

// Validator checks documents against the model. It is safe for concurrent
// use.
type Validator struct {
	opts Options
	// schemas holds each kind's compiled schema and the fast path's plan
	// of it, by profile and kind, each made the first time a document
	// needs it: a run of rest text messages compiles nothing else.
	schemas [numProfiles][numKinds]lazySchema
	set     *schema.Set
	planMu  sync.Mutex // guards memo
	memo    map[*jsonschema.Schema]*plan
	paths   pathCounts
	cov     *Coverage // nil unless Options.Coverage
	// suppress silences what Options.Disable and Options.Ignore name.
	suppress suppressions
}

// Coverage returns what the documents checked so far held, against the
// model, or nil unless Options.Coverage was set.
func (v *Validator) Coverage() *Coverage { return v.cov }

// observe counts a checked document for coverage.
func (v *Validator) observe(doc []byte, vd *Verdict) {
	if v.cov != nil {
		v.cov.Add(doc, *vd)
	}
}

// pathCounts counts which path decided each document.
type pathCounts struct {
	fast, reference, referenceValid atomic.Int64
}

// PathStats says which path decided the documents a Validator checked:
// how many the fast path decided alone, and how many went to the reference,
// of which how many the reference found valid (documents that took the slow
// path needlessly).
type PathStats struct {
	Fast, Reference, ReferenceValid int64
}

// PathStats returns the counts so far.
func (v *Validator) PathStats() PathStats {
	return PathStats{Fast: v.paths.fast.Load(), Reference: v.paths.reference.Load(), ReferenceValid: v.paths.referenceValid.Load()}
}

// kindSchema is one kind's schema in one profile, as each path uses it.
type kindSchema struct {
	s *jsonschema.Schema
	p *plan
}

// lazySchema is a kindSchema made once, when first asked for.
type lazySchema struct {
	once sync.Once
	ks   kindSchema
}

// numProfiles and numKinds size the table of schemas: the model's
// profiles and kinds, as types lists them.
const (
	numProfiles = 3
	numKinds    = 9
)

// profileIndex and kindIndex place a profile and a kind in the table of
// schemas: a switch, where a map of maps cost two lookups for every
// document.
func profileIndex(p types.Profile) int {
	switch p {
	case types.ProfileREST:
		return 0
	case types.ProfileSDK:
		return 1
	case types.ProfileDocs:
		return 2
	}
	return -1
}

func kindIndex(k types.Kind) int {
	switch k {
	case types.KindUser:
		return 0
	case types.KindGroup:
		return 1
	case types.KindGroupMember:
		return 2
	case types.KindTextMessage:
		return 3
	case types.KindMediaMessage:
		return 4
	case types.KindCustomMessage:
		return 5
	case types.KindAction:
		return 6
	case types.KindCall:
		return 7
	case types.KindConversation:
		return 8
	}
	return -1 // no schema: a kind outside the model is a bug of the caller
}

// schemaOf returns kind k's schema in profile p.
func (v *Validator) schemaOf(p types.Profile, k types.Kind) kindSchema {
	l := &v.schemas[profileIndex(p)][kindIndex(k)]
	l.once.Do(func() {
		s := v.set.Schema(p, string(k))
		v.planMu.Lock()
		defer v.planMu.Unlock()
		l.ks = kindSchema{s: s, p: compile(s, v.memo)}
	})
	return l.ks
}

// New returns a Validator with the given options, or an error that names a
// bad option.
func New(opts Options) (*Validator, error) {
	if opts.Trigger != "" {
		if opts.Kind != "" && opts.Kind != types.KindWebhook {
			return nil, fmt.Errorf("trigger %q names a webhook delivery, but the kind is %s: give kind webhook, or no kind", opts.Trigger, opts.Kind)
		}
		if _, err := webhook.Parse(opts.Trigger); err != nil {
			return nil, err
		}
		opts.Kind = types.KindWebhook
	}
	if opts.Kind != "" && opts.Kind != types.KindWebhook {
		if _, err := types.ParseKind(string(opts.Kind)); err != nil {
			return nil, err
		}
	}
	if opts.Profile != "" {
		if _, err := types.ParseProfile(string(opts.Profile)); err != nil {
			return nil, err
		}
	}
	if opts.Pointer != "" && !strings.HasPrefix(opts.Pointer, "/") {
		return nil, fmt.Errorf("pointer %q is not a JSON Pointer: it starts with /, as in /rawMessage", opts.Pointer)
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case opts.MaxDocumentBytes == 0:
		opts.MaxDocumentBytes = DefaultMaxDocumentBytes
	case opts.MaxDocumentBytes < 0 || opts.MaxDocumentBytes > MaxDocumentBytesLimit:
		return nil, fmt.Errorf("the document size limit %d is out of range: give 1 to %d bytes", opts.MaxDocumentBytes, MaxDocumentBytesLimit)
	}
	suppress, err := newSuppressions(opts.Disable, opts.Ignore)
	if err != nil {
		return nil, err
	}
	set, err := schema.Compiled()
	if err != nil {
		return nil, err
	}
	val := &Validator{opts: opts, set: set, memo: map[*jsonschema.Schema]*plan{}, suppress: suppress}
	if opts.Coverage {
		if val.cov, err = NewCoverage(); err != nil {
			return nil, err
		}
	}
	return val, nil
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// Check checks one JSON document as it is: no envelope is unwrapped and no
// pointer applied. The verdict's Location is left for the caller to fill.
func (v *Validator) Check(data []byte) Verdict {
	vd := Verdict{Location: Location{Index: -1}}
	data = bytes.TrimSpace(bytes.TrimPrefix(data, bom))
	if len(data) == 0 {
		vd.Violations = []Violation{{Rule: RuleJSON, Message: "empty document: expected a JSON object"}}
		return vd
	}
	t := tapes.Get().(*tape)
	defer t.release()
	if !t.parse(data) {
		t = nil
	}
	return v.checkParsed(data, t)
}

// checkParsed checks data, trimmed, which t holds when the tape could read
// it (else t is nil): on the fast path, and on the reference path when the
// fast path gives up.
func (v *Validator) checkParsed(data []byte, t *tape) Verdict {
	if t != nil && t.depth > MaxDocumentDepth {
		if d := t.checkedDepth(0, 0); d > MaxDocumentDepth {
			return tooDeep(d)
		}
	}
	// A webhook delivery has none of the keys that tell a kind: it is
	// looked for only once detection has failed, off the path of the
	// documents of the model.
	webhook := func(detected types.Kind) bool {
		return t != nil && detected == "" && v.opts.Kind == "" && isWebhook(t)
	}
	if v.opts.Kind == types.KindWebhook {
		return v.forcedWebhook(data, t)
	}
	var vd Verdict
	if t == nil || v.opts.ReferenceOnly || fastOff {
		if webhook("") {
			return v.checkWebhook(t)
		}
		vd = v.reference(data, hint{})
	} else {
		fast, ok := v.fastCheckTape(t)
		if ok {
			v.paths.fast.Add(1)
			return fast
		}
		if webhook(fast.Kind) {
			return v.checkWebhook(t)
		}
		vd = v.reference(data, hint{kind: fast.Kind, profile: fast.Profile, tape: t})
	}
	v.paths.reference.Add(1)
	if vd.OK() {
		v.paths.referenceValid.Add(1)
	}
	return vd
}

// MaxDocumentDepth is how deeply a document may nest its objects and arrays
// outside free-form values (metadata, customData, an SDK object's rawMessage
// and quotedMessage, which are parsed but not walked). The model's deepest
// documents (a conversation whose last message is an SDK action about a
// message) nest about 13 levels; a document nested deeper is not checked,
// as checking messages nested in messages costs the square of their depth.
const MaxDocumentDepth = 128

// tooDeep is the verdict of a document nested depth levels deep.
func tooDeep(depth int) Verdict {
	return Verdict{Location: Location{Index: -1}, Violations: []Violation{{Rule: RuleSize,
		Message: fmt.Sprintf("nested at least %d levels deep, past the limit of %d: no document of the model nests so deep; it was not checked", depth, MaxDocumentDepth)}}}
}

// depthOf returns how deeply v nests, counting from depth, and stops
// counting past MaxDocumentDepth.
func depthOf(v any, depth int) int {
	if depth > MaxDocumentDepth {
		return depth
	}
	deepest := depth
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !freeForm([]byte(k)) {
				deepest = max(deepest, depthOf(e, depth+1))
			}
		}
		return max(deepest, depth+1)
	case []any:
		for _, e := range x {
			deepest = max(deepest, depthOf(e, depth+1))
		}
		return max(deepest, depth+1)
	}
	return deepest
}

// hint is what the fast path learnt of a document it gave up on: what it
// detected, and its tape (the same rules and the same bytes, not worth a
// second parse).
type hint struct {
	kind    types.Kind
	profile types.Profile
	tape    *tape
}

// reference checks data, trimmed, on the reference path: as an any tree,
// by the schema validator and the rules.
func (v *Validator) reference(data []byte, detected hint) Verdict {
	vd := Verdict{Location: Location{Index: -1}}
	if !utf8.Valid(data) {
		vd.Violations = append(vd.Violations, Violation{Rule: RuleJSON,
			Message: fmt.Sprintf("invalid UTF-8 at byte %d: JSON text must be UTF-8", invalidUTF8(data))})
	}
	// The any tree the schema validator checks: from the fast path's tape
	// when it read the document, else parsed anew.
	var inst any
	parsed := false
	if detected.tape != nil {
		inst, parsed = detected.tape.any(0)
	}
	if !parsed {
		var err error
		if inst, err = jsonschema.UnmarshalJSON(bytes.NewReader(data)); err != nil {
			vd.Violations = append(vd.Violations, syntaxViolation(data, err))
			return vd
		}
	}
	// A tape measured the raw depth, which the checked depth never
	// passes: the tree is walked only when that is past the limit.
	if detected.tape == nil || detected.tape.depth > MaxDocumentDepth {
		if d := depthOf(inst, 0); d > MaxDocumentDepth {
			vd.Violations = tooDeep(d).Violations
			return vd
		}
	}
	m, ok := inst.(map[string]any)
	if !ok {
		vd.Violations = append(vd.Violations, Violation{Rule: RuleType, Expected: "object", Actual: jsonType(inst),
			Message: fmt.Sprintf("the document is %s; expected a JSON object", article(jsonType(inst)))})
		return vd
	}
	for _, p := range duplicateKeys(data, detected.tape) {
		vd.Violations = append(vd.Violations, Violation{Pointer: p, Rule: RuleDuplicateKey,
			Message: "key appears twice in its object; parsers disagree on which value counts, so remove one"})
	}

	vd.Kind, vd.Profile = v.opts.Kind, v.opts.Profile
	if vd.Kind == types.KindWebhook {
		vd.Kind = "" // an entity of a delivery: told by what it is
	}
	if detected.kind != "" {
		vd.Kind, vd.Profile = detected.kind, detected.profile
	}
	if vd.Kind == "" {
		k, p, err := types.Detect(data)
		if err != nil {
			var de *types.DecodeError
			msg, at := err.Error(), ""
			if errors.As(err, &de) {
				msg, at = de.Msg, de.Path
			}
			vd.Violations = append(vd.Violations, Violation{Pointer: at, Rule: RuleKind, Message: shortenQuoted(msg)})
			vd.Violations = sortViolations(vd.Violations)
			return vd
		}
		vd.Kind = k
		if vd.Profile == "" {
			vd.Profile = p
		}
	}
	if vd.Profile == "" {
		vd.Profile = types.DetectProfile(data, vd.Kind)
	}

	// The tape reads a repeated key's first value, the any tree its last:
	// the rules read the tape only when no key repeats.
	t := detected.tape
	if t != nil && t.hasDuplicateKeys() {
		t = nil
	}
	found, undocumented := v.against(inst, m, t, vd.Kind, vd.Profile)
	// A user, group, member or conversation without a field only one
	// profile has looks the same in several; when detected, check it
	// against the other profiles too and keep the one it fits best (a REST
	// password group carries no password, a docs one does).
	if v.opts.Profile == "" && !vd.Kind.IsMessage() && len(found) > 0 && !sameInEveryProfile(found) {
		for _, p := range others(vd.Profile) {
			if f2, u2 := v.against(inst, m, t, vd.Kind, p); len(f2) < len(found) {
				found, undocumented, vd.Profile = f2, u2, p
			}
		}
	}
	found = append(found, v.opts.Custom.check(m, vd.Kind)...)
	// The schema validator reports sibling faults in no fixed order.
	sort.Strings(undocumented)
	vd.Undocumented = undocumented
	vd.Violations = sortViolations(append(vd.Violations, found...))
	return vd
}

// sameInEveryProfile reports whether every violation of vs is one that
// any profile would report the same way (the timestamp rules read every
// timestamp, whatever the profile): then no other profile fits better.
func sameInEveryProfile(vs []Violation) bool {
	for _, x := range vs {
		if x.Rule != "timestamp-unit" && x.Rule != "timestamp-order" {
			return false
		}
	}
	return true
}

// others returns the profiles that are not p, the wire first: a user, group
// or member that fits several is told by what servers send before what the
// SDKs or the documentation show.
func others(p types.Profile) []types.Profile { return otherProfiles[p] }

var otherProfiles = func() map[types.Profile][]types.Profile {
	m := map[types.Profile][]types.Profile{}
	for _, p := range append(types.Profiles(), "") {
		for _, q := range []types.Profile{types.ProfileREST, types.ProfileSDK, types.ProfileDocs} {
			if q != p {
				m[p] = append(m[p], q)
			}
		}
	}
	return m
}()

// against checks a parsed document as kind k in profile p: its schema, then
// the cross-field rules.
func (v *Validator) against(inst any, m map[string]any, t *tape, k types.Kind, p types.Profile) ([]Violation, []string) {
	sv, undocumented := schemaViolations(v.schemaOf(p, k).s.Validate(inst), v.opts.Strict)
	sv = dropWrongBranches(sv)
	// The rules read the tape when there is one: when they are sure that
	// none fires there, none fires on the any tree either (the fast path
	// rests on the same fact), and the tape is cheaper to read.
	if t != nil && quietOn(t, k, p) {
		return sv, undocumented
	}
	d := &doc{m: m, kind: k, profile: p}
	var rv []Violation
	for _, r := range rules {
		rv = append(rv, r.check(d)...)
	}
	// One fault, one violation. A category/type pair the kind does not
	// allow is reported by the rule that names the pair, not also by the
	// schema's enum; a rule does not compare a value that is already
	// rejected; and of the rules that fault one value, the first speaks.
	rejected := map[string]bool{}
	for _, r := range rv {
		switch {
		case r.Rule == "category-type":
			sv = dropAt(sv, r.Pointer)
			rejected[r.Pointer] = true
		case r.Rule == "message-action" && strings.HasSuffix(r.Pointer, "/entityType"):
			// An edit's entity wrapped as a user: what the user's schema
			// says of the message is noise.
			sv = dropUnder(sv, strings.TrimSuffix(r.Pointer, "entityType")+"entity/")
		case r.Rule == "message-action" && strings.HasSuffix(r.Pointer, "/deletedAt") && r.Actual == "missing":
			// A deleted message without its deletedAt: the schema then
			// asks for the text that a deleted message has not.
			sv = dropAt(sv, strings.TrimSuffix(r.Pointer, "deletedAt")+"data/text")
		}
	}
	for _, s := range sv {
		if s.Rule != RuleUnknownField {
			rejected[s.Pointer] = true
		}
	}
	seen := map[string]bool{}
	kept := rv[:0]
	for _, r := range rv {
		if r.Rule == "category-type" || !within(rejected, r.Pointer) && !within(rejected, r.related) && !seen[r.Pointer] {
			kept = append(kept, r)
			seen[r.Pointer] = true
		}
	}
	rv = kept
	return append(sv, rv...), undocumented
}

// within reports whether pointer p, or a value that contains it, is in set.
func within(set map[string]bool, p string) bool {
	for {
		if set[p] {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

// dropWrongBranches drops what an entity's schema says when the entityType
// that chose that schema is itself rejected: checked against the wrong
// schema, the entity's faults are noise.
func dropWrongBranches(vs []Violation) []Violation {
	var wrong []string
	for _, v := range vs {
		if v.Rule == RuleEnum && strings.HasSuffix(v.Pointer, "/entityType") {
			wrong = append(wrong, strings.TrimSuffix(v.Pointer, "entityType")+"entity/")
		}
	}
	if len(wrong) == 0 {
		return vs
	}
	out := vs[:0]
outer:
	for _, v := range vs {
		for _, w := range wrong {
			if strings.HasPrefix(v.Pointer, w) {
				continue outer
			}
		}
		out = append(out, v)
	}
	return out
}

func dropUnder(vs []Violation, prefix string) []Violation {
	out := vs[:0]
	for _, v := range vs {
		if !strings.HasPrefix(v.Pointer, prefix) {
			out = append(out, v)
		}
	}
	return out
}

func dropAt(vs []Violation, pointer string) []Violation {
	out := vs[:0]
	for _, v := range vs {
		if v.Pointer != pointer {
			out = append(out, v)
		}
	}
	return out
}

// syntaxViolation describes a JSON syntax error in data with its line and
// column.
func syntaxViolation(data []byte, err error) Violation {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(data, syn.Offset)
		if !bytes.Contains(data, []byte{'\n'}) {
			return Violation{Rule: RuleJSON, Message: fmt.Sprintf("malformed JSON at column %d: %s", col, syn.Error())}
		}
		return Violation{Rule: RuleJSON, Message: fmt.Sprintf("malformed JSON at line %d of the document, column %d: %s", line, col, syn.Error())}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return Violation{Rule: RuleJSON, Message: "truncated JSON: the document ends inside a value"}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.Contains(msg, "after top-level value") {
		msg = "more than one JSON value in one document: " + msg + "; put one document per line (NDJSON) or wrap them in an array"
	}
	return Violation{Rule: RuleJSON, Message: "malformed JSON: " + msg}
}

// lineCol gives the 1-based line and column of byte offset off in data.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n') - 1
	return line, col
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func article(t string) string {
	switch t {
	case "object", "array":
		return "an " + t
	case "null":
		return t
	}
	return "a " + t
}
