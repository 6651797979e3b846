// Package types holds the CometChat Pro data model as Go types: one type for
// each documented entity (User, Group, GroupMember, TextMessage, MediaMessage,
// CustomMessage, Action, Call), the parts they share, and a typed string for
// every documented enumeration.
//
// These types are the single source of truth of ccconform. A field without
// omitempty in its json tag is required; the doc comments become the
// descriptions of the JSON Schemas in package schema; the fixture generator
// fills these types; the validator compiles the schemas generated from them.
//
// The model comes in two profiles (see Profile). The sdk profile is the object
// view that the CometChat SDK documentation describes: a message's sender is a
// User object and its text sits at the top level. The rest profile is the wire
// shape that CometChat's REST API v3 returns: a message's sender is the uid and
// its content sits under data. Users, groups and members share one type across
// both profiles; fields that only one profile knows carry a struct tag
// profile:"rest,sdk" (or "sdk"), which the schema generator reads. Messages, whose
// shapes differ, have one type per profile built from shared parts
// (TextMessage and RESTTextMessage, for example).
//
// Decode turns one JSON document into its concrete type by the rules in
// Detect. Where the documentation is ambiguous, the decision taken here is
// recorded in docs/spec-notes.md.
package types
