package generate

import (
	"fmt"
	"strings"

	"github.com/ccconform/ccconform/types"
)

// person is who a user is, before the optional fields are chosen: the parts
// that other documents refer to.
type person struct {
	uid, first, last string
	created          int64
}

func (p person) name() string { return p.first + " " + p.last }

// person invents a user created before the time before.
func (s *src) person(before int64) person {
	first, last := s.f.FirstName(), s.f.LastName()
	var uid string
	switch s.f.IntN(4) {
	case 0:
		uid = fmt.Sprintf("cometchat-uid-%d", 1+s.f.IntN(5000))
	case 1:
		uid = fmt.Sprintf("superhero%d", 1+s.f.IntN(999))
	case 2:
		uid = slug(first + "." + last)
	default:
		uid = slug(first+"_"+last) + s.digits(2)
	}
	if uid == "" {
		uid = "user-" + s.hex(8)
	}
	return person{uid: uid, first: first, last: last, created: before - s.between(86400, 3*365*86400)}
}

// user fills a User for p as seen at time at (lastActiveAt and updatedAt
// come before it).
func (s *src) user(p person, at int64) types.User {
	if u, ok := s.users[p.uid]; ok {
		return u
	}
	u := types.User{UID: p.uid, Name: p.name(), Status: s.userStatus()}
	if s.maybe() {
		u.LastActiveAt = types.Timestamp(s.between(p.created, at))
	}
	if s.maybe() {
		u.Email = strings.ToLower(slug(p.first)+"."+slug(p.last)) + "@" + s.domain()
	}
	if s.maybe() {
		u.Avatar = fmt.Sprintf("https://%s/avatars/%s.%s", pick(s, "cdn.chat.example.com", "assets.example.org", "img.example.net"),
			p.uid, pick(s, "png", "jpg", "webp"))
	}
	if s.maybe() {
		u.Link = fmt.Sprintf("https://%s/u/%s", s.domain(), p.uid)
	}
	if s.maybe() {
		u.Role = pick(s, "default", "default", "default", "admin", "moderator", "premium", slug(s.f.JobTitle()))
	}
	if s.maybe() {
		u.Metadata = s.metadata()
	}
	if s.maybe() {
		c := types.Integer(s.f.IntN(5001))
		u.Credits = &c
	}
	if s.maybe() {
		u.StatusMessage = pick(s, s.f.Phrase(), s.f.Hobby()+" "+s.f.Emoji(), "In a meeting", "On vacation 🌴", "Back at 3pm")
	}
	s.token = ""
	if s.maybe() && s.chance(0.2) {
		s.token = p.uid + "_" + s.hex(40)
	}
	if s.rest() {
		s.restUser(&u, p, at)
	}
	return u
}

// restUser adds the fields CometChat's REST API returns.
func (s *src) restUser(u *types.User, p person, at int64) {
	if s.maybe() {
		u.CreatedAt = types.Timestamp(p.created)
	}
	if s.maybe() {
		u.UpdatedAt = types.Timestamp(s.between(p.created, at))
		if u.CreatedAt == 0 {
			u.CreatedAt = types.Timestamp(p.created)
		}
	}
	if s.maybe() {
		u.Tags = []string{pick(s, "beta", "vip", "staff", "trial"), slug(s.f.Hobby())}
	}
	if s.maybe() {
		blocked := s.chance(0.1)
		u.BlockedByMe = &blocked
		if blocked {
			t := types.Timestamp(s.between(p.created, at))
			u.BlockedByMeAt, u.BlockedAt = t, t
		}
	}
	if s.maybe() {
		has := s.chance(0.05)
		u.HasBlockedMe = &has
	}
	if s.maybe() && s.chance(0.1) {
		d := types.Timestamp(0)
		u.DeactivatedAt = &d
	}
}

// domain picks a domain reserved for examples (RFC 2606), so that no
// fixture points at, or mails, anyone real.
func (s *src) domain() string {
	return pick(s, "example.com", "example.org", "example.net", "mail.example.com", "corp.example.org", "chat.example.net")
}

func (s *src) userStatus() types.UserStatus {
	if s.rest() {
		return pick(s, types.UserOnline, types.UserOffline, types.UserOffline, types.UserAvailable)
	}
	return pick(s, types.UserOnline, types.UserOffline, types.UserOffline)
}

// member fills a GroupMember for p in group g, joined at joined.
func (s *src) member(p person, g groupInfo, joined, at int64) types.GroupMember {
	m := types.GroupMember{User: s.user(p, at), Scope: s.scope(), JoinedAt: types.Timestamp(joined)}
	if !s.rest() && s.maybe() {
		m.GUID = g.guid
	}
	if s.maybe() {
		var banned types.Flag
		if s.chance(0.05) {
			banned = true
		}
		m.IsBanned = &banned
	}
	return m
}

func (s *src) scope() types.MemberScope {
	return pick(s, types.ScopeParticipant, types.ScopeParticipant, types.ScopeParticipant, types.ScopeModerator, types.ScopeAdmin)
}
