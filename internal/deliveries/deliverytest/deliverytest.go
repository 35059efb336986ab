// Package deliverytest gives tests a partner's receiver of reports: a
// real HTTP server on loopback that records every request parkd sends and
// answers as the test scripts it (at once, slowly, never, with any status,
// or with bytes that are not HTTP). The deliveries, dialect, API and
// process tests share it.
package deliverytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Answer is how the receiver answers one request.
type Answer struct {
	Status int // 0: 204 No Content
	Header http.Header
	Body   string
	// Wait delays the answer (a slow partner); the request's end (parkd
	// giving up) or the receiver's close cuts it short.
	Wait time.Duration
	// Until holds the answer until the channel is closed: a test decides
	// when a request under way ends, whatever the machine's speed.
	Until <-chan struct{}
	// Hang never answers: parkd's attempt timeout ends the request.
	Hang bool
	// Garbage answers bytes that are not HTTP and closes the connection.
	Garbage bool
}

// Request is one request the receiver got.
type Request struct {
	Seq     int    // arrival order, from 1
	EventID string // webhook-id, or the body's eventId (the Ebopark shape)
	Try     int    // 1 for the first request of EventID, 2 for the next, ...
	Path    string
	Header  http.Header
	Query   url.Values
	Body    []byte
	Answer  Answer
	// Acked is true when the answer acknowledges the report (Receiver.Ack)
	// and was sent in full.
	Acked bool
	// Start is when the request came; End when the receiver was done with
	// it (answered, or the client went away), zero while it is open.
	Start, End time.Time
}

// Receiver is a partner's endpoint.
type Receiver struct {
	*httptest.Server
	// Ack tells whether an answer acknowledges a report (default: 2xx,
	// the native format's rule). Set it before the first request.
	Ack func(status int, body string) bool

	mu     sync.Mutex
	got    []Request
	tries  map[string]int
	acked  map[string]int
	script func(Request) Answer
	stop   chan struct{}
}

// New starts a receiver that answers 204 until Script says otherwise. It
// is closed when the test ends; requests still hanging then are cut.
func New(t testing.TB) *Receiver {
	rc := &Receiver{tries: map[string]int{}, acked: map[string]int{}, stop: make(chan struct{}),
		script: func(Request) Answer { return Answer{} },
		Ack:    func(status int, _ string) bool { return status >= 200 && status < 300 }}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	// Cleanups run last-in first-out: hanging handlers are released, then
	// the server closes (Close waits for every handler).
	t.Cleanup(rc.Close)
	t.Cleanup(func() { close(rc.stop) })
	return rc
}

// Script sets how the following requests are answered.
func (rc *Receiver) Script(f func(Request) Answer) {
	rc.mu.Lock()
	rc.script = f
	rc.mu.Unlock()
}

func (rc *Receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("webhook-id")
	if id == "" {
		var b struct {
			EventID string `json:"eventId"`
		}
		_ = json.Unmarshal(body, &b)
		id = b.EventID
	}
	rc.mu.Lock()
	rc.tries[id]++
	req := Request{Seq: len(rc.got) + 1, EventID: id, Try: rc.tries[id], Path: r.URL.Path, Header: r.Header.Clone(),
		Query: r.URL.Query(), Body: body, Start: time.Now()}
	a := rc.script(req)
	if a.Status == 0 {
		a.Status = http.StatusNoContent
	}
	req.Answer = a
	rc.got = append(rc.got, req)
	i := len(rc.got) - 1
	rc.mu.Unlock()
	defer func() {
		rc.mu.Lock()
		rc.got[i].End = time.Now()
		rc.mu.Unlock()
	}()

	switch {
	case a.Hang:
		select {
		case <-r.Context().Done():
		case <-rc.stop:
		}
		return
	case a.Garbage:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_, _ = io.WriteString(conn, "THIS IS NOT HTTP\r\n\r\n")
				conn.Close()
			}
		}
		return
	case a.Wait > 0:
		select {
		case <-time.After(a.Wait):
		case <-r.Context().Done():
			return
		case <-rc.stop:
			return
		}
	case a.Until != nil:
		select {
		case <-a.Until:
		case <-r.Context().Done():
			return
		case <-rc.stop:
			return
		}
	}
	for k, v := range a.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.Status)
	_, err := io.WriteString(w, a.Body)
	if err == nil && rc.Ack(a.Status, a.Body) {
		rc.mu.Lock()
		rc.got[i].Acked = true
		rc.acked[id]++
		rc.mu.Unlock()
	}
}

// Requests returns every request so far, in arrival order.
func (rc *Receiver) Requests() []Request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Request(nil), rc.got...)
}

// Len is how many requests came.
func (rc *Receiver) Len() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

// Acked returns how many times each event id was acknowledged.
func (rc *Receiver) Acked() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make(map[string]int, len(rc.acked))
	for k, v := range rc.acked {
		out[k] = v
	}
	return out
}

// WaitFor polls cond until it holds, failing the test after within. It is
// for generous bounds (seconds): a test asserts what happened, never how
// fast.
func WaitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var (
	uuidRE    = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	locatorRE = regexp.MustCompile(`"locator": "[0-9]+"`)
)

// Golden compares a JSON body, indented, with the file at path, after
// replacing what is random by design: each distinct UUID by id-1, id-2,
// ... in the order they first appear (so the file still shows which ids
// are the same), and locators by 1234567890. With update, it writes the
// file first.
func Golden(t testing.TB, path string, body []byte, update bool) {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(body), "", "  "); err != nil {
		t.Fatalf("%s: not JSON: %v: %s", path, err, body)
	}
	ids := map[string]string{}
	got := uuidRE.ReplaceAllFunc(out.Bytes(), func(id []byte) []byte {
		n, ok := ids[string(id)]
		if !ok {
			n = fmt.Sprintf("id-%d", len(ids)+1)
			ids[string(id)] = n
		}
		return []byte(n)
	})
	got = append(locatorRE.ReplaceAll(got, []byte(`"locator": "1234567890"`)), '\n')
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got: %s\nwant: %s", path, got, want)
	}
}

// Figures checks the amounts and times a JSON body shows: every value
// whose key isFigure accepts must be in want, under its path (keys and
// array indexes joined by "."), with that value (compared as printed:
// 700, "2026-11-23T09:12:00Z"); and want may name nothing the body lacks.
// A golden file's figures are so each worked out by a test.
func Figures(t testing.TB, name string, body []byte, isFigure func(key string) bool, want map[string]any) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	seen := map[string]bool{}
	var walk func(path, key string, v any)
	walk = func(path, key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				walk(join(path, k), k, y)
			}
		case []any:
			for i, y := range x {
				walk(join(path, fmt.Sprint(i)), key, y)
			}
		default:
			if !isFigure(key) {
				return
			}
			seen[path] = true
			w, ok := want[path]
			switch {
			case !ok:
				t.Errorf("%s: %s is %v, and no test works it out", name, path, x)
			case fmt.Sprint(x) != fmt.Sprint(w):
				t.Errorf("%s: %s is %v, want %v", name, path, x, w)
			}
		}
	}
	walk("", "", v)
	for path := range want {
		if !seen[path] {
			t.Errorf("%s: no %s", name, path)
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
