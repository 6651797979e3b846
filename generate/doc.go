// Package generate makes fake CometChat Pro payloads for tests: documents of
// every kind in either profile, one-fault mutants labelled with the violation
// a validator must report, and whole coherent chat worlds.
//
// Output is deterministic: a document is a pure function of the seed, the
// options, its kind and its index, so the same inputs give byte-identical
// JSON on any machine and with any number of cores. Values are realistic
// (names, uids and guids in CometChat's style, emails, avatar URLs, texts
// with unicode and emoji, media URLs whose extension fits the media type,
// ordered Unix-second timestamps) and consistent inside each document: a
// valid document passes every schema and cross-field rule of package
// validate.
//
// The values come from github.com/brianvoe/gofakeit/v7, called directly
// rather than through struct tags: filling the types of package types by hand
// keeps each document consistent and is about four times faster than
// reflection.
package generate

//go:generate go run ./internal/samplegen ../fixtures/generated
