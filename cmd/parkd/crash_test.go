package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parkd/internal/loadgen"
)

// These tests run the real binary: they build it, start `parkd serve` on a
// loopback port, stop it the hard way (SIGKILL) or the polite way
// (SIGTERM), start it again on the same data folder and check what an
// acknowledged request promised is still true.

const testToken = "crash-test-admin-token-0123456789"

// stayAge is how long a test car has been inside when it reaches the exit:
// long enough to owe money under loadgen.Tariff.
const stayAge = 2*time.Hour + 10*time.Minute

// buildParkd compiles this command into a temporary folder.
func buildParkd(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the parkd binary; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH to build parkd:", err)
	}
	bin := filepath.Join(t.TempDir(), "parkd")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is one running `parkd serve` process.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	log    *logWriter
	exited chan struct{} // closed once the process has been waited for
	err    error         // Wait's result, valid after exited
}

// startParkd starts bin on data at a free loopback port and waits until it
// listens. The process is killed when the test ends, whatever happens.
func startParkd(t *testing.T, bin, data string) *server {
	t.Helper()
	s := spawnParkd(t, bin, data, "--data", data)
	s.waitListening()
	return s
}

// spawnParkd starts `parkd serve --addr 127.0.0.1:0 args...` without waiting
// for it to listen, so that several processes can start at the same moment;
// label names it in the log shown when the test fails. The process is killed
// when the test ends, whatever happens.
func spawnParkd(t *testing.T, bin, label string, args ...string) *server {
	t.Helper()
	s := &server{t: t, log: newLogWriter(), exited: make(chan struct{})}
	// The address is the kernel's choice (port 0), read back from the
	// "parkd listening" log line: no window in which another process can
	// take a port picked in advance.
	s.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	s.cmd.Env = append(environWithout("PARKD_"), "PARKD_ADMIN_TOKEN="+testToken)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
		if t.Failed() {
			t.Logf("parkd log (%s):\n%s", label, s.log.String())
		}
	})
	return s
}

// waitListening waits until the process listens and sets its URL.
func (s *server) waitListening() {
	s.t.Helper()
	select {
	case addr := <-s.log.listening:
		s.url = "http://" + addr
	case <-s.exited:
		s.t.Fatalf("parkd exited before listening (%v):\n%s", s.err, s.log.String())
	case <-time.After(30 * time.Second):
		s.t.Fatalf("parkd not listening after 30 s:\n%s", s.log.String())
	}
}

// stop sends sig and waits (bounded) for the process to end.
func (s *server) stop(sig syscall.Signal) error {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
	select {
	case <-s.exited:
		return s.err
	case <-time.After(40 * time.Second):
		s.t.Fatalf("parkd still running 40 s after %v", sig)
		return nil
	}
}

// environWithout is the environment minus variables with prefix, so that
// a developer's PARKD_DB cannot point the test at a real database.
func environWithout(prefix string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			env = append(env, kv)
		}
	}
	return env
}

// logWriter keeps the process's output and reports the listening address.
type logWriter struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	scanned   int
	listening chan string
}

func newLogWriter() *logWriter { return &logWriter{listening: make(chan string, 1)} }

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		rest := w.buf.Bytes()[w.scanned:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.scanned += i + 1
		var line struct{ Msg, Addr string }
		if json.Unmarshal(rest[:i], &line) == nil && line.Msg == "parkd listening" && line.Addr != "" {
			select {
			case w.listening <- line.Addr:
			default:
			}
		}
	}
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// api is a small client of the native API.
type api struct {
	base string
	hc   *http.Client
}

func newAPI(base string) *api {
	return &api{base: base, hc: &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16, DisableCompression: true},
	}}
}

// errStatus is a reply with an unexpected status.
type errStatus struct {
	status int
	body   string
}

func (e *errStatus) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

// do sends a JSON request and decodes a reply with status want into out.
func (a *api) do(ctx context.Context, method, path string, in any, key string, want int, out any) (http.Header, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return a.send(req, want, out)
}

func (a *api) send(req *http.Request, want int, out any) (http.Header, error) {
	resp, err := a.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, &errStatus{resp.StatusCode, string(b)}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", b, err)
		}
	}
	return resp.Header, nil
}

func (a *api) createLot(ctx context.Context, t *testing.T, code string) {
	t.Helper()
	lot := map[string]any{"code": code, "name": "test " + code, "timezone": "Asia/Shanghai", "currency": "CNY", "capacity": 1_000_000}
	if _, err := a.do(ctx, "POST", "/v1/lots", lot, "", 201, nil); err != nil {
		t.Fatalf("create lot: %v", err)
	}
	if _, err := a.do(ctx, "PUT", "/v1/lots/"+code+"/tariff", json.RawMessage(loadgen.Tariff), "", 200, nil); err != nil {
		t.Fatalf("set tariff: %v", err)
	}
}

type event struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Plate string `json:"plate"`
	Lane  string `json:"lane"`
	At    string `json:"at"`
}

func newEvent(id, typ, plate string, at time.Time) event {
	lane := "in-1"
	if typ == "exit" {
		lane = "out-1"
	}
	return event{ID: id, Type: typ, Plate: plate, Lane: lane, At: at.UTC().Format(time.RFC3339Nano)}
}

// decision is the whole reply to an event, compared field by field on
// replay.
type decision map[string]any

func (d decision) str(k string) string { s, _ := d[k].(string); return s }

type stay struct {
	ID         string  `json:"id"`
	Plate      string  `json:"plate"`
	State      string  `json:"state"`
	AmountPaid int64   `json:"amount_paid"`
	PaidUntil  *string `json:"paid_until"`
}

type payment struct {
	ID        string `json:"id"`
	StayID    string `json:"stay_id"`
	Amount    int64  `json:"amount"`
	PaidUntil string `json:"paid_until"`
}

// ackedEvent is an event the server answered 200 to, and what it said.
type ackedEvent struct {
	body event
	dec  decision
}

// ackedPayment is a payment the server answered 201 to.
type ackedPayment struct {
	body map[string]any
	key  string
	pay  payment
}

// ledger is everything the server acknowledged during a stream.
type ledger struct {
	mu       sync.Mutex
	events   []ackedEvent
	entries  map[string]string // stay id -> plate
	payments []ackedPayment
	// Requests that changed occupancy but got no answer: parkd may or may
	// not have done them.
	lostEntries, lostExits int
}

// car drives one car through entry, and for some cars the held exit, a
// quote, a payment and the open exit, recording every acknowledged step.
// It stops at the first failure and returns it.
func (l *ledger) car(ctx context.Context, a *api, lot, id, plate string, pay, leave bool) error {
	ev := func(e event) (decision, error) {
		var d decision
		if _, err := a.do(ctx, "POST", "/v1/lots/"+lot+"/events", e, "", 200, &d); err != nil {
			return nil, err
		}
		l.mu.Lock()
		l.events = append(l.events, ackedEvent{e, d})
		l.mu.Unlock()
		return d, nil
	}
	lost := func(n *int) {
		l.mu.Lock()
		*n++
		l.mu.Unlock()
	}
	d, err := ev(newEvent(id+"-in", "entry", plate, time.Now().Add(-stayAge)))
	if err != nil {
		lost(&l.lostEntries)
		return err
	}
	stayID := d.str("stay_id")
	if d.str("decision") != "open" || stayID == "" {
		return fmt.Errorf("entry of %s: %v", plate, d)
	}
	l.mu.Lock()
	l.entries[stayID] = plate
	l.mu.Unlock()
	if !pay {
		return nil
	}
	if d, err = ev(newEvent(id+"-out", "exit", plate, time.Now())); err != nil {
		return err
	}
	if d.str("decision") != "hold" {
		return fmt.Errorf("exit of %s before paying: %v", plate, d)
	}
	var q struct {
		ID        string `json:"id"`
		AmountDue int64  `json:"amount_due"`
	}
	if _, err := a.do(ctx, "POST", "/v1/stays/"+stayID+"/quotes", nil, "", 201, &q); err != nil {
		return err
	}
	body := map[string]any{"quote_id": q.ID, "amount": q.AmountDue, "method": "cash", "reference": id}
	var p payment
	if _, err := a.do(ctx, "POST", "/v1/payments", body, "key-"+id, 201, &p); err != nil {
		return err
	}
	l.mu.Lock()
	l.payments = append(l.payments, ackedPayment{body, "key-" + id, p})
	l.mu.Unlock()
	if !leave {
		return nil
	}
	if d, err = ev(newEvent(id+"-out2", "exit", plate, time.Now())); err != nil {
		lost(&l.lostExits)
		return err
	}
	if d.str("decision") != "open" {
		return fmt.Errorf("exit of %s after paying: %v", plate, d)
	}
	return nil
}

// stream runs workers that drive cars until stop is closed or a request
// fails (the server went away). Failures before stop are test errors.
func (l *ledger) stream(ctx context.Context, t *testing.T, a *api, lot string, workers int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range 100_000 {
				select {
				case <-stop:
					return
				default:
				}
				n := uint64(w)*1_000_000 + uint64(i)
				err := l.car(ctx, a, lot, fmt.Sprintf("w%d-%d", w, i), loadgen.Plate(n), i%2 == 0, i%4 == 0)
				if err != nil {
					select {
					case <-stop: // the server was being stopped: expected
					default:
						t.Errorf("worker %d, car %d, before the stop: %v", w, i, err)
					}
					return
				}
			}
		})
	}
	return &wg
}

// verify checks, against a restarted server, that every acknowledged
// request is still reflected.
func (l *ledger) verify(ctx context.Context, t *testing.T, a *api, lot string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, plate := range l.entries {
		var st stay
		if _, err := a.do(ctx, "GET", "/v1/stays/"+id, nil, "", 200, &st); err != nil {
			t.Errorf("acknowledged entry: stay %s of %s: %v", id, plate, err)
			continue
		}
		if st.Plate != plate {
			t.Errorf("stay %s: plate %s, entry said %s", id, st.Plate, plate)
		}
	}
	for _, ap := range l.payments {
		var st stay
		if _, err := a.do(ctx, "GET", "/v1/stays/"+ap.pay.StayID, nil, "", 200, &st); err != nil {
			t.Errorf("acknowledged payment %s: stay %s: %v", ap.pay.ID, ap.pay.StayID, err)
			continue
		}
		if st.AmountPaid != ap.pay.Amount || st.PaidUntil == nil || !sameTime(*st.PaidUntil, ap.pay.PaidUntil) {
			t.Errorf("acknowledged payment %s (amount %d, paid until %s): stay %s shows paid %d until %v",
				ap.pay.ID, ap.pay.Amount, ap.pay.PaidUntil, st.ID, st.AmountPaid, deref(st.PaidUntil))
		}
		var again payment
		h, err := a.do(ctx, "POST", "/v1/payments", ap.body, ap.key, 201, &again)
		switch {
		case err != nil:
			t.Errorf("retry of acknowledged payment %s: %v", ap.pay.ID, err)
		case again != ap.pay || h.Get("Idempotent-Replayed") != "true":
			t.Errorf("retry of payment %+v answered %+v (replayed %q)", ap.pay, again, h.Get("Idempotent-Replayed"))
		}
	}
	for _, ae := range l.events {
		var d decision
		if _, err := a.do(ctx, "POST", "/v1/lots/"+lot+"/events", ae.body, "", 200, &d); err != nil {
			t.Errorf("replay of acknowledged event %s: %v", ae.body.ID, err)
			continue
		}
		if !reflect.DeepEqual(d, ae.dec) {
			t.Errorf("replay of event %s: decided %v, first time %v", ae.body.ID, d, ae.dec)
		}
	}
}

func sameTime(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339Nano, a)
	tb, err2 := time.Parse(time.RFC3339Nano, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestCrashKeepsAcknowledged kills parkd with SIGKILL in the middle of a
// stream of entries, quotes, payments and exits, restarts it on the same
// data folder, and checks every acknowledged request is there.
func TestCrashKeepsAcknowledged(t *testing.T) {
	bin := buildParkd(t)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv := startParkd(t, bin, data)
	a := newAPI(srv.url)
	a.createLot(ctx, t, "crash")
	l := &ledger{entries: map[string]string{}}
	stop := make(chan struct{})
	wg := l.stream(ctx, t, a, "crash", 6, stop)
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	if err := srv.stop(syscall.SIGKILL); err == nil {
		t.Fatal("parkd exited cleanly on SIGKILL; it was not running?")
	}
	wg.Wait()
	if len(l.entries) < 10 || len(l.payments) < 5 {
		t.Fatalf("only %d entries and %d payments acknowledged before the kill; too few to test", len(l.entries), len(l.payments))
	}
	t.Logf("acknowledged before SIGKILL: %d events (%d entries), %d payments", len(l.events), len(l.entries), len(l.payments))

	srv = startParkd(t, bin, data)
	a = newAPI(srv.url)
	l.verify(ctx, t, a, "crash")
}

// TestRestartKeepsEverything stops parkd with SIGTERM while a request is
// in flight: the request must finish, parkd must exit 0, and after a
// restart every stay, payment and setting must be there.
func TestRestartKeepsEverything(t *testing.T) {
	bin := buildParkd(t)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv := startParkd(t, bin, data)
	a := newAPI(srv.url)
	a.createLot(ctx, t, "restart")
	l := &ledger{entries: map[string]string{}}
	// The README's car: enters, is held, pays; a car that stays inside; a
	// car held at the exit without paying.
	for i, c := range []struct{ pay, leave bool }{{true, false}, {false, false}, {true, true}} {
		if err := l.car(ctx, a, "restart", "car"+strconv.Itoa(i), loadgen.Plate(uint64(900_000+i)), c.pay, c.leave); err != nil {
			t.Fatal(err)
		}
	}
	var held decision
	if _, err := a.do(ctx, "POST", "/v1/lots/restart/events", newEvent("held-in", "entry", loadgen.Plate(900_010), time.Now().Add(-stayAge)), "", 200, nil); err != nil {
		t.Fatal(err)
	}
	heldExit := newEvent("held-out", "exit", loadgen.Plate(900_010), time.Now())
	if _, err := a.do(ctx, "POST", "/v1/lots/restart/events", heldExit, "", 200, &held); err != nil || held.str("decision") != "hold" {
		t.Fatalf("held exit: %v %v", held, err)
	}

	var tariffBefore json.RawMessage
	if _, err := a.do(ctx, "GET", "/v1/lots/restart/tariff", nil, "", 200, &tariffBefore); err != nil {
		t.Fatal(err)
	}

	// Background traffic while the server stops.
	stop := make(chan struct{})
	wg := l.stream(ctx, t, a, "restart", 2, stop)
	time.Sleep(300 * time.Millisecond)

	// An entry whose body is sent only after SIGTERM: parkd must wait for
	// it and answer it before exiting. The request goes over a raw
	// connection with "Expect: 100-continue", so the test knows the
	// handler is running (it asked for the body) before the signal.
	slowPlate := loadgen.Plate(900_020)
	slowBody, _ := json.Marshal(newEvent("slow-in", "entry", slowPlate, time.Now()))
	host := strings.TrimPrefix(srv.url, "http://")
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "POST /v1/lots/restart/events HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", host, testToken, len(slowBody))
	br := bufio.NewReader(conn)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != http.StatusContinue {
		t.Fatalf("slow request: want 100 Continue, got %v %v", resp, err)
	}
	close(stop)
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Wait until parkd has stopped accepting connections: the shutdown has
	// begun while the slow request is still unanswered.
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("parkd still accepts connections 10 s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-srv.exited:
		t.Fatalf("parkd exited (%v) before answering the in-flight request", srv.err)
	default:
	}
	if _, err := conn.Write(slowBody); err != nil {
		t.Fatalf("in-flight request during SIGTERM: writing the body: %v", err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("in-flight request during SIGTERM: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var slowDec decision
	if resp.StatusCode != 200 || json.Unmarshal(b, &slowDec) != nil || slowDec.str("decision") != "open" {
		t.Fatalf("in-flight entry during SIGTERM: HTTP %d %s", resp.StatusCode, b)
	}
	if err := srv.stop(syscall.SIGTERM); err != nil {
		t.Fatalf("parkd after SIGTERM: %v (want exit status 0)", err)
	}
	wg.Wait()

	srv = startParkd(t, bin, data)
	a = newAPI(srv.url)
	l.entries[slowDec.str("stay_id")] = slowPlate
	l.verify(ctx, t, a, "restart")

	var tariffAfter json.RawMessage
	if _, err := a.do(ctx, "GET", "/v1/lots/restart/tariff", nil, "", 200, &tariffAfter); err != nil {
		t.Fatalf("tariff after restart: %v", err)
	}
	if !bytes.Equal(tariffAfter, tariffBefore) {
		t.Errorf("tariff after restart: %s, before: %s", tariffAfter, tariffBefore)
	}
	// The paid car leaves within its grace; the unpaid car is still held.
	var d decision
	if _, err := a.do(ctx, "POST", "/v1/lots/restart/events", newEvent("car0-out2", "exit", loadgen.Plate(900_000), time.Now()), "", 200, &d); err != nil ||
		d.str("decision") != "open" || d.str("reason") != "paid" {
		t.Errorf("paid car leaving after restart: %v %v", d, err)
	}
	heldExit.ID, heldExit.At = "held-out2", time.Now().UTC().Format(time.RFC3339Nano)
	if _, err := a.do(ctx, "POST", "/v1/lots/restart/events", heldExit, "", 200, &d); err != nil || d.str("decision") != "hold" {
		t.Errorf("unpaid car leaving after restart: %v %v", d, err)
	}
	// Inside now: every car that entered and did not leave. Entries sent
	// but unanswered when parkd stopped may or may not have counted.
	var occ struct{ Occupied int }
	if _, err := a.do(ctx, "GET", "/v1/lots/restart/occupancy", nil, "", 200, &occ); err != nil {
		t.Fatal(err)
	}
	inside := len(l.entries) + 1 // every acknowledged entry, and the held car
	for _, ae := range l.events {
		if ae.body.Type == "exit" && ae.dec.str("decision") == "open" {
			inside--
		}
	}
	inside-- // car0, just now
	if lo, hi := inside-l.lostExits, inside+l.lostEntries; occ.Occupied < lo || occ.Occupied > hi {
		t.Errorf("occupancy after restart: %d, want between %d and %d", occ.Occupied, lo, hi)
	}
}
