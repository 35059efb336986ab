package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/config"
	"parkd/internal/ocpp"
	"parkd/internal/park"
	"parkd/internal/testutil"
)

// serving is one in-process Serve, stopped when the test ends.
type serving struct {
	url  string
	logs *testutil.Buffer
	out  *testutil.Buffer // Serve's stdout
	stop func() error
}

// serve runs Serve with these flags (and a fresh data folder unless
// --data is among them) until the test ends.
func serve(t *testing.T, args ...string) *serving {
	t.Helper()
	if !strings.Contains(strings.Join(args, " "), "--data") {
		args = append(args, "--data", filepath.Join(t.TempDir(), "data"))
	}
	c, err := config.Parse("parkd serve", append([]string{"--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logs, out := &testutil.Buffer{}, &testutil.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, c, slog.New(slog.NewJSONHandler(logs, nil)), out, func(addr string) { ready <- addr })
	}()
	s := &serving{logs: logs, out: out}
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { s.stop() })
	select {
	case addr := <-ready:
		s.url = "http://" + addr
	case err := <-done:
		t.Fatalf("Serve: %v\n%s", err, logs)
	case <-time.After(2 * time.Minute): // a start runs every migration: under -race on a loaded machine, tens of seconds
		t.Fatalf("not serving after 2 min:\n%s", logs)
	}
	return s
}

// logged returns the value of key in the first log record with message msg.
func (s *serving) logged(t *testing.T, msg, key string) string {
	t.Helper()
	if recs := s.logs.Records("", msg); len(recs) > 0 {
		v, _ := recs[0][key].(string)
		return v
	}
	t.Fatalf("no %q in the log:\n%s", msg, s.logs)
	return ""
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestFirstStartDoesNotPrintTheToken: the generated admin token goes only
// into its file (mode 0600); the standard output Serve is given, which
// service managers keep, says where it is, and the log neither shows it.
func TestFirstStartDoesNotPrintTheToken(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	s := serve(t, "--data", data)
	out := s.out.String()
	tok, err := os.ReadFile(filepath.Join(data, "admin-token"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(tok))
	file := filepath.Join(data, "admin-token")
	if len(token) < 16 || strings.Contains(out, token) || strings.Contains(s.logs.String(), token) ||
		!strings.Contains(out, file) {
		t.Fatalf("standard output %q (and the log) must name %s and not show the token", out, file)
	}
	if get(t, s.url+"/v1/lots", token) != 200 {
		t.Fatal("the token in the file does not work")
	}
}

// TestMetricsAddr: with --metrics-addr, /metrics is served there (no token
// unless PARKD_METRICS_TOKEN is set) and no longer on --addr; without it,
// /metrics on --addr needs the admin token.
func TestMetricsAddr(t *testing.T) {
	s := serve(t, "--metrics-addr", "127.0.0.1:0")
	maddr := s.logged(t, "metrics listening", "addr")
	token := s.adminToken(t)
	if got := get(t, "http://"+maddr+"/metrics", ""); got != 200 {
		t.Errorf("metrics address: %d, want 200", got)
	}
	if got := get(t, s.url+"/metrics", token); got != 404 {
		t.Errorf("/metrics on the main address: %d, want 404", got)
	}
	plain := serve(t)
	if got := get(t, plain.url+"/metrics", ""); got != 401 {
		t.Errorf("/metrics without a token: %d, want 401", got)
	}
	if got := get(t, plain.url+"/metrics", plain.adminToken(t)); got != 200 {
		t.Errorf("/metrics with the admin token: %d, want 200", got)
	}
}

// adminToken reads the token Serve generated, from the log's file path.
func (s *serving) adminToken(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.logged(t, "generated an admin token", "file"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestSecondServerOnOneDatabase: a second parkd on the same data folder
// (or the same database through --db) stops at once, saying which process
// holds it; parkd migrate too. Once the first stops, the second starts.
func TestSecondServerOnOneDatabase(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	first := serve(t, "--data", data)
	c, err := config.Parse("parkd serve", []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--db", filepath.Join(data, "parkd.db")},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = Serve(context.Background(), c, slog.New(slog.DiscardHandler), io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another parkd (pid ") || !strings.Contains(err.Error(), "parkd serve on "+strings.TrimPrefix(first.url, "http://")) {
		t.Fatalf("second serve: %v", err)
	}
	if _, err := Migrate(context.Background(), c, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "in use by another parkd") {
		t.Fatalf("migrate beside a server: %v", err)
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	serve(t, "--data", data)
}

// TestRepliesOutlastTheLongestWait: the server does not cut off a reply
// while its request waits for a partner's sensorless answer or a
// charger's answer to a command, the longest waits a request may make.
func TestRepliesOutlastTheLongestWait(t *testing.T) {
	s := newHTTPServer(http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	for _, w := range []struct {
		what string
		d    time.Duration
	}{{"a sensorless partner's answer", park.MaxDeliveryTimeout}, {"a charger's answer", ocpp.DefaultCallTimeout}} {
		if s.WriteTimeout <= w.d+5*time.Second {
			t.Errorf("write timeout %v: a reply waiting up to %v for %s would be cut off", s.WriteTimeout, w.d, w.what)
		}
	}
}

// TestCleanStopLogsNoError: stopping parkd (SIGTERM, or the end of a
// `parkd sim` run) is not an error, and the log says none, whenever in the
// job queue's work the stop comes. Several stops, each at a different
// moment of the queue's start-up work.
func TestCleanStopLogsNoError(t *testing.T) {
	for i := range 8 {
		s := serve(t)
		time.Sleep(time.Duration(i) * 150 * time.Millisecond)
		if err := s.stop(); err != nil {
			t.Fatalf("stop %d: %v", i, err)
		}
		for _, line := range strings.Split(s.logs.String(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				t.Fatalf("stop %d logged an error:\n%s", i, line)
			}
		}
	}
}

// TestStopWhileTheBrokerIsAway: parkd stopped (SIGTERM, Ctrl-C) while
// its MQTT broker cannot be reached is a clean stop: Serve returns no
// error, so parkd exits 0 and service managers do not mark it failed.
func TestStopWhileTheBrokerIsAway(t *testing.T) {
	s := serve(t, "--mqtt", "mqtt://127.0.0.1:1")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.logs.String(), "cannot reach the broker") {
		if time.Now().After(deadline) {
			t.Fatalf("no word of the broker in 10 s:\n%s", s.logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("Serve stopped while the broker is away: %v; want no error (a stop, not a failure)", err)
	}
}

// TestStaleTokenFileSaid: with PARKD_ADMIN_TOKEN set, a token file left in
// the data folder (generated by an earlier start, before the variable was
// set to rotate it) is not the admin token; the log says so at start,
// naming the file, since an operator reading it (README: TOKEN=$(cat
// parkd-data/admin-token)) would otherwise get 401s and no hint why.
func TestStaleTokenFileSaid(t *testing.T) {
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "admin-token"), []byte("pk_the-former-generated-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "PARKD_ADMIN_TOKEN" {
			return "the-token-from-the-environment"
		}
		return ""
	}
	c, err := config.Parse("parkd serve", []string{"--addr", "127.0.0.1:0", "--data", data}, getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logs := &testutil.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, c, slog.New(slog.NewJSONHandler(logs, nil)), io.Discard, func(addr string) { ready <- addr })
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Serve: %v\n%s", err, logs)
	}
	if get(t, "http://"+addr+"/v1/lots", "pk_the-former-generated-token") != http.StatusUnauthorized ||
		get(t, "http://"+addr+"/v1/lots", "the-token-from-the-environment") != http.StatusOK {
		t.Fatal("the environment's token must be the admin token, the file's not")
	}
	cancel()
	<-done
	out := logs.String()
	if !strings.Contains(out, `"level":"WARN"`) || !strings.Contains(out, filepath.Join(data, "admin-token")) || !strings.Contains(out, "PARKD_ADMIN_TOKEN") {
		t.Errorf("no warning naming the unused token file and PARKD_ADMIN_TOKEN:\n%s", out)
	}
	if strings.Contains(out, "the-token-from-the-environment") || strings.Contains(out, "pk_the-former-generated-token") {
		t.Errorf("the log shows a token:\n%s", out)
	}

	// The same token in both (kept when moving to PostgreSQL, as
	// docs/deploy.md says) is no stale file.
	if err := os.WriteFile(filepath.Join(data, "admin-token"), []byte("the-token-from-the-environment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logs = &testutil.Buffer{}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() {
		done <- Serve(ctx, c, slog.New(slog.NewJSONHandler(logs, nil)), io.Discard, func(addr string) { ready <- addr })
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Serve: %v\n%s", err, logs)
	}
	cancel()
	<-done
	if strings.Contains(logs.String(), "not used") {
		t.Errorf("warned of a token file holding the same token:\n%s", logs)
	}
}
