package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ccconform/ccconform/internal/glob"
	"github.com/ccconform/ccconform/types"
)

// Suppression silences the violations it matches: a known drift a team has
// decided to live with. Each field left empty matches anything; at least
// one must be set. A suppressed violation is moved from a verdict's
// Violations to its Suppressed, so that reports still count it: nothing
// disappears silently.
type Suppression struct {
	// Rule is a rule id, as docs/rules.md lists them.
	Rule string `json:"rule,omitempty"`
	// Kind is the document's kind.
	Kind string `json:"kind,omitempty"`
	// Pointer is a pattern of JSON Pointers: * matches within one segment,
	// ** any number of segments, as in /data/metadata/**.
	Pointer string `json:"pointer,omitempty"`
	// Reason says why, for the people who read the config.
	Reason string `json:"reason,omitempty"`
}

// String describes s as a config would write it.
func (s Suppression) String() string {
	var parts []string
	for _, p := range [][2]string{{"rule", s.Rule}, {"kind", s.Kind}, {"pointer", s.Pointer}} {
		if p[1] != "" {
			parts = append(parts, p[0]+" "+p[1])
		}
	}
	return strings.Join(parts, ", ")
}

func (s Suppression) matches(k types.Kind, x Violation) bool {
	return (s.Rule == "" || s.Rule == x.Rule) &&
		(s.Kind == "" || s.Kind == string(k)) &&
		(s.Pointer == "" || glob.Match(s.Pointer, x.Pointer))
}

// RuleIDs lists every rule id a violation can carry, sorted.
func RuleIDs() []string {
	ids := []string{RuleJSON, RuleKind, RuleRequired, RuleType, RuleEnum, RuleFormat, RuleValue,
		RuleUnknownField, RuleDuplicateKey, RulePointer, RuleSize, RuleEndpointKind,
		RuleWebhookTrigger, RuleWebhookEnvelope, RuleWebhookKey, RuleWebhookReceipt, RuleWebhookCall, RuleWebhookMembers,
		RuleWebhookReaction, RuleWebhookModeration}
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	return ids
}

// suppressions are the checked Options.Disable and Options.Ignore.
type suppressions []Suppression

// newSuppressions checks disabled rules and ignore entries: an unknown rule
// or kind, an empty entry or a malformed pattern is an error that names it.
func newSuppressions(disable []string, ignore []Suppression) (suppressions, error) {
	rules := RuleIDs()
	known := func(id string) error {
		for _, r := range rules {
			if r == id {
				return nil
			}
		}
		return fmt.Errorf("%q is not a rule id: use one of %s (docs/rules.md)", id, strings.Join(rules, ", "))
	}
	var out suppressions
	for _, id := range disable {
		if err := known(id); err != nil {
			return nil, fmt.Errorf("disable: %v", err)
		}
		out = append(out, Suppression{Rule: id, Reason: "disabled"})
	}
	for i, s := range ignore {
		where := fmt.Sprintf("ignore entry %d", i+1)
		if s.Rule == "" && s.Kind == "" && s.Pointer == "" {
			return nil, fmt.Errorf("%s: give a rule, a kind or a pointer pattern; an empty entry would silence everything", where)
		}
		if s.Rule != "" {
			if err := known(s.Rule); err != nil {
				return nil, fmt.Errorf("%s: %v", where, err)
			}
		}
		if s.Kind != "" {
			if _, err := types.ParseKind(s.Kind); err != nil {
				return nil, fmt.Errorf("%s: %v", where, err)
			}
		}
		if s.Pointer != "" && (!strings.HasPrefix(s.Pointer, "/") || !glob.Valid(s.Pointer)) {
			return nil, fmt.Errorf("%s: pointer %q is not a JSON Pointer pattern: it starts with /, as in /metadata/**", where, s.Pointer)
		}
		out = append(out, s)
	}
	return out, nil
}

// apply moves the violations of vd that a suppression matches to
// vd.Suppressed.
func (ss suppressions) apply(vd *Verdict) {
	if len(ss) == 0 || len(vd.Violations) == 0 {
		return
	}
	kept := vd.Violations[:0:0]
	for _, x := range vd.Violations {
		silenced := false
		for _, s := range ss {
			if s.matches(vd.Kind, x) {
				silenced = true
				break
			}
		}
		if silenced {
			vd.Suppressed = append(vd.Suppressed, x)
		} else {
			kept = append(kept, x)
		}
	}
	vd.Violations = kept
}
