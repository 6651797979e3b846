package types

// GroupMember is a user as a member of one group: every field of User, plus
// the member's scope and when they joined.
type GroupMember struct {
	User
	// Scope is the member's rank in the group: admin, moderator or
	// participant.
	Scope MemberScope `json:"scope"`
	// JoinedAt is when the user joined the group, in Unix seconds.
	JoinedAt Timestamp `json:"joinedAt"`
	// GUID is the guid of the group, as the documentation's example shows it
	// beside the member's uid.
	GUID string `json:"guid,omitempty"`
	// IsBanned tells whether the member is banned from the group. The
	// documentation writes "0" or "1"; the REST API's banned-members list
	// sends a boolean.
	IsBanned *Flag `json:"isBanned,omitempty"`
}

// Kind returns KindGroupMember.
func (*GroupMember) Kind() Kind { return KindGroupMember }
