package main

import "path/filepath"

// fixturesDir is the repository's fixtures directory, which scripts read as
// $FIXTURES.
var fixturesDir, _ = filepath.Abs("../../fixtures")
