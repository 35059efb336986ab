package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"parkd/internal/store/transfer"
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

// TestNginxSampleCarriesOCPP: chargers connect with wss:// through the
// proxy (docs/charging.md). nginx proxies with HTTP/1.0 and drops the
// Upgrade header unless told, and closes a connection idle for 60 s,
// while a charger is silent up to its 300 s heartbeat.
func TestNginxSampleCarriesOCPP(t *testing.T) {
	b, err := os.ReadFile("../../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	_, conf, ok := strings.Cut(string(b), "```nginx\n")
	if !ok {
		t.Fatal("docs/security.md has no nginx sample")
	}
	conf, _, _ = strings.Cut(conf, "```")
	_, ocpp, ok := strings.Cut(conf, "location /ocpp/ {")
	if !ok {
		t.Fatal("the nginx sample has no location for /ocpp/")
	}
	ocpp, _, _ = strings.Cut(ocpp, "}")
	for _, want := range []string{"proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
		`proxy_set_header Connection "upgrade";`, "proxy_read_timeout 1h;"} {
		if !strings.Contains(ocpp, want) {
			t.Errorf("location /ocpp/ lacks %s", want)
		}
	}
}

// TestDeployCopyTableCount: docs/deploy.md quotes what parkd migrate --to
// prints; its count of tables is the copy's.
func TestDeployCopyTableCount(t *testing.T) {
	b, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(b)), " ")
	want := fmt.Sprintf("copied and verified N rows in %d tables", len(transfer.Tables()))
	if !strings.Contains(doc, want) {
		t.Errorf("docs/deploy.md does not quote %q", want)
	}
	if want := fmt.Sprintf("%d in all", len(transfer.Tables())); !strings.Contains(doc, want) {
		t.Errorf("docs/deploy.md does not say %q of the tables copied", want)
	}
}
