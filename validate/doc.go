// Package validate checks JSON documents against the CometChat Pro data
// model: the generated schema of each document's kind and profile, then the
// cross-field rules a schema cannot express (see Rules), and returns a
// Verdict for each document.
//
// A Validator checks one document (Validator.Check), or every document of a
// stream (Validator.Stream): a single object, a JSON array of objects, NDJSON,
// or a REST envelope {"data": ..., "meta": ...}, unwrapped. Streams are read
// in bounded memory, checked on every core, and reported in input order. A
// broken document gets a verdict with its location and the run goes on.
//
// For the tests of services that emit CometChat payloads, package
// validatetest fails a testing.TB with readable violations; it lives apart so
// that this package links no testing.
//
// Options.Coverage counts what the documents held against the model
// (Validator.Coverage), and Options.Custom applies a team's own schemas to
// customData and metadata (LoadCustomSchemas, FindConfig).
package validate
