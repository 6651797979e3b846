package validate

import (
	"bytes"
	"cmp"
	"container/heap"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ccconform/ccconform/schema"
	"github.com/ccconform/ccconform/types"
	"github.com/ccconform/ccconform/webhook"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Coverage counts what the documents of a run held, against what the model
// documents: a clean run says nothing of what was never seen. It is safe for
// concurrent use; Validator.Coverage returns the one a validator fills when
// Options.Coverage is set.
//
// What it counts merges (CoverageReport.Merge): every bound keeps the least
// entries by an order of the entries themselves, and every first place is
// the least location (Location.Compare), so that the report of a run does
// not depend on the order in which workers counted its documents.
type Coverage struct {
	mu    sync.Mutex
	model *coverageModel
	t     *tally
}

// scope names what a KindCoverage counts: the documents of a kind in a
// profile, or (in "webhook") the entities of that kind inside webhook
// deliveries.
type scope struct {
	kind    types.Kind
	profile types.Profile
	in      string
}

// InWebhook is KindCoverage.In for the entities inside webhook deliveries.
const InWebhook = "webhook"

// tally is what a Coverage counted, in the form both Add and Merge update:
// a report is rendered from it, and read back into it to merge.
type tally struct {
	unknown int
	// docs counts documents (or entities in deliveries) by scope.
	docs map[scope]int
	// fields counts, by scope, the documents that had each documented
	// field (a JSON Pointer, * for any array element).
	fields map[scope]map[string]int
	// enums counts, by scope and field, each value seen: the documented
	// ones and at most maxOtherValues others, the least by name; the rest
	// under OtherValues.
	enums map[scope]map[string]map[string]int
	// pairs counts messages by category/type: the pairs the model allows,
	// and at most maxPairs others, the least by name; the rest under
	// OtherValues.
	pairs map[string]int
	// triggers counts webhook deliveries by trigger: the registry's, and at
	// most maxOtherValues others, the least by name; the rest under
	// OtherValues.
	triggers map[string]int
	// parts counts, by trigger, part and kind, the entities a part of a
	// delivery held, and how many had each documented field. Only the
	// registry's triggers have parts, so it is bounded by the registry.
	parts map[partKey]*partCount
	// drift counts undocumented fields by scope and path, with the least
	// place each was seen: at most MaxUndocumentedPaths entries in all, the
	// least by (path, scope); driftOther counts the rest by scope.
	drift      map[driftKey]*driftSeen
	driftMax   driftHeap
	driftOther map[scope]int
}

func newTally() *tally {
	return &tally{docs: map[scope]int{}, fields: map[scope]map[string]int{}, enums: map[scope]map[string]map[string]int{},
		pairs: map[string]int{}, triggers: map[string]int{}, parts: map[partKey]*partCount{}, drift: map[driftKey]*driftSeen{}, driftOther: map[scope]int{}}
}

// partKey names one part of one trigger, and the kind of the entities
// counted there (a part of any message holds many kinds).
type partKey struct {
	trigger string
	part    int // index in the trigger's Parts
	kind    types.Kind
}

// partCount is what one part of one trigger held: n entities, and how many
// had each documented field.
type partCount struct {
	n      int
	fields map[string]int
}

// addPart returns the counts of k, made empty the first time.
func (t *tally) addPart(k partKey) *partCount {
	pc := t.parts[k]
	if pc == nil {
		pc = &partCount{fields: map[string]int{}}
		t.parts[k] = pc
	}
	return pc
}

// MaxUndocumentedPaths bounds the undocumented fields a Coverage lists. Past
// this many distinct paths in a run, it keeps the least paths (by path, then
// kind and profile) and counts the others in KindCoverage.UndocumentedOther,
// so that documents with ever new keys take bounded memory and the list is
// the same however the run is split. Paths are kept cut short
// (ShortenPointer).
const MaxUndocumentedPaths = 10000

// OtherValues is the name under which coverage counts, once an enum field
// has been seen with 100 values the model does not list (or messages with
// 1,000 category/type pairs it does not allow, or deliveries with 100
// triggers outside the registry), the values past them: the least by name
// are kept, the others counted, not kept.
const OtherValues = "(other values)"

const (
	maxOtherValues = 100
	maxPairs       = 1000
)

// maxDriftPointer bounds the bytes of a path kept for an undocumented
// field, after each key in it is cut short.
const maxDriftPointer = 512

// driftKey is one undocumented path of one scope.
type driftKey struct {
	pointer string
	scope   scope
}

// less orders drift entries: by path, then by scope.
func (a driftKey) less(b driftKey) bool {
	if a.pointer != b.pointer {
		return a.pointer < b.pointer
	}
	return a.scope.less(b.scope)
}

func (a scope) less(b scope) bool {
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	if a.profile != b.profile {
		return a.profile < b.profile
	}
	return a.in < b.in
}

// driftSeen is an undocumented path: how often, and its least place.
type driftSeen struct {
	key    driftKey
	n      int
	first  Location
	sample string
	index  int // in tally.driftMax
}

// earlier reports whether the place (l, sample) comes before d's.
func (d *driftSeen) earlier(l Location, sample string) bool {
	if c := l.Compare(d.first); c != 0 {
		return c < 0
	}
	return sample < d.sample
}

// driftHeap is the kept drift entries with the greatest key on top: the one
// to let go when a lesser path comes.
type driftHeap []*driftSeen

func (h driftHeap) Len() int           { return len(h) }
func (h driftHeap) Less(i, j int) bool { return h[j].key.less(h[i].key) }
func (h driftHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *driftHeap) Push(x any) {
	d := x.(*driftSeen)
	d.index = len(*h)
	*h = append(*h, d)
}
func (h *driftHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return d
}

// addDrift counts n sightings of the undocumented path k, the least at
// first (shown as sample), keeping the bound.
func (t *tally) addDrift(k driftKey, n int, first Location, sample string) {
	if d := t.drift[k]; d != nil {
		d.n += n
		if d.earlier(first, sample) {
			d.first, d.sample = first, sample
		}
		return
	}
	if len(t.driftMax) >= MaxUndocumentedPaths {
		top := t.driftMax[0]
		if !k.less(top.key) {
			t.driftOther[k.scope] += n
			return
		}
		heap.Pop(&t.driftMax)
		delete(t.drift, top.key)
		t.driftOther[top.key.scope] += top.n
	}
	d := &driftSeen{key: k, n: n, first: first, sample: sample}
	t.drift[k] = d
	heap.Push(&t.driftMax, d)
}

// addCapped counts n of name in m, where names for which documented is
// false are kept up to max of them, the least by name, and the rest are
// counted under OtherValues.
func addCapped(m map[string]int, name string, n, max int, documented func(string) bool) {
	if _, ok := m[name]; ok || name == OtherValues || documented(name) {
		m[name] += n
		return
	}
	others, greatest := 0, ""
	for v := range m {
		if v != OtherValues && !documented(v) {
			others++
			if v > greatest {
				greatest = v
			}
		}
	}
	if others < max {
		m[name] += n
		return
	}
	if name > greatest {
		m[OtherValues] += n
		return
	}
	m[OtherValues] += m[greatest]
	delete(m, greatest)
	m[name] += n
}

// fieldSet is the documented fields of one kind in one profile.
type fieldSet struct {
	fields   map[string]bool     // pointer: required
	enums    map[string][]string // pointer: its values
	freeForm map[string]bool     // pointers whose members the model leaves open
	order    []string            // the fields in a stable order
	schemaOf map[string]*jsonschema.Schema
}

// coverageModel is what coverage counts against: the documented fields of
// every kind in every profile, the category/type pairs the model allows and
// the webhook triggers of the registry. It is made once.
type coverageModel struct {
	sets     map[string]*fieldSet // by kind/profile
	pairs    []string             // allowed category/type pairs, sorted
	pairSet  map[string]bool
	triggers []string // the registry's triggers whose data is the model's, in its order
	registry map[string]bool
	// trigRank orders the registry's triggers of the model, kindRank the
	// kinds, as reports list parts.
	trigRank  map[string]int
	kindRank  map[types.Kind]int
	scopes    []scope // every scope, in the reports' order
	scopeRank map[scope]int
}

var theModel = sync.OnceValues(func() (*coverageModel, error) {
	set, err := schema.Compiled()
	if err != nil {
		return nil, err
	}
	m := &coverageModel{sets: map[string]*fieldSet{}, pairSet: map[string]bool{}, registry: map[string]bool{}, scopeRank: map[scope]int{},
		trigRank: map[string]int{}, kindRank: map[types.Kind]int{}}
	for i, k := range types.Kinds() {
		m.kindRank[k] = i
	}
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
			m.sets[kp(k, p)] = fs
		}
	}
	for _, in := range []string{"", InWebhook} {
		for _, p := range types.Profiles() {
			for _, k := range types.Kinds() {
				m.scopeRank[scope{k, p, in}] = len(m.scopes)
				m.scopes = append(m.scopes, scope{k, p, in})
			}
		}
	}
	for _, k := range types.Kinds() {
		for cat, typs := range allowedPairs[k] {
			for _, t := range typs {
				m.pairs = append(m.pairs, cat+"/"+t)
				m.pairSet[cat+"/"+t] = true
			}
		}
	}
	sort.Strings(m.pairs)
	m.pairs = slices.Compact(m.pairs)
	for _, t := range webhook.Triggers() {
		m.registry[t.Name] = true
		if t.Model() {
			m.trigRank[t.Name] = len(m.triggers)
			m.triggers = append(m.triggers, t.Name)
		}
	}
	return m, nil
})

// NewCoverage returns an empty Coverage over the model's schemas.
func NewCoverage() (*Coverage, error) {
	m, err := theModel()
	if err != nil {
		return nil, err
	}
	return &Coverage{model: m, t: newTally()}, nil
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
// A webhook delivery counts its trigger, and each entity of the model it
// carries twice: under its trigger and part (CoverageReport.Parts), and
// under its kind in the rest profile, in the scope InWebhook.
func (c *Coverage) Add(raw []byte, vd Verdict) {
	if vd.Kind == types.KindWebhook {
		c.addWebhook(raw, vd)
		return
	}
	fs := c.model.sets[kp(vd.Kind, vd.Profile)]
	if vd.Kind == "" || vd.Profile == "" || fs == nil {
		c.mu.Lock()
		c.t.unknown++
		c.mu.Unlock()
		return
	}
	doc := decodeAny(raw)
	seen, values := fs.observe(doc)
	sc := scope{vd.Kind, vd.Profile, ""}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t.count(sc, fs, seen, values)
	if vd.Kind.IsMessage() {
		c.t.addPair(c.model, doc)
	}
	for _, p := range vd.Undocumented {
		c.t.addDrift(driftKey{driftPointer(p), sc}, 1, vd.Location, vd.Location.String()+" "+driftSample(p))
	}
}

// entity is one entity of the model inside a delivery.
type entity struct {
	at   string // its pointer in the delivery
	part int    // the index of its part in the trigger's Parts
	doc  any
	fs   *fieldSet
	sc   scope
}

// addWebhook counts a delivery: its trigger, and the entities of the
// model its trigger's parts name, each under its kind.
func (c *Coverage) addWebhook(raw []byte, vd Verdict) {
	tr, known := webhook.Lookup(vd.Trigger)
	var ents []entity
	var doc any
	if known && tr.Model() {
		doc = decodeAny(raw)
		for i, part := range tr.Parts {
			ents = c.model.entities(ents, doc, part, i)
		}
	}
	type observed struct {
		seen   map[string]bool
		values map[string]string
	}
	obs := make([]observed, len(ents))
	for i, e := range ents {
		obs[i].seen, obs[i].values = e.fs.observe(e.doc)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if vd.Trigger != "" {
		addCapped(c.t.triggers, Shorten(vd.Trigger), 1, maxOtherValues, func(t string) bool { return c.model.registry[t] })
	}
	for i, e := range ents {
		c.t.count(e.sc, e.fs, obs[i].seen, obs[i].values)
		pc := c.t.addPart(partKey{tr.Name, e.part, e.sc.kind})
		pc.n++
		for p := range obs[i].seen {
			pc.fields[p]++
		}
		if e.sc.kind.IsMessage() {
			c.t.addPair(c.model, e.doc)
		}
	}
	for _, p := range vd.Undocumented {
		// The entity whose pointer is the longest prefix of p holds it.
		best := -1
		for i, e := range ents {
			if strings.HasPrefix(p, e.at+"/") && (best < 0 || len(e.at) > len(ents[best].at)) {
				best = i
			}
		}
		sc, rel := scope{types.KindWebhook, types.ProfileREST, InWebhook}, p
		if best >= 0 {
			sc, rel = ents[best].sc, p[len(ents[best].at):]
		}
		c.t.addDrift(driftKey{driftPointer(rel), sc}, 1, vd.Location, vd.Location.String()+" "+driftSample(p))
	}
}

// entities appends the entities that part (the trigger's index-th) names
// in the delivery doc.
func (m *coverageModel) entities(out []entity, doc any, part webhook.Part, index int) []entity {
	segs := strings.Split(strings.TrimPrefix(part.Pointer, "/"), "/")
	var walk func(v any, at string, segs []string)
	walk = func(v any, at string, segs []string) {
		if len(segs) == 0 {
			obj, ok := v.(map[string]any)
			if !ok {
				return
			}
			k := part.Kind
			if k == "" {
				k = messageKindOf(obj)
			}
			if fs := m.sets[kp(k, types.ProfileREST)]; fs != nil {
				out = append(out, entity{at: at, part: index, doc: obj, fs: fs, sc: scope{k, types.ProfileREST, InWebhook}})
			}
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if segs[0] == "*" {
				for _, name := range slices.Sorted(maps.Keys(x)) {
					walk(x[name], at+"/"+escape(name), segs[1:])
				}
				return
			}
			if sub, ok := x[segs[0]]; ok {
				walk(sub, at+"/"+segs[0], segs[1:])
			}
		case []any:
			if segs[0] == "*" {
				for i, sub := range x {
					walk(sub, at+"/"+strconv.Itoa(i), segs[1:])
				}
			}
		}
	}
	walk(doc, "", segs)
	return out
}

// messageKindOf tells a message's kind by its category and type, as
// types.Detect does, or "" when it is not a message.
func messageKindOf(m map[string]any) types.Kind {
	cat, _ := m["category"].(string)
	typ, _ := m["type"].(string)
	switch types.Category(cat) {
	case types.CategoryAction:
		return types.KindAction
	case types.CategoryCall:
		return types.KindCall
	case types.CategoryCustom:
		return types.KindCustomMessage
	case types.CategoryMessage:
		switch types.MessageType(typ) {
		case types.MessageText:
			return types.KindTextMessage
		case types.MessageCustom:
			return types.KindCustomMessage
		case "":
			return ""
		}
		return types.KindMediaMessage
	}
	return ""
}

// decodeAny reads raw with numbers as written, or gives nil.
func decodeAny(raw []byte) any {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return nil
	}
	return doc
}

// observe returns the documented fields doc has, and the value of each
// enum field.
func (fs *fieldSet) observe(doc any) (map[string]bool, map[string]string) {
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
	return seen, values
}

// count counts one document of scope sc.
func (t *tally) count(sc scope, fs *fieldSet, seen map[string]bool, values map[string]string) {
	t.docs[sc]++
	if t.fields[sc] == nil {
		t.fields[sc] = map[string]int{}
		t.enums[sc] = map[string]map[string]int{}
	}
	for p := range seen {
		t.fields[sc][p]++
	}
	for p, v := range values {
		t.addEnum(sc, fs, p, v, 1)
	}
}

// addEnum counts n documents with value v of enum field p.
func (t *tally) addEnum(sc scope, fs *fieldSet, p, v string, n int) {
	if t.enums[sc] == nil {
		t.enums[sc] = map[string]map[string]int{}
	}
	seen := t.enums[sc][p]
	if seen == nil {
		seen = map[string]int{}
		t.enums[sc][p] = seen
	}
	addCapped(seen, v, n, maxOtherValues, func(v string) bool { return slices.Contains(fs.enums[p], v) })
}

// addPair counts the category/type pair of the message doc.
func (t *tally) addPair(m *coverageModel, doc any) {
	if obj, ok := doc.(map[string]any); ok {
		cat, _ := obj["category"].(string)
		typ, _ := obj["type"].(string)
		addCapped(t.pairs, Shorten(cat)+"/"+Shorten(typ), 1, maxPairs, func(p string) bool { return m.pairSet[p] })
	}
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

// CoverageReport is what a Coverage counted, with what was never seen. Two
// reports merge (Merge) into the report of their documents together.
type CoverageReport struct {
	// Kinds has one entry per kind and profile seen, in a stable order:
	// the documents first, then the entities inside webhook deliveries.
	Kinds []KindCoverage `json:"kinds"`
	// Pairs counts messages by category/type, for every pair the model
	// allows (0: never seen) and any other seen. Messages inside webhook
	// deliveries count too.
	Pairs []Count `json:"pairs"`
	// Triggers counts webhook deliveries by trigger, once any was seen:
	// every trigger whose data the model describes (0: never seen), then
	// any other seen (Documented: CometChat names it).
	Triggers []Count `json:"triggers,omitempty"`
	// Parts has, for each part of each trigger that held an entity, the
	// entities and their documented fields, in the registry's order of
	// triggers and parts, then by kind. The entities count under their
	// kind in Kinds too (In InWebhook): that is the summary across
	// triggers, this the detail per trigger.
	Parts []PartCoverage `json:"parts,omitempty"`
	// Unknown counts documents whose kind could not be told.
	Unknown int `json:"unknown,omitempty"`
}

// KindCoverage is the coverage of one kind in one profile.
type KindCoverage struct {
	Kind    types.Kind    `json:"kind"`
	Profile types.Profile `json:"profile"`
	// In is "" for documents, and InWebhook for the entities of this kind
	// inside webhook deliveries (whatever their trigger): Documents then
	// counts the entities.
	In        string `json:"in,omitempty"`
	Documents int    `json:"documents"`
	// Fields counts the documents that had each documented field.
	Fields []FieldCount `json:"fields"`
	// Enums counts each documented value of each enum field.
	Enums []EnumCount `json:"enums"`
	// Undocumented lists the fields seen that the model does not document.
	Undocumented []Drift `json:"undocumented"`
	// UndocumentedOther counts the times undocumented fields were seen that
	// Undocumented does not list: paths past the MaxUndocumentedPaths
	// least of the run. Zero when the list is complete.
	UndocumentedOther int `json:"undocumentedOther,omitempty"`
}

// Title names the entry as reports show it: "user (rest)", or
// "user (rest, in webhook deliveries)".
func (k KindCoverage) Title() string {
	if k.In == InWebhook {
		return fmt.Sprintf("%s (%s, in webhook deliveries)", k.Kind, k.Profile)
	}
	return fmt.Sprintf("%s (%s)", k.Kind, k.Profile)
}

// PartCoverage is the coverage of one part of one webhook trigger (a
// pointer of its registry entry, as webhook.Part names it) for one kind:
// a part that holds any message counts each kind of message apart.
type PartCoverage struct {
	Trigger string     `json:"trigger"`
	Part    string     `json:"part"`
	Kind    types.Kind `json:"kind"`
	// Entities counts the entities of this kind the part held, each
	// member of a map of members one.
	Entities int `json:"entities"`
	// Fields counts, for every documented field of the kind in the rest
	// profile, the entities that had it (0: never seen there).
	Fields []FieldCount `json:"fields"`
}

// Title names the part as reports show it: "group_member_banned
// /data/members/* (user)".
func (p PartCoverage) Title() string {
	return fmt.Sprintf("%s %s (%s)", p.Trigger, p.Part, p.Kind)
}

// PartGap is what one part of one trigger never had that entities at the
// same place (the part's pointer, of the same kind) had in other triggers'
// deliveries.
type PartGap struct {
	PartCoverage
	// Missing lists the documented fields no entity of the part had and
	// some entities at the same place of other triggers had, in the
	// model's order; a field under one already listed (or under one the
	// part never had) is left out, as its parent says it.
	Missing []string `json:"missing"`
}

// PartGaps lists, for each part of Parts, the documented fields it never
// had that other triggers' entities at the same place had now and then: a
// difference between triggers that more captures may close, where a field
// that no delivery had is one line of NeverSeen for its kind. Parts are
// compared only with parts of the same pointer and kind (a receipt's user
// with receipts' users, a group's members with members), and a field that
// every entity of each other trigger that had it carried is left out: it
// belongs to those triggers' shape (an edit's editedAt, a receipt user's
// hasBlockedMe), not to what this one's captures happened to hold. Parts
// with no such field are left out.
func (r CoverageReport) PartGaps() []PartGap {
	type place struct {
		part string
		kind types.Kind
	}
	// Per place and field: whether some other part had it, and whether
	// one had it in some entities but not all.
	type seen struct{ any, sometimes bool }
	at := map[place]map[string]map[string]seen{} // place, field, trigger
	for _, p := range r.Parts {
		pl := place{p.Part, p.Kind}
		if at[pl] == nil {
			at[pl] = map[string]map[string]seen{}
		}
		for _, f := range p.Fields {
			if f.Count == 0 {
				continue
			}
			if at[pl][f.Pointer] == nil {
				at[pl][f.Pointer] = map[string]seen{}
			}
			at[pl][f.Pointer][p.Trigger] = seen{any: true, sometimes: f.Count < p.Entities}
		}
	}
	var out []PartGap
	for _, p := range r.Parts {
		here := make(map[string]int, len(p.Fields))
		for _, f := range p.Fields {
			here[f.Pointer] = f.Count
		}
		g := PartGap{PartCoverage: p}
	fields:
		for _, f := range p.Fields {
			if f.Count > 0 {
				continue
			}
			sometimes := false
			for trig, sn := range at[place{p.Part, p.Kind}][f.Pointer] {
				if trig != p.Trigger && sn.sometimes {
					sometimes = true
				}
			}
			if !sometimes {
				continue
			}
			for i := strings.LastIndexByte(f.Pointer, '/'); i > 0; i = strings.LastIndexByte(f.Pointer[:i], '/') {
				if n, ok := here[f.Pointer[:i]]; ok && n == 0 {
					continue fields // the parent is never seen here: it says so
				}
			}
			g.Missing = append(g.Missing, f.Pointer)
		}
		if len(g.Missing) > 0 {
			out = append(out, g)
		}
	}
	return out
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
// seen. First is the least place by Location.Compare (the least source
// name, then page, line and index), not the first to arrive, so that a
// run on many workers, or split and merged, names the same place; of two
// sightings at one place, the one whose Sample sorts first.
type Drift struct {
	Pointer string `json:"pointer"`
	Count   int    `json:"count"`
	// Sample is First as text, and the field's pointer there.
	Sample string   `json:"sample"`
	First  Location `json:"first"`
}

// Report returns what was counted so far.
func (c *Coverage) Report() CoverageReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t.render(c.model)
}

// webhookOther is the scope of undocumented fields of a delivery outside
// any entity it carries.
var webhookOther = scope{types.KindWebhook, types.ProfileREST, InWebhook}

// render writes t as a report.
func (t *tally) render(m *coverageModel) CoverageReport {
	var r CoverageReport
	r.Unknown = t.unknown
	drift := map[scope][]*driftSeen{}
	for _, d := range t.drift {
		drift[d.key.scope] = append(drift[d.key.scope], d)
	}
	for _, sc := range append(m.scopes[:len(m.scopes):len(m.scopes)], webhookOther) {
		n := t.docs[sc]
		if n == 0 && len(drift[sc]) == 0 && t.driftOther[sc] == 0 {
			continue
		}
		kc := KindCoverage{Kind: sc.kind, Profile: sc.profile, In: sc.in, Documents: n, Fields: []FieldCount{}, Enums: []EnumCount{}, Undocumented: []Drift{}}
		if fs := m.sets[kp(sc.kind, sc.profile)]; fs != nil {
			for _, f := range fs.order {
				kc.Fields = append(kc.Fields, FieldCount{Pointer: f, Required: fs.fields[f], Count: t.fields[sc][f]})
			}
			for _, f := range slices.Sorted(maps.Keys(fs.enums)) {
				ec := EnumCount{Pointer: f}
				seen := t.enums[sc][f]
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
		}
		ds := drift[sc]
		sort.Slice(ds, func(i, j int) bool { return ds[i].key.pointer < ds[j].key.pointer })
		for _, d := range ds {
			kc.Undocumented = append(kc.Undocumented, Drift{Pointer: d.key.pointer, Count: d.n, Sample: d.sample, First: d.first})
		}
		kc.UndocumentedOther = t.driftOther[sc]
		r.Kinds = append(r.Kinds, kc)
	}
	r.Parts = t.renderParts(m)
	r.Pairs = renderCounts(t.pairs, m.pairs, func(p string) bool { return strings.HasPrefix(p, "custom/") })
	if len(t.triggers) > 0 {
		r.Triggers = renderCounts(t.triggers, m.triggers, func(n string) bool {
			_, ok := webhook.Lookup(n)
			return ok
		})
	}
	return r
}

// renderParts lists the parts counted, in the registry's order of
// triggers and parts, then by kind.
func (t *tally) renderParts(m *coverageModel) []PartCoverage {
	keys := slices.SortedFunc(maps.Keys(t.parts), func(a, b partKey) int {
		if c := cmp.Compare(m.trigRank[a.trigger], m.trigRank[b.trigger]); c != 0 {
			return c
		}
		if c := cmp.Compare(a.part, b.part); c != 0 {
			return c
		}
		return cmp.Compare(m.kindRank[a.kind], m.kindRank[b.kind])
	})
	var out []PartCoverage
	for _, k := range keys {
		pc := t.parts[k]
		tr, _ := webhook.Lookup(k.trigger)
		fs := m.sets[kp(k.kind, types.ProfileREST)]
		if pc.n == 0 || fs == nil || k.part >= len(tr.Parts) {
			continue
		}
		p := PartCoverage{Trigger: k.trigger, Part: tr.Parts[k.part].Pointer, Kind: k.kind, Entities: pc.n, Fields: make([]FieldCount, 0, len(fs.order))}
		for _, f := range fs.order {
			p.Fields = append(p.Fields, FieldCount{Pointer: f, Required: fs.fields[f], Count: pc.fields[f]})
		}
		out = append(out, p)
	}
	return out
}

// renderCounts lists every name of listed with its count in seen, then the
// other names seen, sorted, then OtherValues.
func renderCounts(seen map[string]int, listed []string, documented func(string) bool) []Count {
	var out []Count
	for _, p := range listed {
		out = append(out, Count{Name: p, Count: seen[p], Documented: true})
	}
	var other []string
	for p, n := range seen {
		if p != OtherValues && n > 0 && !slices.Contains(listed, p) {
			other = append(other, p)
		}
	}
	sort.Strings(other)
	for _, p := range other {
		out = append(out, Count{Name: p, Count: seen[p], Documented: documented(p)})
	}
	if n, ok := seen[OtherValues]; ok {
		out = append(out, Count{Name: OtherValues, Count: n})
	}
	return out
}

// NeverSeen lists, per kind and profile seen, the documented fields and
// enum values no document had, the allowed category/type pairs no
// message had and, once webhook deliveries were seen, the triggers of the
// model none had.
func (r CoverageReport) NeverSeen() []string {
	var out []string
	for _, k := range r.Kinds {
		for _, f := range k.Fields {
			if f.Count == 0 {
				out = append(out, fmt.Sprintf("%s: field %s", k.Title(), f.Pointer))
			}
		}
		for _, e := range k.Enums {
			for _, v := range e.Values {
				if v.Count == 0 && v.Documented {
					out = append(out, fmt.Sprintf("%s: %s = %s", k.Title(), e.Pointer, v.Name))
				}
			}
		}
	}
	for _, p := range r.Pairs {
		if p.Count == 0 {
			out = append(out, "category/type "+p.Name)
		}
	}
	for _, t := range r.Triggers {
		if t.Count == 0 {
			out = append(out, "webhook trigger "+t.Name)
		}
	}
	return out
}
