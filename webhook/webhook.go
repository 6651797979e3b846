// Package webhook holds what CometChat's webhooks deliver: the envelope
// families and a registry of every trigger CometChat names, each with the
// parts of its data that are entities of the model (a message, a group, the
// users of a map keyed by uid) and the JSON Pointer where each sits. Package
// validate reads it to check a delivery entity by entity.
//
// The facts come from CometChat's webhook documentation and from what its
// own QA suite checks on live deliveries; docs/spec-notes.md records each
// decision.
package webhook

import (
	"fmt"
	"strings"

	"github.com/ccconform/ccconform/internal/suggest"
	"github.com/ccconform/ccconform/types"
)

// Family is a layout of webhook deliveries.
type Family string

// The families.
const (
	// Modern chat events: trigger, data, appId, region, webhook.
	Modern Family = "modern"
	// Calls service and meetings: as modern, plus type (call or meet), with
	// snake_case keys inside data.
	Calls Family = "calls"
	// Legacy message events: data is the message itself.
	Legacy Family = "legacy"
	// Other product events (campaigns, feeds, notifications, pinned
	// conversations).
	Other Family = "other"
)

// Part is one entity of the model inside a delivery.
type Part struct {
	// Pointer is where the entity sits, below the delivery's root; a
	// segment * stands for every member of a map keyed by uid (whose key
	// must be the entity's uid); an array in its place is reported, and its
	// elements checked all the same.
	Pointer string
	// Kind is the entity's kind; "" is any message, told by its category.
	Kind types.Kind
	// Required is set when every delivery of the trigger carries the part
	// (CometChat's examples, and the schemas its QA suite checks live
	// deliveries with, have it); a part not required is checked when it is
	// there.
	Required bool
}

// Trigger is one webhook trigger.
type Trigger struct {
	// Name is the trigger as deliveries spell it.
	Name string
	// Family is the layout of its deliveries.
	Family Family
	// Parts are the entities of the model its data carries; none for an
	// event outside the documented model.
	Parts []Part
}

// Model reports whether the trigger's data carries entities of the model.
func (t Trigger) Model() bool { return len(t.Parts) > 0 }

// need is a part every delivery of its trigger carries; may one that some
// leave out.
func need(p string, k types.Kind) Part { return Part{Pointer: p, Kind: k, Required: true} }
func may(p string, k types.Kind) Part  { return Part{Pointer: p, Kind: k} }

var (
	message = []Part{need("/data/message", "")}
	member  = []Part{need("/data/group", types.KindGroup), need("/data/members/*", types.KindUser), need("/data/by", types.KindUser)}
	// A scope change's actor: CometChat's example has it, its QA suite's
	// schema does not require it.
	scoped = []Part{need("/data/group", types.KindGroup), need("/data/members/*", types.KindUser), may("/data/by", types.KindUser)}
	joined = []Part{need("/data/group", types.KindGroup), need("/data/members/*", types.KindUser)}
	// A new group's members: in the example, not required by the QA suite.
	created = []Part{need("/data/group", types.KindGroup), may("/data/members/*", types.KindUser)}
	group   = []Part{need("/data/group", types.KindGroup)}
	// A receipt's user; the legacy layout (data.receiptSender, no body) has
	// none, and validate tells the two apart.
	receipt = []Part{need("/data/body/user", types.KindUser)}
	// An aggregate receipt's System user: in the examples, not required by
	// the QA suite.
	aggregate = []Part{may("/data/body/user", types.KindUser)}
	call      = []Part{need("/data/call", types.KindCall)}
	blocked   = []Part{need("/data/users/*", types.KindUser), need("/data/by", types.KindUser)}
	reaction  = []Part{need("/data/reaction/reactedBy", types.KindUser)}
	presence  = []Part{need("/data/user", types.KindUser)}
	legacy    = []Part{need("/data", "")}
)

// triggers is the registry, in the order CometChat's documentation lists
// the events.
var triggers = []Trigger{
	{"message_sent", Modern, message},
	{"message_edited", Modern, message},
	{"message_deleted", Modern, message},
	{"user_mentioned", Modern, message},
	{"message_reaction_added", Modern, reaction},
	{"message_reaction_removed", Modern, reaction},
	{"message_delivery_receipt", Modern, receipt},
	{"message_read_receipt", Modern, receipt},
	{"message_delivered_to_all", Modern, aggregate},
	{"message_read_by_all", Modern, aggregate},
	{"message_pinned", Modern, message},
	{"message_unpinned", Modern, message},
	{"moderation_engine_blocked", Modern, message},
	{"moderation_engine_approved", Modern, message},
	{"moderation_manual_approved", Modern, message},
	{"user_blocked", Modern, blocked},
	{"user_unblocked", Modern, blocked},
	{"user_connection_status_changed", Modern, presence},
	{"group_created", Modern, created},
	{"group_updated", Modern, group},
	{"group_deleted", Modern, group},
	{"group_member_added", Modern, member},
	{"group_member_kicked", Modern, member},
	{"group_member_banned", Modern, member},
	{"group_member_unbanned", Modern, member},
	{"group_member_scope_changed", Modern, scoped},
	{"group_owner_transferred", Modern, group},
	{"group_member_joined", Modern, joined},
	{"group_member_left", Modern, joined},
	{"call_initiated", Modern, call},
	{"call_busy", Modern, call},
	{"call_cancelled", Modern, call},
	{"call_rejected", Modern, call},
	{"call_unanswered", Modern, call},
	{"before_message", Legacy, legacy},
	{"after_message", Legacy, legacy},
	// The legacy connection event: a user's presence, outside the model's
	// entities as delivered (validate checks the fields CometChat
	// documents for it).
	{"after_connection_status_changed", Legacy, nil},
	// Calls service and meetings: outside the documented model.
	{"call_started", Calls, nil},
	{"call_participant_joined", Calls, nil},
	{"call_participant_left", Calls, nil},
	{"call_ended", Calls, nil},
	{"meeting_started", Calls, nil},
	{"meeting_participant_joined", Calls, nil},
	{"meeting_participant_left", Calls, nil},
	{"meeting_ended", Calls, nil},
	{"recording_generated", Calls, nil},
	{"transcription_generated", Calls, nil},
	{"conversation_pinned", Other, nil},
	{"conversation_unpinned", Other, nil},
}

// outside are name patterns of product events outside the model that
// CometChat names by family (campaigns, feeds, push and in-app
// notifications): a prefix or a suffix.
var outsidePrefixes = []string{"after_campaign_", "after_feed_item_", "after_push_notification_", "after_notification_"}
var outsideSuffixes = []string{"-notification-payload-generated"}

// Lookup returns the trigger named name.
func Lookup(name string) (Trigger, bool) {
	for _, t := range triggers {
		if t.Name == name {
			return t, true
		}
	}
	for _, p := range outsidePrefixes {
		if len(name) > len(p) && name[:len(p)] == p {
			return Trigger{Name: name, Family: Other}, true
		}
	}
	for _, s := range outsideSuffixes {
		if len(name) > len(s) && name[len(name)-len(s):] == s {
			return Trigger{Name: name, Family: Other}, true
		}
	}
	return Trigger{}, false
}

// Parse returns the trigger named name, or an error that names the closest
// trigger (a "did you mean"), or else lists them all.
func Parse(name string) (Trigger, error) {
	if t, ok := Lookup(name); ok {
		return t, nil
	}
	if c := suggest.Closest(name, Names()); c != "" {
		return Trigger{}, fmt.Errorf("unknown trigger %q; did you mean %q?", name, c)
	}
	return Trigger{}, fmt.Errorf("unknown trigger %q: give one CometChat names (%s), or a campaign, feed or notification event", name, strings.Join(Names(), ", "))
}

// Triggers lists the registry's triggers.
func Triggers() []Trigger { return append([]Trigger(nil), triggers...) }

// Names lists the registry's trigger names.
func Names() []string {
	out := make([]string, len(triggers))
	for i, t := range triggers {
		out[i] = t.Name
	}
	return out
}
