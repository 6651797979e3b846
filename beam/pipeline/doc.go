// Package pipeline validates an archive of CometChat documents on Apache
// Beam: the same checks as ccconform validate, spread over as many workers
// as a runner gives (Prism in process, Dataflow, Flink, Spark).
//
// The pipeline matches a glob through Beam's filesystems (local files, and
// gs:// and s3:// once their packages are imported, as this package does),
// cuts large NDJSON files into splits of whole lines with their line
// numbers known, reads every other file whole, and checks each split with
// the toolkit's validate package, one Validator per worker. Verdicts are
// written as sharded JSON lines, the form ccconform validate --format json
// writes, and the runs' summaries and coverage are combined with their
// Merge methods into DIR/summary.json, the line {"summary": ...} that the
// command line would end its report with for the same files.
package pipeline
