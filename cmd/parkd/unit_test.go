package main

import (
	"os"
	"strings"
	"testing"
)

// TestDeployUnitParses: systemd takes a "#" only at the start of a line
// as a comment; after a value it is part of the value (TimeoutStopSec
// would be ignored, EnvironmentFile would name another file). The unit
// in docs/deploy.md is copied as it stands.
func TestDeployUnitParses(t *testing.T) {
	b, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	_, unit, ok := strings.Cut(string(b), "```ini\n")
	if !ok {
		t.Fatal("docs/deploy.md has no systemd unit")
	}
	unit, _, _ = strings.Cut(unit, "```")
	for _, line := range strings.Split(unit, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") && strings.Contains(v, "#") {
			t.Errorf("%q: a comment after a value is part of the value", line)
		}
	}
}
