package app

import (
	"os"
	"runtime/debug"
)

// DefaultGCPercent is the garbage collector's target when GOGC is not set.
// parkd keeps its state in the database, so its live heap is small and
// Go's default of 100 collects very often under load; 400 spends a few
// megabytes more for about 10 % more partner fee queries on 2 cores
// (BENCHMARKS.md).
const DefaultGCPercent = 400

// TuneRuntime applies DefaultGCPercent unless the operator set GOGC, which
// always wins. Serve calls it; benchmarks of parkd's code call it too, so
// they measure what the server runs.
func TuneRuntime() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGCPercent)
	}
}
