package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestSimRefusesBadFlags: a value a run cannot honour is refused (exit 1),
// naming the flag, and a stray argument is a command line that cannot be
// read (exit 2), before any parkd is reached (the URL below answers nothing:
// a run that started would fail on it instead).
func TestSimRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--events", "5", "extra"}, `unexpected argument "extra"`},
		{[]string{"--events", "5", "--lanes", "0"}, "--lanes must be between 1 and 64"},
		{[]string{"--events", "5", "--lots", "-1"}, "--lots must be between 1 and 50"},
		{[]string{"--events", "5", "--lots", "0"}, "--lots must be between 1 and 50"},
		{[]string{"--events", "5", "--duration", "-1s"}, "--duration -1s"},
		{[]string{"--events", "-1"}, "--events -1"},
		{[]string{"--duration", "2h"}, "--duration 2h0m0s: at most 1h0m0s"},
		{[]string{"--events", "10000001"}, "--events 10000001: at most 10000000"},
		{[]string{"--duration", "5s", "--events", "-3"}, "--events -3"},
		{[]string{"--events", "5", "--protocols", ","}, `--protocols "," names none of vzenith-http`},
		{[]string{"--events", "5", "--protocols", "vzenith-http,vzenith-http"}, "--protocols names vzenith-http twice"},
		{[]string{"--events", "5", "--protocols", "hikvision-isapi,hikvision"}, "--protocols names hikvision-isapi twice"},
		// The broker's address, as serve's --mqtt reads it: a password in
		// it is refused (it would reach the process list), not dropped.
		{[]string{"--events", "5", "--protocols", "vzenith-mqtt", "--mqtt", "mqtt://cam:s3cret@broker.invalid:1883"}, "PARKD_MQTT_USER"},
		{[]string{"--events", "5", "--protocols", "vzenith-mqtt", "--mqtt", "mqtt://"}, "has no host"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{"sim", "--quiet", "--url", "http://127.0.0.1:1", "--token", "x"}, c.args...)
			code, out, errOut := runParkd(nil, args...)
			wantCode := 1
			if strings.Contains(c.want, "unexpected argument") {
				wantCode = 2
			}
			if code != wantCode || !strings.HasPrefix(errOut, "parkd sim: ") || strings.Contains(errOut, "sim: sim:") ||
				!strings.Contains(errOut, c.want) || strings.Contains(errOut, "127.0.0.1:1") {
				t.Fatalf("exit %d, stdout %q, stderr %q: want exit %d, refused with %q before any request", code, out, errOut, wantCode, c.want)
			}
		})
	}
}

// TestSimHelp: --help prints the flags on standard output (so that it can
// be paged), and a bad flag is one line and a hint on standard error, as
// serve's are.
func TestSimHelp(t *testing.T) {
	t.Parallel()
	code, out, errOut := runParkd(nil, "sim", "--help")
	if code != 0 || errOut != "" || !strings.Contains(out, "-events") || !strings.Contains(out, "-protocols") ||
		!strings.HasPrefix(out, "usage: parkd sim [flags]\n") || !strings.Contains(out, "admin token of the parkd at --url") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want exit 0 and the flags on stdout", code, out, errOut)
	}
	code, out, errOut = runParkd(nil, "sim", "--bogus")
	want := "parkd sim: flag provided but not defined: -bogus\nrun 'parkd sim --help' for its flags\n"
	if code != 2 || out != "" || errOut != want {
		t.Fatalf("exit %d, stdout %q, stderr %q: want exit 2 and %q", code, out, errOut, want)
	}
}

// TestSimHelpHidesSecrets: the admin token from the environment is used,
// but --help, which is pasted into bug reports, prints neither it nor a
// broker's address from the environment (one with a password in it is
// refused by a run, as serve refuses it).
func TestSimHelpHidesSecrets(t *testing.T) {
	t.Setenv("PARKD_ADMIN_TOKEN", "hunter2")
	t.Setenv("PARKD_MQTT", "mqtt://cam:s3cret@127.0.0.1:1883")
	env := map[string]string{"PARKD_ADMIN_TOKEN": "hunter2", "PARKD_MQTT": "mqtt://cam:s3cret@127.0.0.1:1883"}
	code, out, errOut := runParkd(env, "sim", "--help")
	if code != 0 || strings.Contains(out+errOut, "hunter2") || strings.Contains(out+errOut, "s3cret") {
		t.Fatalf("exit %d; the help shows a secret:\n%s%s", code, out, errOut)
	}
	// The token from the environment is still the one sent.
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	defer srv.Close()
	delete(env, "PARKD_MQTT")
	if code, _, errOut := runParkd(env, "sim", "--quiet", "--events", "1", "--url", srv.URL); code == 0 || got != "Bearer hunter2" {
		t.Fatalf("exit %d, stderr %q, Authorization %q: want the environment's token sent", code, errOut, got)
	}
}

// TestSimFailedReadsExitNonZero: a run whose camera reads all failed
// prints its summary and exits 1, so that a script sees it failed. The
// parkd here takes the set-up (the native API) and fails every camera push.
func TestSimFailedReadsExitNonZero(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			w.Write([]byte("{}"))
			return
		}
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer srv.Close()
	code, out, errOut := runParkd(nil, "sim", "--quiet", "--events", "3", "--lanes", "1", "--url", srv.URL, "--token", "x")
	if code != 1 || !strings.Contains(out, "errors 3") || !strings.Contains(errOut, "parkd sim: 3 errors") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want the summary and exit 1", code, out, errOut)
	}
}

// TestSimRefusesURLWithPath: --url is a parkd's root (http://host:port);
// a path, query or credentials in it would be silently mangled into every
// request, so it is refused before any request, naming the flag.
func TestSimRefusesURLWithPath(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"http://127.0.0.1:1/v1", "http://127.0.0.1:1?x=1", "http://u:p@127.0.0.1:1", "http://127.0.0.1:1/#x"} {
		code, out, errOut := runParkd(nil, "sim", "--quiet", "--events", "5", "--token", "x", "--url", u)
		if code != 1 || !strings.HasPrefix(errOut, "parkd sim: --url") || !strings.Contains(errOut, "http://host:port") {
			t.Errorf("--url %s: exit %d, stdout %q, stderr %q: want exit 1 and the URL's form named", u, code, out, errOut)
		}
	}
}

// TestSimWrongToken: a parkd that refuses the admin token is named as
// such, pointing at --token, not answered with its raw problem document.
func TestSimWrongToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"status":401,"code":"unauthorized"}`))
	}))
	defer srv.Close()
	code, _, errOut := runParkd(nil, "sim", "--quiet", "--events", "5", "--url", srv.URL, "--token", "wrong")
	if code != 1 || !strings.Contains(errOut, "refused the admin token") || !strings.Contains(errOut, "--token") ||
		strings.Contains(errOut, "{") || strings.Contains(errOut, "wrong") {
		t.Fatalf("exit %d, stderr %q: want the token named as refused (without echoing it)", code, errOut)
	}
	code, _, errOut = runParkd(nil, "sim", "--quiet", "--events", "5", "--url", srv.URL)
	if code != 1 || !strings.Contains(errOut, "no admin token") || !strings.Contains(errOut, "PARKD_ADMIN_TOKEN") {
		t.Fatalf("exit %d, stderr %q: want the missing token named", code, errOut)
	}
}

// TestSimExistingLotOtherCurrency: a lot SIM001 already on the parkd in
// another currency than the simulator's CNY is refused before the run,
// rather than its takings summed and shown as yuan.
func TestSimExistingLotOtherCurrency(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "POST" && r.URL.Path == "/v1/lots":
			http.Error(w, `{"code":"conflict"}`, http.StatusConflict)
		case r.Method == "GET" && r.URL.Path == "/v1/lots/SIM001":
			w.Write([]byte(`{"code":"SIM001","currency":"BRL"}`))
		default:
			w.Write([]byte("{}"))
		}
	}))
	defer srv.Close()
	code, out, errOut := runParkd(nil, "sim", "--quiet", "--events", "3", "--lanes", "1", "--url", srv.URL, "--token", "x")
	if code != 1 || !strings.Contains(errOut, "lot SIM001 prices in BRL") || strings.Contains(out, "revenue") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want the lot's currency refused before the run", code, out, errOut)
	}
}

// TestSimTokenWithoutURL: --token is the admin token of the parkd at
// --url; given alone it would be dropped while the simulator starts a
// parkd of its own, so it is refused before anything runs.
func TestSimTokenWithoutURL(t *testing.T) {
	t.Parallel()
	code, out, errOut := runParkd(nil, "sim", "--quiet", "--events", "5", "--token", "secret-token-0123456789")
	if code != 2 || out != "" || !strings.HasPrefix(errOut, "parkd sim: --token names the admin token of the parkd at --url") ||
		strings.Contains(errOut, "secret-token") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want exit 2, --token refused without --url", code, out, errOut)
	}
}

// TestSimFindsToken: against a running parkd, a run without --token uses
// PARKD_ADMIN_TOKEN, else the admin-token file of the data folder (--data,
// else PARKD_DATA, else ./parkd-data, as serve's), where serve said it
// wrote the token; with none it stops at once, naming the three ways, and
// never prints a token.
func TestSimFindsToken(t *testing.T) {
	data := t.TempDir()
	// As serve writes it: one line, a newline at its end.
	if err := os.WriteFile(filepath.Join(data, "admin-token"), []byte("from-the-file-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	defer srv.Close()
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string // the Authorization sent
	}{
		{"File", nil, []string{"--data", data}, "Bearer from-the-file-0123456789"},
		{"PARKD_DATA", map[string]string{"PARKD_DATA": data}, nil, "Bearer from-the-file-0123456789"},
		{"EnvBeforeFile", map[string]string{"PARKD_ADMIN_TOKEN": "from-the-env"}, []string{"--data", data}, "Bearer from-the-env"},
		{"FlagBeforeAll", map[string]string{"PARKD_ADMIN_TOKEN": "from-the-env"}, []string{"--data", data, "--token", "from-the-flag"}, "Bearer from-the-flag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got.Store("")
			args := append([]string{"sim", "--quiet", "--events", "1", "--url", srv.URL}, c.args...)
			code, out, errOut := runParkd(c.env, args...)
			if code == 0 || got.Load() != c.want || strings.Contains(out+errOut, "from-the-") {
				t.Fatalf("exit %d, stdout %q, stderr %q, Authorization %q: want %q sent and no token printed", code, out, errOut, got.Load(), c.want)
			}
		})
	}
	t.Run("None", func(t *testing.T) {
		got.Store("")
		empty := t.TempDir()
		code, out, errOut := runParkd(nil, "sim", "--quiet", "--events", "1", "--url", srv.URL, "--data", empty)
		lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
		if code != 1 || out != "" || len(lines) != 1 || got.Load() != "" ||
			!strings.Contains(errOut, "--token") || !strings.Contains(errOut, "PARKD_ADMIN_TOKEN") ||
			!strings.Contains(errOut, filepath.Join(empty, "admin-token")) {
			t.Fatalf("exit %d, stdout %q, stderr %q, Authorization %q: want exit 1 before any request, one line naming --token, PARKD_ADMIN_TOKEN and the file", code, out, errOut, got.Load())
		}
	})
	t.Run("DefaultFolder", func(t *testing.T) {
		// No --data, no PARKD_DATA: ./parkd-data, serve's default.
		t.Chdir(t.TempDir())
		code, _, errOut := runParkd(nil, "sim", "--quiet", "--events", "1", "--url", srv.URL)
		if code != 1 || !strings.Contains(errOut, filepath.Join("parkd-data", "admin-token")) {
			t.Fatalf("exit %d, stderr %q: want ./parkd-data/admin-token named", code, errOut)
		}
	})
	t.Run("DataWithoutURL", func(t *testing.T) {
		// Without --url the run starts its own parkd: a --data given
		// would be silently dropped.
		code, _, errOut := runParkd(nil, "sim", "--quiet", "--events", "1", "--data", data)
		if code != 2 || !strings.Contains(errOut, "--data") || !strings.Contains(errOut, "--url") {
			t.Fatalf("exit %d, stderr %q: want exit 2 saying --data goes with --url", code, errOut)
		}
	})
}
