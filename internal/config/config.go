// Package config reads parkd's settings from flags and their environment
// equivalents (flags win), and validates them before anything starts.
package config

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything `parkd serve` needs to start.
type Config struct {
	Addr       string // listen address
	Data       string // data folder (SQLite file, generated admin token)
	DB         string // SQLite file path, or a postgres:// URL
	AdminToken string
	Demo       bool
	LogLevel   slog.Level
	SQLiteSync string // NORMAL or FULL
	PGMaxConns int32  // PostgreSQL pool size per node
	// pgConnsGiven says PGMaxConns was set (flag or environment), not
	// defaulted: on SQLite that means a PostgreSQL node lost its PARKD_DB.
	pgConnsGiven bool
	// dbDefaulted says DB is <data>/parkd.db because none was given, so
	// an error about its folder names --data, the flag the user typed.
	dbDefaulted bool
	serve       bool   // parkd serve, which answers the admin token
	PGSchema    string // PostgreSQL schema ("" = the connection's default)
	To          string // migrate only: a postgres:// URL to copy the SQLite database into
	BackupTo    string // backup only: the new file to write the SQLite database's copy into
	backup      bool   // parkd backup
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (for the per-address sign-in limits); parsed from
	// trustedProxies by Validate.
	TrustedProxies []netip.Prefix
	trustedProxies string
	// MetricsAddr, when set, is the listen address that serves
	// GET /metrics (and the main address does not); MetricsToken, when
	// set, is the bearer token /metrics asks for (else, on the main
	// address, the admin token; on MetricsAddr, none).
	MetricsAddr  string
	MetricsToken string
	// AllowPrivateWebhooks lets partner subscriptions deliver to loopback
	// and private addresses (an operator's own receivers).
	AllowPrivateWebhooks bool
	// DeliveryLease is how long a node's claim on a delivery lasts: how
	// soon another node (or this one, restarted) sends again what a node
	// that died was sending. Every attempt ends within it.
	DeliveryLease time.Duration
	// DeliveryRetention is how long a finished delivery (delivered or
	// dead) is kept after its last change, and a report once none of its
	// deliveries is left (0: kept forever). Serve only.
	DeliveryRetention time.Duration
	// MQTT is the broker lane devices speak through (mqtt://host:port;
	// "": none); MQTTUser and MQTTPassword sign parkd in.
	MQTT         string
	MQTTUser     string
	MQTTPassword string
	// MQTTGroup is the shared-subscription group of this deployment's
	// nodes: each camera message goes to one session of the group, so a
	// group shared with another deployment on the broker would give it a
	// share. The default is one of this database and schema.
	MQTTGroup string
	// MQTTClientID names this node's persistent session on the broker
	// ("": parkd- and the host name and listen address). It must stay the
	// same across restarts: a node that comes back under another id leaves
	// its old session in the group, and the broker queues a share of the
	// reads for it (a container's host name changes with each start).
	MQTTClientID string
	// MQTTEphemeral (no flag: the simulator's own parkd) connects with a
	// clean session of its own, outside the nodes' shared group: nothing
	// to keep after it stops, and no session left behind whose share of
	// the cameras' messages the broker would queue for it.
	MQTTEphemeral bool
}

// Bounds of DeliveryLease: long enough to make an attempt, short enough
// that a dead node's deliveries do not wait for hours.
const (
	MinDeliveryLease     = 5 * time.Second
	MaxDeliveryLease     = time.Hour
	DefaultDeliveryLease = 2 * time.Minute
)

// DefaultDeliveryRetention keeps finished deliveries a month, for
// operators to look at and replay; MinDeliveryRetention keeps them at
// least as long as an operator may still be looking into a day's
// failures.
const (
	DefaultDeliveryRetention = 30 * 24 * time.Hour
	MinDeliveryRetention     = time.Hour
)

// Parse reads args (without the subcommand) and the environment. name is
// the command line's start, "parkd serve" or "parkd migrate"; only migrate
// takes --to. Parse prints nothing but the usage, to help, when args ask for
// it (-h, --help); it then returns flag.ErrHelp. Other errors are returned
// for the caller to print once.
func Parse(name string, args []string, getenv func(string) string, help io.Writer) (*Config, error) {
	c := &Config{}
	var level string
	var pgConns int
	fs, envErr := declare(name, c, &level, &pgConns, getenv)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(help, name)
		}
		return nil, err
	}
	if envErr != nil {
		return nil, envErr
	}
	if pgConns < 1 || pgConns > 1000 {
		return nil, fmt.Errorf("pg-max-conns: %d is not between 1 and 1000", pgConns)
	}
	c.PGMaxConns = int32(pgConns)
	c.pgConnsGiven = getenv("PARKD_PG_MAX_CONNS") != ""
	fs.Visit(func(f *flag.Flag) { c.pgConnsGiven = c.pgConnsGiven || f.Name == "pg-max-conns" })
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level: %q is not debug, info, warn or error", level)
	}
	c.serve = strings.HasSuffix(name, " serve")
	c.backup = strings.HasSuffix(name, " backup")
	if c.serve {
		// Only serve answers with it; the other commands open the database.
		c.AdminToken = getenv("PARKD_ADMIN_TOKEN")
		c.MetricsToken = getenv("PARKD_METRICS_TOKEN")
	}
	if unexpandedHome(c.DB) {
		return nil, fmt.Errorf("db: %q starts with ~, which no shell expanded here (an environment file, a service unit): give the full path", c.DB)
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.Data, "parkd.db")
		c.dbDefaulted = true
	}
	c.SQLiteSync = strings.ToUpper(c.SQLiteSync)
	if strings.HasSuffix(name, " serve") && c.MQTTGroup == "" {
		c.MQTTGroup = defaultMQTTGroup(c.DB, c.PGSchema)
	}
	return c, c.Validate()
}

// defaultMQTTGroup names the nodes of one deployment, those sharing one
// database and schema: PostgreSQL's host, port and database name (not
// who signs in), or the SQLite file on this host. A hash, because a
// group name may not hold '/', '+' or '#', and a database name need not
// be shown to the broker.
func defaultMQTTGroup(db, schema string) string {
	id := db
	if u, err := url.Parse(db); err == nil && isPostgresURL(db) {
		id = "postgres://" + u.Host + u.Path
	} else if abs, err := filepath.Abs(db); err == nil {
		host, _ := os.Hostname()
		id = "sqlite://" + host + abs
	}
	sum := sha256.Sum256([]byte(id + "\x00" + schema))
	return "parkd-" + hex.EncodeToString(sum[:6])
}

// declare defines name's flags, which write into c, level and pgConns.
// A flag's default is its environment variable's value, so that a flag
// given on the command line wins. A malformed variable is returned as
// envErr rather than at once, so that --help still works.
func declare(name string, c *Config, level *string, pgConns *int, getenv func(string) string) (fs *flag.FlagSet, envErr error) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package would print each error and the whole usage; the
	// caller prints the error once, with a hint to run --help.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&c.Data, "data", envOr(getenv, "PARKD_DATA", "./parkd-data"), "data folder (PARKD_DATA)")
	fs.StringVar(&c.DB, "db", getenv("PARKD_DB"), "database: a SQLite file path or a postgres:// URL (PARKD_DB; default <data>/parkd.db)")
	fs.StringVar(level, "log-level", envOr(getenv, "PARKD_LOG_LEVEL", "info"), "debug, info, warn or error (PARKD_LOG_LEVEL)")
	fs.StringVar(&c.SQLiteSync, "sqlite-sync", envOr(getenv, "PARKD_SQLITE_SYNC", "NORMAL"), "SQLite synchronous mode: NORMAL or FULL (PARKD_SQLITE_SYNC)")
	defConns, envErr := envInt(getenv, "PARKD_PG_MAX_CONNS", 16)
	fs.IntVar(pgConns, "pg-max-conns", defConns, "PostgreSQL connections per node (PARKD_PG_MAX_CONNS)")
	fs.StringVar(&c.PGSchema, "pg-schema", getenv("PARKD_PG_SCHEMA"), "PostgreSQL schema to use, created if missing (PARKD_PG_SCHEMA)")
	// The other commands only open the database: serve's flags would be
	// offered to them and do nothing.
	if strings.HasSuffix(name, " serve") {
		fs.StringVar(&c.Addr, "addr", envOr(getenv, "PARKD_ADDR", "127.0.0.1:8080"), "listen address (PARKD_ADDR)")
		fs.Var(boolFlag{&c.Demo}, "demo", "load the demo lots, passes and stays (idempotent)")
		fs.StringVar(&c.MetricsAddr, "metrics-addr", getenv("PARKD_METRICS_ADDR"), "serve GET /metrics on this listen address only, e.g. 127.0.0.1:9090, instead of behind a token on --addr (PARKD_METRICS_ADDR)")
		fs.StringVar(&c.MQTT, "mqtt", getenv("PARKD_MQTT"), "MQTT broker of the lane devices, e.g. mqtt://127.0.0.1:1883 (PARKD_MQTT; PARKD_MQTT_USER and PARKD_MQTT_PASSWORD sign in)")
		c.MQTTUser, c.MQTTPassword = getenv("PARKD_MQTT_USER"), getenv("PARKD_MQTT_PASSWORD")
		fs.StringVar(&c.MQTTClientID, "mqtt-client-id", getenv("PARKD_MQTT_CLIENT_ID"), "this node's session on the MQTT broker, the same across restarts (PARKD_MQTT_CLIENT_ID; default parkd- and the host name and listen address)")
		fs.StringVar(&c.MQTTGroup, "mqtt-group", getenv("PARKD_MQTT_GROUP"), "shared-subscription group of this deployment's nodes on the MQTT broker (PARKD_MQTT_GROUP; default parkd- and a hash of the database and schema)")
		defRetention, err := envDuration(getenv, "PARKD_DELIVERY_RETENTION", DefaultDeliveryRetention)
		envErr = errors.Join(envErr, err)
		c.DeliveryRetention = defRetention
		fs.Var(durationFlag{&c.DeliveryRetention}, "delivery-retention",
			"how long finished partner deliveries (delivered or dead) and their reports are kept, a `duration` of at least 1h (days as hours: 720h); 0 keeps them forever (PARKD_DELIVERY_RETENTION)")
		fs.StringVar(&c.trustedProxies, "trusted-proxies", getenv("PARKD_TRUSTED_PROXIES"), "reverse proxies whose X-Forwarded-For gives the client's address: IPs or CIDRs, comma-separated (PARKD_TRUSTED_PROXIES; default none)")
		defPriv, err := envBool(getenv, "PARKD_ALLOW_PRIVATE_WEBHOOKS")
		envErr = errors.Join(envErr, err)
		c.AllowPrivateWebhooks = defPriv
		fs.Var(boolFlag{&c.AllowPrivateWebhooks}, "allow-private-webhooks",
			"let partner subscriptions deliver to loopback and private addresses (PARKD_ALLOW_PRIVATE_WEBHOOKS=1)")
		defLease, err := envDuration(getenv, "PARKD_DELIVERY_LEASE", DefaultDeliveryLease)
		envErr = errors.Join(envErr, err)
		c.DeliveryLease = defLease
		fs.Var(durationFlag{&c.DeliveryLease}, "delivery-lease",
			"how long (a `duration`) a node's claim on a delivery lasts before another may send it; attempts end within it (PARKD_DELIVERY_LEASE)")
	}
	if strings.HasSuffix(name, " migrate") {
		fs.StringVar(&c.To, "to", getenv("PARKD_MIGRATE_TO"), "copy the SQLite database (--db, --data) into this empty postgres:// database, in --pg-schema if set, and verify the copy (PARKD_MIGRATE_TO)")
	}
	if strings.HasSuffix(name, " backup") {
		fs.StringVar(&c.BackupTo, "to", "", "write the copy of the SQLite database (--db, --data) into this `file`, which must not exist")
	}
	return fs, envErr
}

// envBool reads a boolean variable: "" is false, else as parseBool.
func envBool(getenv func(string) string, key string) (bool, error) {
	if getenv(key) == "" {
		return false, nil
	}
	b, err := parseBool(getenv(key))
	if err != nil {
		return false, fmt.Errorf("%s: %w", key, err)
	}
	return b, nil
}

// parseBool reads a boolean setting, a flag's or a variable's alike:
// "1", "true", "yes" are true; "0", "false", "no" false, in any case.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, fmt.Errorf("%q is not 1 or 0 (yes or no, true or false)", v)
}

// boolFlag is a boolean flag that takes what its variable takes (yes and
// no too), and says so of a value it does not, where the flag package's
// own takes neither and says only "parse error".
type boolFlag struct{ b *bool }

func (f boolFlag) IsBoolFlag() bool { return true } // --demo alone is --demo=true

func (f boolFlag) String() string {
	if f.b == nil || !*f.b { // nil: the zero value the flag package makes for its help
		return "false"
	}
	return "true"
}

func (f boolFlag) Set(v string) error {
	b, err := parseBool(v)
	if err != nil {
		return err
	}
	*f.b = b
	return nil
}

// printUsage writes name's flags with their built-in defaults: declared
// without the environment, so that a password in PARKD_DB is never shown
// as a default.
func printUsage(w io.Writer, name string) {
	fs, _ := declare(name, &Config{}, new(string), new(int), func(string) string { return "" })
	fmt.Fprintf(w, "usage: %s [flags]\n\nA flag can be set instead by the environment variable in its\nparentheses; a flag given on the command line wins.\n\nflags:\n", name)
	fs.SetOutput(w)
	fs.PrintDefaults()
	if strings.HasSuffix(name, " backup") {
		fmt.Fprint(w, `
parkd backup --to FILE writes a consistent copy of the SQLite database,
the -wal file's commits included, while parkd serves it; it never
overwrites FILE. Restore with parkd stopped (docs/deploy.md, "Backups").
A PostgreSQL database is backed up with pg_dump instead.
`)
	}
	if strings.HasSuffix(name, " serve") {
		fmt.Fprint(w, `
environment only:
  PARKD_ADMIN_TOKEN
    	admin bearer token, at least 16 characters (default: generated on
    	first start into <data>/admin-token, and read from there after;
    	required on PostgreSQL, the same on every node)
  PARKD_METRICS_TOKEN
    	bearer token of GET /metrics, at least 16 characters (default: the
    	admin token on --addr, none on --metrics-addr)
  GOGC
    	Go's garbage collector target (default 400 for parkd serve, not
    	Go's 100; see docs/deploy.md)
`)
	}
}

// Validate checks settings that would otherwise fail later and obscurely.
func (c *Config) Validate() error {
	proxies, err := parseProxies(c.trustedProxies)
	if err != nil {
		return fmt.Errorf("trusted-proxies: %w", err)
	}
	c.TrustedProxies = proxies
	if c.MQTT != "" {
		broker, err := BrokerAddress(c.MQTT)
		if err != nil {
			return fmt.Errorf("mqtt: %w", err)
		}
		c.MQTT = broker
	}
	switch {
	case c.serve && c.Addr == "":
		return errors.New("addr: must not be empty")
	case c.serve && badListenAddr(c.Addr):
		return fmt.Errorf("addr: %q is not host:port with a port from 0 to 65535 (e.g. 127.0.0.1:8080)", c.Addr)
	case c.MetricsAddr != "" && badListenAddr(c.MetricsAddr):
		return fmt.Errorf("metrics-addr: %q is not host:port with a port from 0 to 65535 (e.g. 127.0.0.1:9090)", c.MetricsAddr)
	case c.Data == "":
		return errors.New("data: must not be empty")
	case unexpandedHome(c.Data):
		return fmt.Errorf("data: %q starts with ~, which no shell expanded here (an environment file, a service unit): give the full path, e.g. /var/lib/parkd", c.Data)
	case c.SQLiteSync != "NORMAL" && c.SQLiteSync != "FULL":
		return fmt.Errorf("sqlite-sync: %q is not NORMAL or FULL", c.SQLiteSync)
	case c.AdminToken != "" && len(c.AdminToken) < 16:
		return errors.New("PARKD_ADMIN_TOKEN: must be at least 16 characters")
	case c.MetricsToken != "" && len(c.MetricsToken) < 16:
		return errors.New("PARKD_METRICS_TOKEN: must be at least 16 characters")
	case unsendable(c.AdminToken):
		return errors.New("PARKD_ADMIN_TOKEN: holds a control character (a trailing newline?) or starts or ends with a space, which no Authorization header carries")
	case unsendable(c.MetricsToken):
		return errors.New("PARKD_METRICS_TOKEN: holds a control character (a trailing newline?) or starts or ends with a space, which no Authorization header carries")
	case c.MetricsToken != "" && c.MetricsToken == c.AdminToken:
		return errors.New("PARKD_METRICS_TOKEN: must differ from the admin token (a scraper needs no admin rights)")
	case c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0"):
		return errors.New("metrics-addr: must differ from addr (leave it empty to serve /metrics on addr, behind a token)")
	case c.MQTT == "" && c.MQTTUser != "":
		return errors.New("PARKD_MQTT_USER: is set but no broker is (set --mqtt or PARKD_MQTT)")
	case c.MQTT == "" && c.MQTTPassword != "":
		return errors.New("PARKD_MQTT_PASSWORD: is set but no broker is (set --mqtt or PARKD_MQTT)")
	case c.MQTTGroup != "" && strings.ContainsAny(c.MQTTGroup, "/+#"):
		return fmt.Errorf("mqtt-group: %q holds '/', '+' or '#', which a shared-subscription group may not", c.MQTTGroup)
	case c.MQTTClientID != "" && (len(c.MQTTClientID) > maxMQTTClientID || strings.ContainsFunc(c.MQTTClientID, notIDRune)):
		return fmt.Errorf("mqtt-client-id: %q must be 1 to %d letters, digits, '-', '_' or '.'", c.MQTTClientID, maxMQTTClientID)
	case c.To != "" && !isPostgresURL(c.To):
		return errors.New("to: must be a postgres:// or postgresql:// URL")
	case c.serve && (c.DeliveryLease < MinDeliveryLease || c.DeliveryLease > MaxDeliveryLease):
		return fmt.Errorf("delivery-lease: %s is not between %s and %s", c.DeliveryLease, MinDeliveryLease, MaxDeliveryLease)
	case c.DeliveryRetention < 0:
		return fmt.Errorf("delivery-retention: %s is negative (0 keeps finished deliveries forever)", c.DeliveryRetention)
	case c.DeliveryRetention > 0 && c.DeliveryRetention < MinDeliveryRetention:
		return fmt.Errorf("delivery-retention: %s is less than %s (0 keeps finished deliveries forever)", c.DeliveryRetention, "1h")
	case !c.IsPostgres() && strings.Contains(c.DB, "://"):
		return fmt.Errorf("db: %q is neither a SQLite file path nor a postgres:// or postgresql:// URL", redactURL(c.DB))
	case !c.IsPostgres() && isFolder(c.DB):
		return fmt.Errorf("db: %s is a folder; the database is a file in it, e.g. %s (or give the folder as --data)", c.DB, filepath.Join(c.DB, "parkd.db"))
	case c.pgConnsGiven && !c.IsPostgres() && c.To == "":
		return fmt.Errorf("pg-max-conns: is set but the database is the SQLite file %s (set --db to a postgres:// URL)", c.DB)
	case c.PGSchema != "" && !c.IsPostgres() && c.To == "":
		// A lost PARKD_DB would otherwise run a node on a SQLite file.
		return fmt.Errorf("pg-schema: %q is set but the database is the SQLite file %s (set --db to a postgres:// URL)", c.PGSchema, c.DB)
	case c.backup && c.IsPostgres():
		return errors.New("db: is a PostgreSQL database, which parkd backup does not copy: back it up with pg_dump (docs/deploy.md, \"Backups\")")
	case c.backup && c.BackupTo == "":
		return errors.New("to: the backup file to write is required (--to FILE)")
	case c.backup && strings.Contains(c.BackupTo, "://"):
		return fmt.Errorf("to: %q is not a file path (parkd backup writes a SQLite file)", redactURL(c.BackupTo))
	case c.backup && unexpandedHome(c.BackupTo):
		return fmt.Errorf("to: %q starts with ~, which no shell expanded here: give the full path", c.BackupTo)
	case c.To != "" && c.IsPostgres():
		return errors.New("to: the database to copy from (--db) must be a SQLite file, not PostgreSQL")
	case c.serve && c.IsPostgres() && c.AdminToken == "":
		// A token generated into this node's data folder would be this
		// node's alone: admin calls would fail on every other node.
		return errors.New("PARKD_ADMIN_TOKEN: must be set when the database is PostgreSQL (every node needs the same one; a generated token would be this node's alone)")
	}
	return nil
}

// unexpandedHome reports a path that starts with the shell's ~ (alone or
// as ~/... or ~user/...), which only a shell expands: taken as it is, it
// is a folder named "~" in the working directory.
func unexpandedHome(path string) bool {
	return strings.HasPrefix(path, "~")
}

// isFolder reports whether path is an existing folder.
func isFolder(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// defaultMQTTPort is MQTT's own port (without TLS), which a broker address
// without a port is on, as with other MQTT clients.
const defaultMQTTPort = "1883"

// BrokerAddress reads an MQTT broker's address, mqtt://host[:port] (or
// tcp://), and returns it with its port. A user name or password in it is
// refused: the variables carry them, out of the process's arguments and
// of the log.
func BrokerAddress(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "mqtt" && u.Scheme != "tcp"):
		return "", fmt.Errorf("%q is not an mqtt://host:port address", redactURL(raw))
	case u.User != nil:
		return "", fmt.Errorf("%q holds a user name or password: give them as PARKD_MQTT_USER and PARKD_MQTT_PASSWORD instead", redactURL(raw))
	case u.Hostname() == "":
		return "", fmt.Errorf("%q has no host (mqtt://host:port, e.g. mqtt://localhost:1883)", raw)
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("%q has a path, which a broker's address has not (mqtt://host:port)", raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("%q has a query or fragment, which a broker's address has not (mqtt://host:port)", raw)
	}
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return "", fmt.Errorf("%q has an empty port", raw)
		}
		port = defaultMQTTPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%q: the port must be a number from 1 to 65535", raw)
	}
	return u.Scheme + "://" + net.JoinHostPort(u.Hostname(), port), nil
}

// maxMQTTClientID bounds a client id; MQTT 3.1.1 only promises 23
// characters, but brokers such as Mosquitto take longer ones.
const maxMQTTClientID = 128

// badListenAddr reports an address net.Listen would refuse for its form,
// so that it is refused at start rather than after the database is migrated.
func badListenAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return true
	}
	_, err = net.LookupPort("tcp", port)
	return err != nil
}

func notIDRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}

// parseProxies reads a comma-separated list of IP addresses and CIDR
// prefixes.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// redactURL hides the password of a URL-like value in an error.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// DBDefaulted reports whether DB is the data folder's parkd.db because
// neither --db nor PARKD_DB gave one.
func (c *Config) DBDefaulted() bool { return c.dbDefaulted }

// IsPostgres reports whether DB names a PostgreSQL server.
func (c *Config) IsPostgres() bool { return isPostgresURL(c.DB) }

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// TokenFile is where a generated admin token is kept.
func (c *Config) TokenFile() string { return filepath.Join(c.Data, "admin-token") }

// EnsureAdminToken settles the admin token: the environment's, else the one
// kept in the data folder (its mode tightened to the owner's), else a new
// one written there with mode 0600.
// created reports a new token, which the caller prints once.
func (c *Config) EnsureAdminToken() (created bool, err error) {
	if c.AdminToken != "" {
		return false, nil
	}
	b, err := os.ReadFile(c.TokenFile())
	if err == nil {
		c.AdminToken = strings.TrimSpace(string(b))
		if len(c.AdminToken) < 16 {
			return false, fmt.Errorf("%s: token too short; delete the file to generate a new one", c.TokenFile())
		}
		// The rules of PARKD_ADMIN_TOKEN (Validate), for a token kept by
		// hand: an edit may have left a second line or a tab in it.
		if unsendable(c.AdminToken) {
			return false, fmt.Errorf("%s: the token holds a control character (a second line, a tab), which no Authorization header carries; keep one line, or delete the file to generate a new one", c.TokenFile())
		}
		if c.MetricsToken == c.AdminToken {
			return false, fmt.Errorf("PARKD_METRICS_TOKEN: must differ from the admin token in %s (a scraper needs no admin rights)", c.TokenFile())
		}
		// Readable by parkd's user only, as the database files: a copy
		// of the folder may have made it world-readable.
		if fi, err := os.Stat(c.TokenFile()); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(c.TokenFile(), fi.Mode().Perm()&^0o077); err != nil {
				return false, fmt.Errorf("make %s private: %w", c.TokenFile(), err)
			}
		}
		return false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("read admin token: %w", err)
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return false, err
	}
	c.AdminToken = "pk_" + hex.EncodeToString(raw[:])
	if err := os.MkdirAll(c.Data, 0o700); err != nil {
		return false, fmt.Errorf("create data folder: %w", err)
	}
	f, err := os.OpenFile(c.TokenFile(), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, fmt.Errorf("save admin token: %w", err)
	}
	if _, err := f.WriteString(c.AdminToken + "\n"); err != nil {
		f.Close()
		return false, fmt.Errorf("save admin token: %w", err)
	}
	return true, f.Close()
}

func envInt(getenv func(string) string, key string, def int) (int, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a whole number", key, v)
	}
	return n, nil
}

func envDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := parseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return d, nil
}

// parseDuration is time.ParseDuration with an error an operator can act
// on. A Go duration has no days, and a retention is naturally said in
// days: such a value is answered with the hours to write instead.
func parseDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err == nil {
		return d, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err == nil && n >= 0 && n*24 < math.MaxInt64/float64(time.Hour) {
			hours := time.Duration(n * 24 * float64(time.Hour))
			as := hours.String()
			if hours%time.Hour == 0 {
				as = fmt.Sprintf("%dh", hours/time.Hour)
			}
			return 0, fmt.Errorf("%q: write days as hours, e.g. %s", v, as)
		}
	}
	return 0, fmt.Errorf("%q is not a duration such as 2m or 30s", v)
}

// durationFlag is a duration flag that says what parseDuration says of a
// bad value, where the flag package's own says only "parse error".
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil { // the zero value the flag package makes for its help
		return "0s"
	}
	return f.d.String()
}

func (f durationFlag) Set(v string) error {
	d, err := parseDuration(v)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// unsendable reports whether a bearer token could never match a request:
// a header cannot carry a control character, and the server trims the
// spaces around its value.
func unsendable(tok string) bool {
	if strings.TrimSpace(tok) != tok {
		return true
	}
	for _, r := range tok {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
