package generate

import (
	"fmt"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// groupInfo is what a group is, before the optional fields are chosen.
type groupInfo struct {
	guid, name string
	typ        types.GroupType
	owner      string
	created    int64
}

// groupInfo invents a group created before the time before and owned by
// owner.
func (s *src) groupInfo(owner string, before int64) groupInfo {
	var name string
	switch s.f.IntN(4) {
	case 0:
		name = s.f.Company() + " " + pick(s, "Team", "Support", "Sales", "Engineering")
	case 1:
		name = s.f.Hobby() + " " + pick(s, "Club", "Fans", "Circle")
	case 2:
		name = s.f.AppName() + " " + pick(s, "Launch", "Beta", "Project")
	default:
		name = s.f.City() + " " + pick(s, "Friends", "Neighbours", "Meetup")
	}
	guid := slug(name)
	if s.chance(0.3) || guid == "" {
		guid = fmt.Sprintf("cometchat-guid-%d", 1+s.f.IntN(5000))
	}
	return groupInfo{guid: guid, name: name, owner: owner, created: before - s.between(3600, 2*365*86400),
		typ: pick(s, types.GroupPublic, types.GroupPublic, types.GroupPrivate, types.GroupPassword)}
}

// group fills a Group for gi as seen at time at. A group embedded in a
// message carries fewer fields, as CometChat sends them.
func (s *src) group(gi groupInfo, at int64, embedded bool) types.Group {
	if g, ok := s.groups[gi.guid]; ok {
		return g
	}
	g := types.Group{GUID: gi.guid, Name: gi.name, Type: gi.typ, CreatedAt: types.Timestamp(gi.created)}
	if s.maybe() {
		g.Owner = gi.owner
	}
	if s.maybe() {
		g.UpdatedAt = types.Timestamp(s.between(gi.created, at))
	}
	// The SDK's view of a password group carries its password; the REST
	// API never returns it.
	if gi.typ == types.GroupPassword && !s.rest() && !embedded {
		g.Password = s.f.Password(true, true, true, false, false, 10)
	}
	if s.maybe() {
		g.Icon = fmt.Sprintf("https://%s/groups/%s.png", pick(s, "cdn.chat.example.com", "assets.example.org"), gi.guid)
	}
	if s.maybe() {
		g.Description = pick(s, "Where the "+gi.name+" folks talk", s.f.Slogan(), "All things "+strings.ToLower(s.f.Hobby()))
	}
	if s.maybe() {
		g.Metadata = s.metadata()
	}
	if s.maybe() {
		joined := s.chance(0.7)
		g.HasJoined = &joined
	}
	if s.rest() {
		if s.maybe() {
			g.Scope = s.scope()
			g.JoinedAt = types.Timestamp(s.between(gi.created, at))
		}
		if s.maybe() {
			n := types.Integer(1 + s.f.IntN(500))
			g.MembersCount = &n
		}
		if s.maybe() {
			g.ConversationID = "group_" + gi.guid
		}
		if s.maybe() {
			g.Tags = []string{slug(s.f.Noun())}
		}
		if s.maybe() && g.Owner != "" {
			g.UpdatedBy = g.Owner
		}
	}
	return g
}
