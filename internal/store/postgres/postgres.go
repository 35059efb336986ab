// Package postgres is parkd's scale-out store: PostgreSQL through pgx v5 and
// its pool, so several stateless parkd nodes can share one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

//go:generate sqlc generate

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a park.Store on a PostgreSQL database (or one schema of it).
type Store struct {
	pool     *pgxpool.Pool
	maxConns int32
	schema   string
	migrated park.SchemaChange
}

var _ park.Store = (*Store)(nil)

// Options tune the store.
type Options struct {
	// MaxConns bounds the connection pool (default 16). Every node has its
	// own pool, so the database must allow nodes × MaxConns connections.
	MaxConns int32
	// Schema, when set, is the only schema on every connection's
	// search_path; Open creates it if missing. Several parkd installations
	// (or parallel tests) can so share one database.
	Schema string
}

// maxAttempts bounds how often Update runs fn when PostgreSQL reports a
// serialization failure or a deadlock.
const maxAttempts = 5

// Open connects to the database at url (a postgres:// URL or a libpq
// key=value string) and applies every pending migration. Several nodes may
// Open the same database at once: migrations run under an advisory lock.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	if opt.MaxConns <= 0 {
		opt.MaxConns = 16
	}
	cfg, err := config(url, opt.Schema)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = opt.MaxConns
	migrated, err := migrate(ctx, cfg.ConnConfig, opt.Schema)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: pool: %w", err)
	}
	return &Store{pool: pool, maxConns: opt.MaxConns, schema: opt.Schema, migrated: migrated}, nil
}

// Migrated is what Open did to the schema.
func (s *Store) Migrated() park.SchemaChange { return s.migrated }

// Pool is the connection pool; the job queue shares it.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Exclusive runs fn while holding a session advisory lock named after the
// schema, so work that must not run twice at once across nodes (such as
// the job queue's migrations) is serialised.
func (s *Store) Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return mapErr(err)
	}
	defer conn.Release()
	h := fnv.New64a()
	h.Write([]byte("parkd/" + name + "/" + s.schema))
	key := int64(h.Sum64())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return mapErr(err)
	}
	defer func() {
		// A fresh context: the lock must be released even if ctx has ended.
		uctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			conn.Conn().Close(uctx) // closing the session releases the lock
		}
	}()
	return fn(ctx)
}

// Migrate applies every pending migration to the database at url (in
// schema, when not empty, creating it if missing).
func Migrate(ctx context.Context, url, schema string) error {
	cfg, err := config(url, schema)
	if err != nil {
		return err
	}
	_, err = migrate(ctx, cfg.ConnConfig, schema)
	return err
}

func config(url, schema string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: connection string: %w", err)
	}
	if schema != "" {
		if len(schema) > 63 {
			return nil, fmt.Errorf("postgres: schema name %q is longer than 63 bytes", schema)
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	}
	return cfg, nil
}

// migrate creates the schema if needed and runs goose under a session
// advisory lock, so nodes starting together apply each migration once.
func migrate(ctx context.Context, cc *pgx.ConnConfig, schema string) (park.SchemaChange, error) {
	conn := stdlib.OpenDB(*cc)
	defer conn.Close()
	if schema != "" {
		if err := createSchema(ctx, conn, schema); err != nil {
			return park.SchemaChange{}, err
		}
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID(schema)), lock.WithLockTimeout(1, 300))
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("postgres: migration lock: %w", err)
	}
	// Migrations numbered on parallel branches were merged below ones a
	// released main already held: a database from before the merge lacks
	// them, and they are applied now, not refused.
	p, err := goose.NewProvider(goose.DialectPostgres, conn, mustSub(migrations, "migrations"),
		goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("postgres: migrations: %w", err)
	}
	from, err := p.GetDBVersion(ctx)
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("postgres: migrate: %w", mapErr(err))
	}
	res, err := p.Up(ctx)
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("postgres: migrate: %w", mapErr(err))
	}
	cur, last, err := p.GetVersions(ctx)
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("postgres: migrate: %w", mapErr(err))
	}
	if cur > last {
		// A newer parkd ran here: this one would not write what it added.
		return park.SchemaChange{}, fmt.Errorf("postgres: the database is at migration %d, newer than this parkd's last (%d): run the parkd that migrated it, or a newer one (no downgrades)", cur, last)
	}
	ch := park.SchemaChange{From: from, To: cur}
	for _, r := range res {
		ch.Applied = append(ch.Applied, r.Source.Version)
	}
	return ch, nil
}

// createSchema creates schema unless it exists. Concurrent CREATE SCHEMA IF
// NOT EXISTS can still fail with a unique violation, so creators take a
// transaction-scoped advisory lock first. Checking first lets a role without
// CREATE on the database use a schema an administrator made for it.
func createSchema(ctx context.Context, conn *sql.DB, schema string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("postgres: create schema: %w", mapErr(err))
	}
	defer tx.Rollback()
	var exists bool
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", lockID(schema)); err != nil {
		return fmt.Errorf("postgres: create schema: %w", mapErr(err))
	}
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		return fmt.Errorf("postgres: create schema: %w", mapErr(err))
	}
	if !exists {
		if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
			return fmt.Errorf("postgres: create schema %q: %w", schema, mapErr(err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("postgres: create schema: %w", mapErr(err))
	}
	return nil
}

// lockID is the advisory lock key guarding migrations of one schema: goose's
// default for the default schema, a hash of the name otherwise, so
// installations in different schemas do not wait for each other.
func lockID(schema string) int64 {
	if schema == "" {
		return lock.DefaultLockID
	}
	h := fnv.New64a()
	h.Write([]byte("parkd/migrate/" + schema))
	return int64(h.Sum64())
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks the database is reachable. Like a transaction's first round
// trip (guard.exchange), it looks past pooled connections that died while
// idle.
func (s *Store) Ping(ctx context.Context) error {
	for i := int32(0); ; i++ {
		err := s.pool.Ping(ctx)
		if err == nil || i >= s.maxConns || !deadConn(err) || ctx.Err() != nil {
			return mapErr(err)
		}
	}
}

// Update runs fn in a READ COMMITTED transaction. Rows changed by fn stay
// locked until commit, and every Update* is conditional on the version
// read, so concurrent writers serialise or get EConflict. On a
// serialization failure or deadlock fn runs again in a fresh transaction.
// The transaction does not ask to be READ WRITE: that would override a
// database or role set read-only (default_transaction_read_only), whose
// writes must be refused as a standby's are (EUnavailable, errors.go).
func (s *Store) Update(ctx context.Context, fn func(park.Tx) error) error {
	for attempt := 1; ; attempt++ {
		again, err := s.run(ctx, "begin isolation level read committed", fn)
		if !again || attempt == maxAttempts || ctx.Err() != nil {
			return err
		}
	}
}

// View runs fn in a read-only REPEATABLE READ transaction: every read
// sees the same snapshot.
func (s *Store) View(ctx context.Context, fn func(park.Tx) error) error {
	_, err := s.run(ctx, "begin isolation level repeatable read read only", fn)
	return err
}

// run runs fn in one transaction and reports whether a retry could succeed.
func (s *Store) run(ctx context.Context, begin string, fn func(park.Tx) error) (again bool, err error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, mapErr(err)
	}
	g := &guard{pool: s.pool, maxConns: s.maxConns, c: c, begin: begin}
	committed := false
	defer func() { g.release(!committed) }()
	ferr := fn(&txn{q: db.New(g), g: g})
	if g.err != nil {
		// A statement failed, so PostgreSQL has aborted the transaction,
		// whatever fn made of the error.
		if ferr == nil || g.named != nil {
			ferr = g.failure()
		}
		return retryable(g.err), ferr
	}
	if ferr != nil {
		return false, ferr
	}
	// A read-only transaction ends with COMMIT too: it costs what ROLLBACK
	// would, and a write queued by mistake fails there, not silently.
	if err := g.commit(ctx); err != nil {
		if g.named != nil {
			return retryable(err), g.named
		}
		return retryable(err), mapErr(err)
	}
	committed = true
	return false, nil
}
