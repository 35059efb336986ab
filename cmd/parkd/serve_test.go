package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parkd/internal/testutil"
)

// TestFirstStartNoticeOnItsStdout: a first `parkd serve` without
// PARKD_ADMIN_TOKEN says where it generated the admin token on the
// standard output run is given (it went to the process's own, which an
// in-process caller could not read), as its one line there; the token is
// in no output, and the token in the file the notice names opens the
// admin API.
func TestFirstStartNoticeOnItsStdout(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "parkd-data")
	file := filepath.Join(data, "admin-token")
	var stdout, stderr testutil.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, func(string) string { return "" }, &stdout, &stderr)
	}()
	// The notice is printed before "parkd listening" is logged.
	var addr string
	deadline := time.Now().Add(2 * time.Minute) // a first start runs every migration
	for addr == "" {
		if recs := stderr.Records("INFO", "parkd listening"); len(recs) > 0 {
			addr, _ = recs[0]["addr"].(string)
			break
		}
		select {
		case code := <-done:
			t.Fatalf("parkd serve ended (exit %d) before serving:\n%s", code, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("not serving after 2 min:\n%s", stderr.String())
		}
	}
	want := "parkd: generated an admin token into " + file + " (mode 0600); read it from there, e.g. TOKEN=$(cat " + file + ")\n"
	if got := stdout.String(); got != want {
		t.Fatalf("standard output %q, want the one line %q", got, want)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(b))
	if len(token) < 16 || strings.Contains(stdout.String()+stderr.String(), token) {
		t.Fatalf("token %q: want one of at least 16 bytes, in no output", token)
	}
	for _, c := range []struct {
		token string
		want  int
	}{{token, http.StatusOK}, {"", http.StatusUnauthorized}, {token + "x", http.StatusUnauthorized}} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/v1/lots", nil)
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET /v1/lots with token %q: %d, want %d", c.token, resp.StatusCode, c.want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d after the stop, want 0:\n%s", code, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("parkd serve still running a minute after the stop")
	}
}
