package main

import (
	"strings"
	"testing"
)

// TestSimRefusesBadFlags: a value a run cannot honour is refused, naming
// the flag, before any parkd is reached (the URL below answers nothing:
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
		{[]string{"--events", "5", "--duration", "-1s"}, "--duration -1s"},
		{[]string{"--events", "-1"}, "--events -1"},
		{[]string{"--duration", "5s", "--events", "-3"}, "--events -3"},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{"sim", "--quiet", "--url", "http://127.0.0.1:1", "--token", "x"}, c.args...)
			code, out, errOut := runParkd(nil, args...)
			if code == 0 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "127.0.0.1:1") {
				t.Fatalf("exit %d, stdout %q, stderr %q: want refused with %q before any request", code, out, errOut, c.want)
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
	if code != 0 || errOut != "" || !strings.Contains(out, "-events") || !strings.Contains(out, "-protocols") {
		t.Fatalf("exit %d, stdout %q, stderr %q: want exit 0 and the flags on stdout", code, out, errOut)
	}
	code, out, errOut = runParkd(nil, "sim", "--bogus")
	want := "parkd sim: flag provided but not defined: -bogus\nrun 'parkd sim --help' for its flags\n"
	if code != 2 || out != "" || errOut != want {
		t.Fatalf("exit %d, stdout %q, stderr %q: want exit 2 and %q", code, out, errOut, want)
	}
}
