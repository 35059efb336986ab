package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParse(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c, err := Parse("parkd serve", nil, env(nil), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != "127.0.0.1:8080" || c.Data != "./parkd-data" || c.DB != filepath.Join("./parkd-data", "parkd.db") ||
			c.SQLiteSync != "NORMAL" || c.PGMaxConns != 16 || c.IsPostgres() || c.DeliveryLease != 2*time.Minute {
			t.Fatalf("defaults %+v", c)
		}
	})
	t.Run("TrustedProxies", func(t *testing.T) {
		c, err := Parse("parkd serve", nil, env(map[string]string{"PARKD_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"}), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "127.0.0.1/32" || c.TrustedProxies[2].String() != "::1/128" {
			t.Fatalf("trusted proxies %v", c.TrustedProxies)
		}
	})
	t.Run("EnvAndFlags", func(t *testing.T) {
		e := env(map[string]string{"PARKD_ADDR": "0.0.0.0:9000", "PARKD_DATA": "/var/lib/parkd", "PARKD_PG_MAX_CONNS": "32",
			"PARKD_DB": "postgres://u@h/db", "PARKD_ADMIN_TOKEN": "0123456789abcdef", "PARKD_DELIVERY_LEASE": "30s"})
		c, err := Parse("parkd serve", []string{"--addr", "127.0.0.1:1", "--delivery-lease", "10s"}, e, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != "127.0.0.1:1" || c.Data != "/var/lib/parkd" || !c.IsPostgres() || c.PGMaxConns != 32 || c.AdminToken != "0123456789abcdef" ||
			c.DeliveryLease != 10*time.Second {
			t.Fatalf("flags must win over the environment: %+v", c)
		}
	})
	t.Run("DeliveryRetention", func(t *testing.T) {
		retention := func(e map[string]string, args ...string) time.Duration {
			t.Helper()
			c, err := Parse("parkd serve", args, env(e), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			return c.DeliveryRetention
		}
		if d := retention(nil); d != 30*24*time.Hour {
			t.Errorf("default retention %s, want 30 days", d)
		}
		if d := retention(map[string]string{"PARKD_DELIVERY_RETENTION": "168h"}); d != 7*24*time.Hour {
			t.Errorf("PARKD_DELIVERY_RETENTION=168h: %s", d)
		}
		if d := retention(map[string]string{"PARKD_DELIVERY_RETENTION": "168h"}, "--delivery-retention", "2160h"); d != 90*24*time.Hour {
			t.Errorf("the flag must win: %s", d)
		}
		if d := retention(nil, "--delivery-retention", "0"); d != 0 {
			t.Errorf("--delivery-retention 0 (kept forever): %s", d)
		}
	})
	t.Run("Booleans", func(t *testing.T) {
		// A boolean flag takes what its variable takes (yes, no, 1, 0,
		// true, false), and a value it does not take is named with the
		// ones it does; before, --allow-private-webhooks=yes was refused
		// with "parse error" while PARKD_ALLOW_PRIVATE_WEBHOOKS=yes was taken.
		for v, want := range map[string]bool{"yes": true, "no": false, "1": true, "0": false, "true": true, "FALSE": false} {
			c, err := Parse("parkd serve", []string{"--allow-private-webhooks=" + v, "--demo=" + v}, env(nil), io.Discard)
			if err != nil || c.AllowPrivateWebhooks != want || c.Demo != want {
				t.Errorf("--allow-private-webhooks=%s --demo=%s: %+v, %v; want %v", v, v, c, err, want)
			}
		}
		c, err := Parse("parkd serve", []string{"--allow-private-webhooks", "--demo"}, env(nil), io.Discard)
		if err != nil || !c.AllowPrivateWebhooks || !c.Demo {
			t.Errorf("--allow-private-webhooks --demo alone: %+v, %v; want both on", c, err)
		}
		_, err = Parse("parkd serve", []string{"--allow-private-webhooks=maybe"}, env(nil), io.Discard)
		if err == nil || !strings.Contains(err.Error(), `"maybe"`) || strings.Contains(err.Error(), "parse error") || !strings.Contains(err.Error(), "yes") {
			t.Errorf("--allow-private-webhooks=maybe: %v; want the value refused naming the ones taken", err)
		}
		_, err = Parse("parkd serve", nil, env(map[string]string{"PARKD_ALLOW_PRIVATE_WEBHOOKS": "maybe"}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "yes") {
			t.Errorf("PARKD_ALLOW_PRIVATE_WEBHOOKS=maybe: %v; want the value refused naming the ones taken", err)
		}
	})
	t.Run("Tilde", func(t *testing.T) {
		// A ~ no shell expanded (an environment file, a systemd unit)
		// would make a folder named "~" in the working directory.
		for _, e := range []map[string]string{{"PARKD_DATA": "~/parkd-data"}, {"PARKD_DB": "~/parkd.db"}, {"PARKD_DATA": "~"}} {
			_, err := Parse("parkd serve", nil, env(e), io.Discard)
			if err == nil || !strings.Contains(err.Error(), "~") || !strings.Contains(err.Error(), "full path") {
				t.Errorf("%v: %v; want it refused asking for the full path", e, err)
			}
		}
		if _, err := Parse("parkd serve", []string{"--data", "./~x"}, env(nil), io.Discard); err != nil {
			t.Errorf("--data ./~x (a folder so named on purpose): %v", err)
		}
	})
	t.Run("MQTTBroker", func(t *testing.T) {
		// The broker's address is checked before anything starts: one
		// without a host, with a path, or with a bad port is refused naming
		// the flag; one without a port is on MQTT's, 1883, as with other
		// MQTT clients (before, parkd retried "missing port in address"
		// forever); a user name or password in it is refused, pointing to
		// the variables that carry them (before, they were ignored, and
		// the address, password and all, was written to the log).
		for in, want := range map[string]string{
			"mqtt://broker:1884": "mqtt://broker:1884", "mqtt://broker": "mqtt://broker:1883",
			"tcp://10.0.0.5": "tcp://10.0.0.5:1883", "mqtt://[::1]": "mqtt://[::1]:1883", "mqtt://broker:1883/": "mqtt://broker:1883",
		} {
			c, err := Parse("parkd serve", []string{"--mqtt", in}, env(nil), io.Discard)
			if err != nil || c.MQTT != want {
				t.Errorf("--mqtt %s: %v; want %s", in, err, want)
			}
		}
		for in, want := range map[string]string{
			"mqtt://":                         "mqtt: \"mqtt://\" has no host",
			"mqtt://broker:99999":             "port",
			"mqtt://broker:x":                 "port",
			"mqtt://broker:1883/lanes":        "path",
			"mqtt://broker:1883?x=1":          "query",
			"mqtt://parkd:s3cret@broker:1883": "PARKD_MQTT_USER and PARKD_MQTT_PASSWORD",
		} {
			_, err := Parse("parkd serve", []string{"--mqtt", in}, env(nil), io.Discard)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("--mqtt %s: %v; want it refused saying %q", in, err, want)
			} else if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("--mqtt %s: the refusal shows the password: %v", in, err)
			}
		}
	})
	t.Run("MQTTClientID", func(t *testing.T) {
		c, err := Parse("parkd serve", nil, env(map[string]string{"PARKD_MQTT_CLIENT_ID": "parkd-node-1"}), io.Discard)
		if err != nil || c.MQTTClientID != "parkd-node-1" {
			t.Fatalf("PARKD_MQTT_CLIENT_ID=parkd-node-1: %q, %v", c.MQTTClientID, err)
		}
		for _, bad := range []string{"node 1", "node/1", "node#1", "节点1", strings.Repeat("n", 129)} {
			if _, err := Parse("parkd serve", []string{"--mqtt-client-id", bad}, env(nil), io.Discard); err == nil ||
				!strings.Contains(err.Error(), "mqtt-client-id") {
				t.Errorf("--mqtt-client-id %q: %v, want refused naming the flag", bad, err)
			}
		}
	})
	t.Run("MQTTGroup", func(t *testing.T) {
		group := func(e map[string]string, args ...string) string {
			t.Helper()
			e["PARKD_ADMIN_TOKEN"] = "0123456789abcdef"
			c, err := Parse("parkd serve", args, env(e), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			return c.MQTTGroup
		}
		pg := group(map[string]string{"PARKD_DB": "postgres://u:secret@db:5432/parkd", "PARKD_PG_SCHEMA": "site1"})
		// One deployment's nodes agree, whoever they sign in as.
		if g := group(map[string]string{"PARKD_DB": "postgres://other@db:5432/parkd?sslmode=require", "PARKD_PG_SCHEMA": "site1"}); g != pg {
			t.Errorf("one database and schema: groups %s and %s", pg, g)
		}
		if !strings.HasPrefix(pg, "parkd-") || strings.Contains(pg, "secret") || strings.ContainsAny(pg, "/+#") {
			t.Errorf("group %q", pg)
		}
		// Another schema, database or server is another deployment.
		for _, e := range []map[string]string{
			{"PARKD_DB": "postgres://u:secret@db:5432/parkd", "PARKD_PG_SCHEMA": "site2"},
			{"PARKD_DB": "postgres://u:secret@db:5432/parkd2", "PARKD_PG_SCHEMA": "site1"},
			{"PARKD_DB": "postgres://u:secret@db2:5432/parkd", "PARKD_PG_SCHEMA": "site1"},
			{"PARKD_DB": "/var/lib/parkd/parkd.db"},
		} {
			if g := group(e); g == pg {
				t.Errorf("%v: the group of another deployment, %s", e, g)
			}
		}
		if g := group(map[string]string{"PARKD_MQTT_GROUP": "lot-a"}); g != "lot-a" {
			t.Errorf("PARKD_MQTT_GROUP=lot-a: group %s", g)
		}
		if g := group(map[string]string{"PARKD_MQTT_GROUP": "lot-a"}, "--mqtt-group", "lot-b"); g != "lot-b" {
			t.Errorf("the flag must win: group %s", g)
		}
	})
	t.Run("MigratePostgresWithoutToken", func(t *testing.T) {
		// Only serve answers the admin token; migrating needs none.
		if _, err := Parse("parkd migrate", nil, env(map[string]string{"PARKD_DB": "postgres://u@db/parkd"}), io.Discard); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("DemoIsServeOnly", func(t *testing.T) {
		// migrate loads no demo: the flag would be accepted and do nothing.
		if _, err := Parse("parkd migrate", []string{"--demo"}, env(nil), io.Discard); err == nil || !strings.Contains(err.Error(), "-demo") {
			t.Fatalf("parkd migrate --demo: %v, want the flag refused", err)
		}
	})
	// Only serve answers with the admin token: a token the environment
	// file gets wrong stops serve, not a migration, a backup or a user
	// made before it (they ignored no setting of theirs).
	t.Run("token only for serve", func(t *testing.T) {
		for name, args := range map[string][]string{"parkd migrate": nil, "parkd backup": {"--to", t.TempDir() + "/copy.db"},
			"parkd user add": nil, "parkd rental resync": nil} {
			c, err := Parse(name, args, env(map[string]string{"PARKD_ADMIN_TOKEN": "short"}), io.Discard)
			if err != nil {
				t.Errorf("%s with PARKD_ADMIN_TOKEN=short: %v; want it not refused", name, err)
			} else if c.AdminToken != "" {
				t.Errorf("%s with PARKD_ADMIN_TOKEN=short: token %q; want it not read", name, c.AdminToken)
			}
		}
		if _, err := Parse("parkd serve", nil, env(map[string]string{"PARKD_ADMIN_TOKEN": "short"}), io.Discard); err == nil {
			t.Error("parkd serve with PARKD_ADMIN_TOKEN=short: accepted, want it refused")
		}
	})
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"sync":        {[]string{"--sqlite-sync", "OFF"}, nil, "sqlite-sync"},
		"conns range": {[]string{"--pg-max-conns", "0"}, nil, "pg-max-conns"},
		"conns env":   {nil, map[string]string{"PARKD_PG_MAX_CONNS": "many"}, "PARKD_PG_MAX_CONNS"},
		"token":       {nil, map[string]string{"PARKD_ADMIN_TOKEN": "short"}, "PARKD_ADMIN_TOKEN"},
		// A secret mounted from a file often ends in a newline: such a
		// token could never be sent, so every request would answer 401.
		"token newline": {nil, map[string]string{"PARKD_ADMIN_TOKEN": "0123456789abcdef\n"}, "PARKD_ADMIN_TOKEN"},
		"token space":   {nil, map[string]string{"PARKD_ADMIN_TOKEN": " 0123456789abcdef"}, "PARKD_ADMIN_TOKEN"},
		"metrics tab":   {nil, map[string]string{"PARKD_METRICS_TOKEN": "0123456789\tabcdef"}, "PARKD_METRICS_TOKEN"},
		"level":         {[]string{"--log-level", "loud"}, nil, "log level"},
		"argument":      {[]string{"extra"}, nil, "unexpected argument"},
		"proxies":       {[]string{"--trusted-proxies", "10.0.0.0/8,proxy.local"}, nil, "trusted-proxies"},
		"lease short":   {[]string{"--delivery-lease", "1s"}, nil, "delivery-lease"},
		"lease long":    {[]string{"--delivery-lease", "2h"}, nil, "delivery-lease"},
		"lease env":     {nil, map[string]string{"PARKD_DELIVERY_LEASE": "soon"}, "PARKD_DELIVERY_LEASE"},
		"mqtt group":    {[]string{"--mqtt-group", "a/b"}, nil, "mqtt-group"},
		// A retention of minutes would delete what an operator is still
		// looking at; a negative one means nothing.
		"retention negative": {[]string{"--delivery-retention", "-1h"}, nil, "delivery-retention: -1h0m0s is negative"},
		"retention short":    {[]string{"--delivery-retention", "10m"}, nil, "delivery-retention: 10m0s is less than 1h"},
		// Go durations have no days: a value in days says how to write it.
		"retention days":      {[]string{"--delivery-retention", "30d"}, nil, "delivery-retention: \"30d\": write days as hours, e.g. 720h"},
		"retention env":       {nil, map[string]string{"PARKD_DELIVERY_RETENTION": "30d"}, "PARKD_DELIVERY_RETENTION: \"30d\": write days as hours, e.g. 720h"},
		"retention half days": {nil, map[string]string{"PARKD_DELIVERY_RETENTION": "1.5d"}, "\"1.5d\": write days as hours, e.g. 36h"},
		"lease days env":      {nil, map[string]string{"PARKD_DELIVERY_LEASE": "1d"}, "PARKD_DELIVERY_LEASE: \"1d\": write days as hours, e.g. 24h"},
		"retention word":      {nil, map[string]string{"PARKD_DELIVERY_RETENTION": "a month"}, "PARKD_DELIVERY_RETENTION: \"a month\" is not a duration such as 2m or 30s"},
		"retention word d":    {nil, map[string]string{"PARKD_DELIVERY_RETENTION": "good"}, "PARKD_DELIVERY_RETENTION: \"good\" is not a duration such as 2m or 30s"},
		// A PostgreSQL node's setting without its PARKD_DB: not a SQLite node.
		"conns on SQLite":     {[]string{"--pg-max-conns", "8"}, nil, "pg-max-conns"},
		"conns env on SQLite": {nil, map[string]string{"PARKD_PG_MAX_CONNS": "8"}, "pg-max-conns"},
		// A mistyped PostgreSQL URL must not become a local SQLite file.
		"db scheme":        {[]string{"--db", "postgress://u@db/parkd"}, nil, "db:"},
		"schema on SQLite": {nil, map[string]string{"PARKD_PG_SCHEMA": "site1"}, "pg-schema"},
		"db env":           {nil, map[string]string{"PARKD_DB": "mysql://u:secret@db/parkd"}, "neither a SQLite file"},
		// Refused before the database is opened or migrated, naming the setting.
		"addr no port":    {[]string{"--addr", "0.0.0.0"}, nil, `addr: "0.0.0.0" is not host:port`},
		"addr port range": {nil, map[string]string{"PARKD_ADDR": ":99999"}, `addr: ":99999" is not host:port`},
		"metrics addr":    {[]string{"--metrics-addr", "9090"}, nil, `metrics-addr: "9090" is not host:port`},
		// Credentials for a broker nobody named: a lost PARKD_MQTT would
		// otherwise leave the cameras' MQTT reads unheard, silently.
		"mqtt user alone":     {nil, map[string]string{"PARKD_MQTT_USER": "parkd"}, "PARKD_MQTT_USER: is set but no broker is"},
		"mqtt password alone": {nil, map[string]string{"PARKD_MQTT_PASSWORD": "s3cret"}, "PARKD_MQTT_PASSWORD: is set but no broker is"},
		// Each node would generate a token of its own into its data
		// folder: an admin call would pass on one node and fail on the next.
		"token on PostgreSQL": {nil, map[string]string{"PARKD_DB": "postgres://u@db/parkd"}, "PARKD_ADMIN_TOKEN: must be set when the database is PostgreSQL"},
	} {
		t.Run("Err_"+name, func(t *testing.T) {
			_, err := Parse("parkd serve", tc.args, env(tc.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
}

func TestEnsureAdminToken(t *testing.T) {
	c := &Config{Data: filepath.Join(t.TempDir(), "data")}
	created, err := c.EnsureAdminToken()
	if err != nil || !created || len(c.AdminToken) < 16 {
		t.Fatalf("first start: created %v token %q err %v", created, c.AdminToken, err)
	}
	fi, err := os.Stat(c.TokenFile())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	again := &Config{Data: c.Data}
	created, err = again.EnsureAdminToken()
	if err != nil || created || again.AdminToken != c.AdminToken {
		t.Fatalf("second start must reuse the kept token: created %v, %q vs %q, %v", created, again.AdminToken, c.AdminToken, err)
	}
	fromEnv := &Config{Data: c.Data, AdminToken: "from-the-environment"}
	if created, err := fromEnv.EnsureAdminToken(); err != nil || created || fromEnv.AdminToken != "from-the-environment" {
		t.Fatalf("the environment's token must win: %v %v %q", created, err, fromEnv.AdminToken)
	}
}

// TestAdminTokenFileTightened: a kept token file that a copy of the data
// folder left readable by others is made the owner's only, as the
// database files are; never loosened.
func TestAdminTokenFileTightened(t *testing.T) {
	c := &Config{Data: t.TempDir()}
	if err := os.WriteFile(c.TokenFile(), []byte("pk_0123456789abcdef0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ was, want os.FileMode }{{0o644, 0o600}, {0o640, 0o600}, {0o400, 0o400}} {
		if err := os.Chmod(c.TokenFile(), m.was); err != nil {
			t.Fatal(err)
		}
		again := &Config{Data: c.Data}
		if _, err := again.EnsureAdminToken(); err != nil || again.AdminToken != "pk_0123456789abcdef0123" {
			t.Fatalf("mode %o: token %q, %v", m.was, again.AdminToken, err)
		}
		if fi, err := os.Stat(c.TokenFile()); err != nil || fi.Mode().Perm() != m.want {
			t.Fatalf("token file was %o: now %o (%v), want %o", m.was, fi.Mode().Perm(), err, m.want)
		}
	}
}

// TestAdminTokenFileRules: a kept token is held to the rules of
// PARKD_ADMIN_TOKEN. One that no request could carry (a line break or a
// tab inside, from an edit of the file) is refused at start, naming the
// file, rather than answering every admin call 401; and the metrics token
// must differ from it, as from a token set in the environment.
func TestAdminTokenFileRules(t *testing.T) {
	for name, content := range map[string]string{
		"two lines": "pk_0123456789abcdef0123\npk_fedcba9876543210fedc\n",
		"tab":       "pk_0123456789\tabcdef0123\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := &Config{Data: t.TempDir()}
			if err := os.WriteFile(c.TokenFile(), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := c.EnsureAdminToken(); err == nil || !strings.Contains(err.Error(), c.TokenFile()) || !strings.Contains(err.Error(), "control character") {
				t.Fatalf("token file %q: %v; want it refused naming the file and the control character", content, err)
			}
		})
	}
	t.Run("metrics token", func(t *testing.T) {
		c := &Config{Data: t.TempDir(), MetricsToken: "pk_0123456789abcdef0123"}
		if err := os.WriteFile(c.TokenFile(), []byte("pk_0123456789abcdef0123\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := c.EnsureAdminToken(); err == nil || !strings.Contains(err.Error(), "PARKD_METRICS_TOKEN") {
			t.Fatalf("metrics token equal to the kept admin token: %v; want it refused", err)
		}
	})
}
