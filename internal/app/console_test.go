package app

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parkd/internal/config"
	"parkd/internal/demo"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// TestConsoleServed: a fresh data folder, a user added from the command
// line's code path, then the server: / leads to the console, which signs
// the user in and shows the lots.
func TestConsoleServed(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	c, err := config.Parse("parkd migrate", []string{"--data", data}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	const pw = "a password long enough"
	if _, err := AddUser(context.Background(), c, slog.New(slog.DiscardHandler),
		operators.NewOperator{Name: "root", Role: park.RoleAdmin, Password: pw}); err != nil {
		t.Fatal(err)
	}
	s := serve(t, "--data", data, "--demo")
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar}
	resp, err := cl.Get(s.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/console/login" || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
	tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
	if tok == nil {
		t.Fatalf("no form token on the sign-in page:\n%s", body)
	}
	req, _ := http.NewRequest(http.MethodPost, s.url+"/console/login",
		strings.NewReader(url.Values{"name": {"root"}, "password": {pw}, "csrf": {string(tok[1])}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Request.URL.Path != "/console/" || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="lots"`) {
		t.Fatalf("after sign-in: %s %d\n%s", resp.Request.URL, resp.StatusCode, body)
	}
	admin, err := os.ReadFile(c.TokenFile())
	if err != nil || len(admin) < 16 {
		t.Fatalf("admin token file: %v", err)
	}
	if strings.Contains(string(body), strings.TrimSpace(string(admin))) {
		t.Fatal("the admin token appears in a page")
	}

	// An unknown console URL gets the console's not-found page; an
	// unknown API URL still gets the API's problem document.
	for path, want := range map[string]string{"/console/nope": "text/html", "/v1/nope": "application/problem+json"} {
		resp, err := cl.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(ct, want) {
			t.Errorf("GET %s: %d %s, want 404 %s", path, resp.StatusCode, ct, want)
		}
	}

	// A lanes page left open: its event stream must not hold the
	// server's graceful stop (which waits for every request).
	resp, err = cl.Get(s.url + "/console/lots/" + demo.LotCode + "/lanes/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first, err := bufio.NewReader(resp.Body).ReadString('\n')
	if resp.StatusCode != http.StatusOK || first != "retry: 2000\n" {
		t.Fatalf("stream: %d %q %v", resp.StatusCode, first, err)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("stopping with a stream open: %v", err)
	}
}
