// Package fuzz holds ccconform's fuzz targets, in its tests: the polymorphic
// decoder, the validator on one document and on a stream, the decoder
// against the schemas, and the generator's round trip. Each starts from
// every fixture in the repository and from generated documents.
//
// Run the seed corpus as ordinary tests:
//
//	go test ./fuzz
//
// and a campaign on one target:
//
//	go test ./fuzz -run '^$' -fuzz '^FuzzDecode$' -fuzztime 10m
//
// A failing input is written under testdata/fuzz/<Target>/; committed there,
// it runs with the seed corpus from then on.
package fuzz
