package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parkd/internal/config"
)

// TestSecondServerOnTheSameAddress: a second `parkd serve` started as the
// first was (same data folder, same --addr), the README's "second parkd
// serve on the same database", fails on the taken port first; it still
// names the parkd that holds the database and listens there, instead of a
// bare "address already in use". A port another program holds says so and
// names --addr, and creates no data folder.
func TestSecondServerOnTheSameAddress(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	first := serve(t, "--data", data)
	addr := strings.TrimPrefix(first.url, "http://")
	c, err := config.Parse("parkd serve", []string{"--addr", addr, "--data", data}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = Serve(context.Background(), c, slog.New(slog.DiscardHandler), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another parkd (pid ") || !strings.Contains(err.Error(), "parkd serve on "+addr) {
		t.Fatalf("second serve on the same address and database: %v; want it to name the parkd serving there", err)
	}

	// A port held by something else, for a new data folder.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	other := filepath.Join(t.TempDir(), "other")
	c, err = config.Parse("parkd serve", []string{"--addr", ln.Addr().String(), "--data", other}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = Serve(context.Background(), c, slog.New(slog.DiscardHandler), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), ln.Addr().String()+" is in use") || !strings.Contains(err.Error(), "--addr") {
		t.Fatalf("serve on a port another program holds: %v; want the address named and --addr suggested", err)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Fatalf("the failed start left %s behind (%v)", other, err)
	}
}
