package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"parkd/internal/store/sqlite"
)

// readmeSettings returns the flags and environment variables of the
// README's Configuration table, for serve (serveOnly among them) and for
// migrate only, so that the help cannot drift from the documentation.
func readmeSettings(t *testing.T) (serve, serveOnly, migrateOnly []string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	table, _, _ = strings.Cut(strings.TrimLeft(table, "\n"), "\n\n")
	name := regexp.MustCompile("`(--[a-z-]+|PARKD_[A-Z_]+)`")
	for _, row := range strings.Split(table, "\n")[2:] {
		for _, m := range name.FindAllStringSubmatch(row, -1) {
			// The help lists flags the flag package's way, with one dash.
			s := strings.TrimPrefix(m[1], "-")
			switch {
			case strings.Contains(row, "migrate only"):
				migrateOnly = append(migrateOnly, s)
			case strings.Contains(row, "serve only"):
				serveOnly = append(serveOnly, s)
				serve = append(serve, s)
			default:
				serve = append(serve, s)
			}
		}
	}
	if len(serve) < 10 || len(migrateOnly) != 2 {
		t.Fatalf("README table not read: serve %q, migrate only %q", serve, migrateOnly)
	}
	return serve, serveOnly, migrateOnly
}

func TestHelp(t *testing.T) {
	t.Parallel()
	serve, serveOnly, migrateOnly := readmeSettings(t)
	for _, args := range [][]string{{"serve", "--help"}, {"serve", "-h"}, {"migrate", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runParkd(nil, args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q; want exit 0 and the usage on stdout", code, errOut)
			}
			want := serve
			if args[0] == "migrate" {
				// The admin token is the server's; migrate has no use for it.
				want = append(slices.DeleteFunc(slices.Clone(serve), func(s string) bool {
					return s == "PARKD_ADMIN_TOKEN" || slices.Contains(serveOnly, s)
				}), migrateOnly...)
			}
			for _, s := range want {
				if !strings.Contains(out, s) {
					t.Errorf("help does not mention %s:\n%s", s, out)
				}
			}
			if args[0] == "serve" && !strings.Contains(out, `"127.0.0.1:8080"`) {
				t.Errorf("help does not show the default address:\n%s", out)
			}
		})
	}
	t.Run("BuiltInDefaults", func(t *testing.T) {
		t.Parallel()
		// A help pasted into a bug report must not carry the database
		// password, and must work while a variable is malformed.
		env := map[string]string{"PARKD_DB": "postgres://parkd:hunter2@db/parkd", "PARKD_PG_MAX_CONNS": "many"}
		code, out, errOut := runParkd(env, "serve", "--help")
		if code != 0 || strings.Contains(out, "hunter2") || !strings.Contains(out, "(default 16)") {
			t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
		}
	})
}

// TestHelpCommand: parkd help COMMAND prints what parkd COMMAND --help
// prints, as git help does; an unknown command is named.
func TestHelpCommand(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "migrate", "backup", "user", "rental", "sim"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			_, want, _ := runParkd(nil, cmd, "--help")
			for _, help := range []string{"help", "--help", "-h"} {
				code, out, errOut := runParkd(nil, help, cmd)
				if code != 0 || errOut != "" || out != want || !strings.Contains(out, "parkd "+cmd) {
					t.Errorf("parkd %s %s: exit %d, stderr %q, stdout:\n%s\nwant exit 0 and parkd %s --help's:\n%s", help, cmd, code, errOut, out, cmd, want)
				}
			}
		})
	}
	code, out, errOut := runParkd(nil, "help", "--bogus")
	if code != 2 || out != "" || !strings.Contains(errOut, `unknown command "--bogus"`) {
		t.Errorf("parkd help --bogus: exit %d, stdout %q, stderr %q; want exit 2 naming the unknown command", code, out, errOut)
	}
	code, out, errOut = runParkd(nil, "help", "serve", "extra")
	if code != 2 || out != "" || !strings.Contains(errOut, `unexpected argument "extra"`) {
		t.Errorf("parkd help serve extra: exit %d, stdout %q, stderr %q; want exit 2 naming the extra argument", code, out, errOut)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	_, want, _ := runParkd(nil, "version")
	if !strings.HasPrefix(want, "parkd ") {
		t.Fatalf("parkd version printed %q", want)
	}
	for _, arg := range []string{"--version", "-version"} {
		code, out, errOut := runParkd(nil, arg)
		if code != 0 || out != want || errOut != "" {
			t.Errorf("parkd %s: exit %d, stdout %q, stderr %q; want exit 0 and %q", arg, code, out, errOut, want)
		}
	}
}

// TestVersionOfABuildWithoutVCS: a binary built without version control
// information (a source tarball, -buildvcs=false) says "dev", not the
// module system's "(devel)", which read as "parkd (devel)".
func TestVersionOfABuildWithoutVCS(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{&debug.BuildInfo{}, "dev"},
		{nil, "dev"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef"}}}, "dev-0123456789ab"},
	} {
		if got := versionFrom(tc.bi); got != tc.want {
			t.Errorf("versionFrom(%+v) = %q, want %q", tc.bi, got, tc.want)
		}
	}
}

// TestVersionHelp: version is one of the commands the usage lists, so
// parkd help version and parkd version --help answer its usage, as every
// other command's do; before, the first said "unknown command" and the
// second "unexpected argument", both exiting 2.
func TestVersionHelp(t *testing.T) {
	t.Parallel()
	var first string
	for _, args := range [][]string{{"help", "version"}, {"version", "--help"}, {"version", "-h"}, {"--help", "version"}} {
		code, out, errOut := runParkd(nil, args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "usage: parkd version") {
			t.Errorf("parkd %s: exit %d, stderr %q, stdout %q; want exit 0 and the usage of parkd version", strings.Join(args, " "), code, errOut, out)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Errorf("parkd %s printed %q, parkd help version %q", strings.Join(args, " "), out, first)
		}
	}
}

// TestNoArgumentCommands: commands that take nothing refuse what they are
// given, as serve refuses an unknown flag, instead of ignoring a typo.
func TestNoArgumentCommands(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"version", "--bogus"}, {"version", "extra"}, {"--version", "--bogus"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runParkd(nil, args...)
			if code != 2 || out != "" {
				t.Fatalf("exit %d, stdout %q; want exit 2 and nothing on stdout", code, out)
			}
			if !strings.Contains(errOut, "unexpected argument "+strconv.Quote(args[1])) ||
				!strings.Contains(errOut, "takes no arguments") {
				t.Errorf("want an error naming %q and saying the command takes none:\n%s", args[1], errOut)
			}
		})
	}
}

func TestBadFlag(t *testing.T) {
	t.Parallel()
	code, out, errOut := runParkd(nil, "serve", "--bogus")
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q; want exit 2 and nothing on stdout", code, out)
	}
	if n := strings.Count(errOut, "flag provided but not defined: -bogus"); n != 1 {
		t.Errorf("the error is printed %d times, want once:\n%s", n, errOut)
	}
	if !strings.Contains(errOut, "parkd serve --help") || strings.Contains(errOut, "-sqlite-sync") {
		t.Errorf("want a hint to run --help instead of the whole usage:\n%s", errOut)
	}
}

// TestFailedStart: a start that fails before serving says why, once, and
// leaves no data folder, token or database behind that it created.
func TestFailedStart(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Not defer: the parallel subtests run after this function returns.
	t.Cleanup(func() { taken.Close() })
	addr := taken.Addr().String()

	t.Run("PortTaken", func(t *testing.T) {
		t.Parallel()
		data := filepath.Join(t.TempDir(), "parkd-data")
		code, _, errOut := runParkd(nil, "serve", "--addr", addr, "--data", data)
		if code != 1 || !strings.Contains(errOut, addr) || !strings.HasPrefix(errOut, "parkd: ") || strings.Contains(errOut, "{") {
			t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and a plain line \"parkd: ...\" naming %s", code, errOut, addr)
		}
		if strings.Contains(strings.ToLower(errOut), "river") {
			t.Errorf("the job queue's noise hides the reason:\n%s", errOut)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("the failed start left %s behind (%v)", data, err)
		}
	})
	t.Run("PortTakenWithDemo", func(t *testing.T) {
		// What the demo would load and log comes after the port is known
		// free: the failure is the one line on stderr, nothing on stdout.
		t.Parallel()
		code, out, errOut := runParkd(nil, "serve", "--addr", addr, "--data", filepath.Join(t.TempDir(), "parkd-data"), "--demo")
		if code != 1 || out != "" || !strings.HasPrefix(errOut, "parkd: ") || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, addr) {
			t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 1, nothing on stdout and one line \"parkd: ...\" naming %s", code, out, errOut, addr)
		}
	})
	t.Run("LoggedThenFailed", func(t *testing.T) {
		// A token file left beside PARKD_ADMIN_TOKEN is warned of before
		// the database opens; here the database is no database, so the
		// start fails after the warning: the warning, of a start that did
		// not happen, is not printed before the one line.
		t.Parallel()
		data := t.TempDir()
		if err := os.WriteFile(filepath.Join(data, "admin-token"), []byte("pk_the-former-generated-token\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(data, "parkd.db")
		if err := os.WriteFile(db, []byte(strings.Repeat("not a database\n", 512)), 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"PARKD_ADMIN_TOKEN": "the-token-from-the-environment"}
		code, out, errOut := runParkd(env, "serve", "--addr", "127.0.0.1:0", "--data", data, "--demo")
		if code != 1 || out != "" || !strings.HasPrefix(errOut, "parkd: ") || strings.Count(errOut, "\n") != 1 || strings.Contains(errOut, "{") {
			t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 1, nothing on stdout and one line \"parkd: ...\"", code, out, errOut)
		}
	})
	t.Run("PortTakenKeepsExistingData", func(t *testing.T) {
		t.Parallel()
		data := t.TempDir()
		st, err := sqlite.Open(context.Background(), filepath.Join(data, "parkd.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
		token := filepath.Join(data, "admin-token")
		if err := os.WriteFile(token, []byte("kept-admin-token-0123456789\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if code, _, errOut := runParkd(nil, "serve", "--addr", addr, "--data", data); code != 1 {
			t.Fatalf("exit %d, stderr:\n%s", code, errOut)
		}
		for _, p := range []string{token, filepath.Join(data, "parkd.db")} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("the failed start removed what it had not created: %v", err)
			}
		}
	})
	t.Run("DatabaseFails", func(t *testing.T) {
		t.Parallel()
		// The token is generated into a new data folder, then the database
		// cannot be created because its folder is a file.
		dir := t.TempDir()
		data := filepath.Join(dir, "parkd-data")
		notFolder := filepath.Join(dir, "file")
		if err := os.WriteFile(notFolder, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(notFolder, "parkd.db")
		code, _, errOut := runParkd(nil, "serve", "--addr", "127.0.0.1:0", "--data", data, "--db", db)
		// A new user reads one plain line naming the --db given, not a
		// JSON log record: the server's log starts only once it serves.
		if code != 1 || !strings.HasPrefix(errOut, "parkd: ") || strings.Count(errOut, "\n") != 1 ||
			strings.Contains(errOut, "{") || !strings.Contains(errOut, db) {
			t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and one line \"parkd: ...\" naming %s", code, errOut, db)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Errorf("the failed start left %s behind (%v)", data, err)
		}
		if _, err := os.Stat(notFolder); err != nil {
			t.Errorf("the failed start removed what it had not created: %v", err)
		}
		if !strings.Contains(errOut, "give --db a path") {
			t.Errorf("stderr:\n%s\nwant it to say what to do: give --db a path ...", errOut)
		}
	})
	t.Run("DataFolderFails", func(t *testing.T) {
		t.Parallel()
		// Only --data is given, under a file: the line names --data and
		// that folder, not a --db the user never typed.
		dir := t.TempDir()
		notFolder := filepath.Join(dir, "file")
		if err := os.WriteFile(notFolder, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		data := filepath.Join(notFolder, "parkd-data")
		code, _, errOut := runParkd(nil, "serve", "--addr", "127.0.0.1:0", "--data", data)
		if code != 1 || !strings.HasPrefix(errOut, "parkd: ") || strings.Count(errOut, "\n") != 1 {
			t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 and one line \"parkd: ...\"", code, errOut)
		}
		if !strings.Contains(errOut, "--data "+data) || strings.Contains(errOut, "--db") || !strings.Contains(errOut, "give --data a folder") {
			t.Errorf("stderr:\n%s\nwant it to name --data %s, not --db, and say to give --data a folder parkd can create", errOut, data)
		}
	})
}

// TestDatabaseIsAFolder: --db naming a folder (the data folder, typed for
// --data) is refused before anything is written, saying so; before,
// SQLite said "unable to open database file (14)" and a lock file was
// left beside the folder.
func TestDatabaseIsAFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "parkd-data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate"}, {"serve", "--addr", "127.0.0.1:0"}} {
		cmd := args[0]
		code, _, errOut := runParkd(nil, append(args, "--db", dir)...)
		if code != 2 || !strings.Contains(errOut, "is a folder") || !strings.Contains(errOut, filepath.Join(dir, "parkd.db")) {
			t.Errorf("parkd %s --db FOLDER: exit %d, stderr:\n%s\nwant exit 2 saying it is a folder and naming %s", cmd, code, errOut, filepath.Join(dir, "parkd.db"))
		}
	}
	if _, err := os.Stat(dir + ".lock"); !os.IsNotExist(err) {
		t.Errorf("a refused start left %s.lock behind (%v)", dir, err)
	}
}

// TestMigrateSaysVersion: parkd migrate says which schema version the
// database is at, and from which it came when it applied migrations.
func TestMigrateSaysVersion(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../internal/store/sqlite/migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	last := strings.TrimLeft(strings.SplitN(filepath.Base(files[len(files)-1]), "_", 2)[0], "0")
	data := t.TempDir()
	code, out, errOut := runParkd(nil, "migrate", "--data", data, "--log-level", "warn")
	want := fmt.Sprintf("from schema version 0 to %s (applied %d migrations)", last, len(files))
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("first migrate: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	code, out, errOut = runParkd(nil, "migrate", "--data", data, "--log-level", "warn")
	want = "up to date at schema version " + last + "\n"
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("second migrate: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
}

// TestCommandHelpListsItsFlags: the help of a command that only opens the
// database lists the flags it reads, not serve's: --addr, --delivery-lease
// and --allow-private-webhooks did nothing to parkd migrate, parkd user add
// or parkd rental resync, yet their help offered them.
func TestCommandHelpListsItsFlags(t *testing.T) {
	t.Parallel()
	database := []string{"data", "db", "log-level", "pg-max-conns", "pg-schema", "sqlite-sync"}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"migrate", "--help"}, append(slices.Clone(database), "to")},
		{[]string{"user", "add", "--help"}, database},
		{[]string{"rental", "--help"}, database},
		{[]string{"rental", "resync", "--help"}, database},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runParkd(nil, tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			// The flag package lists each flag as "  -name type".
			var got []string
			for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(out, -1) {
				got = append(got, m[1])
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("help lists flags %q, want %q:\n%s", got, want, out)
			}
			if strings.Contains(out, "serve's") {
				t.Errorf("help says its flags are serve's:\n%s", out)
			}
		})
	}
	// Flags it does not read are refused like any unknown flag, not taken
	// and ignored.
	code, _, errOut := runParkd(nil, "migrate", "--data", t.TempDir(), "--addr", "0.0.0.0:80")
	if code != 2 || !strings.Contains(errOut, "-addr") {
		t.Errorf("parkd migrate --addr: exit %d, stderr %q; want exit 2 naming the flag", code, errOut)
	}
}
