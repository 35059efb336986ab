// Package sqlite is parkd's embedded store: one SQLite file through
// modernc.org/sqlite (no cgo), WAL journal, foreign keys on.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

//go:generate sqlc generate

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a park.Store on one SQLite database file. Writes go through a
// single connection (SQLite has one writer anyway, and queueing in Go is
// cheaper than spinning on SQLITE_BUSY); reads use a pool.
type Store struct {
	path string
	w, r *sql.DB
	wq   *db.Queries
	rq   *db.Queries

	savepoint  [3]*sql.Stmt // SAVEPOINT, ROLLBACK TO, RELEASE: prepared once
	writes     chan *writeReq
	stop       chan struct{}
	writerDone chan struct{}
	checkDone  chan struct{}  // the checkpointer has stopped
	rescuing   sync.WaitGroup // the rescue of a deleted log (files.go)
	closeOnce  sync.Once
	stats      struct{ commits, requests atomic.Int64 }

	log      *slog.Logger
	walBound int64
	walFull  atomic.Bool                // the checkpointer asks the writer to start the log over (checkpoint.go)
	files    []os.FileInfo              // the database's files as opened (files.go)
	broken   atomic.Pointer[park.Error] // set once they changed
	tickets  *tickets                   // tickets.go
	migrated park.SchemaChange          // what Open did to the schema
}

var _ park.Store = (*Store)(nil)

// busyTimeout is how long a statement waits for a lock another
// connection holds.
const busyTimeout = 10 * time.Second

// Options tune the store.
type Options struct {
	// Synchronous is SQLite's synchronous pragma: "NORMAL" (default; an
	// acknowledged write survives a crash of parkd, and a power cut may lose
	// the last moments) or "FULL" (fsync at every commit).
	Synchronous string
	// ReadConns bounds the read pool (default 4).
	ReadConns int
	// Log receives the store's own alarms (its files changed under it);
	// default: discarded.
	Log *slog.Logger
	// WALBound is the write-ahead log's size, in bytes, past which the
	// log is started over once the readers allow (default 24 MiB;
	// checkpoint.go).
	WALBound int64
}

// Open opens (creating if needed) the database at path and applies every
// migration.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.Synchronous == "" {
		opt.Synchronous = "NORMAL"
	}
	if opt.Synchronous != "NORMAL" && opt.Synchronous != "FULL" {
		return nil, fmt.Errorf("sqlite: synchronous must be NORMAL or FULL, not %q", opt.Synchronous)
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 4
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create data folder: %w", err)
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("sqlite: %s is a folder, not a database file (the database is a file, e.g. %s)", path, filepath.Join(path, "parkd.db"))
	}
	if err := private(path); err != nil {
		return nil, err
	}
	pragmas := url.Values{}
	for _, p := range []string{fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()), "journal_mode(WAL)", "foreign_keys(1)", "journal_size_limit(67108864)",
		"synchronous(" + opt.Synchronous + ")"} {
		pragmas.Add("_pragma", p)
	}
	// The writer does not checkpoint at commits: a checkpoint fsyncs, and
	// the writer is the one line every gate event queues in. checkpointer
	// does it beside, and the writer only starts over a log past its bound
	// that the checkpointer has copied (checkpoint.go).
	// temp_store(MEMORY): each request of a group commit runs in a
	// savepoint, whose sub-journal (the pages it changed, to undo it)
	// would otherwise spill to a temporary file past 64 KiB; it is thrown
	// away at commit, so it need not be durable (profile: 14% of writer time
	// in its writes).
	// cache_size(-8192): the writer keeps its pages across transactions
	// (it makes them all), so 8 MiB, not SQLite's 2 MiB, holds the
	// indexes a fee query or an entry reads at random among 100,000 cars
	// inside, which otherwise come from the operating system, a system
	// call a page. Fee query +6 to +9 % (BENCHMARKS.md, fourteenth stop);
	// larger caches cost more at each commit, which walks the cache's
	// hash table.
	wdsn := "file:" + path + "?" + pragmas.Encode() + "&_pragma=wal_autocheckpoint(0)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-8192)&_txlock=immediate"
	// A reader's page cache is dropped whenever a read transaction finds
	// the database changed since its last one, as SQLite does in WAL mode,
	// so under writes it keeps nothing for long and only grows the
	// process; 512 KiB each, not SQLite's 2,000 KiB, held the fee query's
	// rate (BENCHMARKS.md, sixth and seventh stops) and bounds the readers
	// to 2 MiB in all.
	rdsn := "file:" + path + "?" + pragmas.Encode() + "&_pragma=cache_size(-512)"

	w, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	migrated, err := migrate(ctx, w)
	if err != nil {
		w.Close()
		return nil, explainOpen(err, path)
	}
	// SQLite opens a file it may not write read-only, and says so only at
	// the first write: a write that changes nothing finds out now.
	if _, err := w.ExecContext(ctx, "DELETE FROM goose_db_version WHERE 0"); err != nil {
		w.Close()
		return nil, explainOpen(fmt.Errorf("sqlite: write: %w", err), path)
	}
	r, err := sql.Open("sqlite", rdsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	r.SetMaxOpenConns(opt.ReadConns)
	r.SetMaxIdleConns(opt.ReadConns)
	r.SetConnMaxIdleTime(0)
	if opt.WALBound <= 0 {
		opt.WALBound = walBound
	}
	s := &Store{path: path, w: w, r: r, migrated: migrated, writes: make(chan *writeReq), log: opt.Log, walBound: opt.WALBound,
		stop: make(chan struct{}), writerDone: make(chan struct{}), checkDone: make(chan struct{})}
	close(s.checkDone) // until the checkpointer starts
	if s.wq, err = db.Prepare(ctx, w); err != nil {
		close(s.writerDone)
		s.Close()
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	if s.rq, err = db.Prepare(ctx, r); err != nil {
		close(s.writerDone)
		s.Close()
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	if s.tickets, err = loadTickets(ctx, s.wq); err != nil {
		close(s.writerDone)
		s.Close()
		return nil, err
	}
	for i, q := range []string{"SAVEPOINT w", "ROLLBACK TO w", "RELEASE w"} {
		if s.savepoint[i], err = w.PrepareContext(ctx, q); err != nil {
			close(s.writerDone)
			s.Close()
			return nil, fmt.Errorf("sqlite: prepare: %w", err)
		}
	}
	if err := s.rememberFiles(); err != nil {
		close(s.writerDone)
		s.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	s.checkDone = make(chan struct{})
	go s.writer()
	go s.checkpointer()
	return s, nil
}

// Migrated is what Open did to the schema.
func (s *Store) Migrated() park.SchemaChange { return s.migrated }

// Migrate applies every pending migration to the database at path.
func Migrate(ctx context.Context, path string) error {
	s, err := Open(ctx, path, Options{})
	if err != nil {
		return err
	}
	return s.Close()
}

func migrate(ctx context.Context, conn *sql.DB) (park.SchemaChange, error) {
	// Migrations numbered on parallel branches were merged below ones a
	// released main already held: a database from before the merge lacks
	// them, and they are applied now, not refused.
	p, err := goose.NewProvider(goose.DialectSQLite3, conn, mustSub(migrations, "migrations"), goose.WithAllowOutofOrder(true))
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("sqlite: migrations: %w", err)
	}
	from, err := p.GetDBVersion(ctx)
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("sqlite: migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("sqlite: migrate: %w", err)
	}
	cur, last, err := p.GetVersions(ctx)
	if err != nil {
		return park.SchemaChange{}, fmt.Errorf("sqlite: migrate: %w", err)
	}
	if cur > last {
		// A newer parkd ran here: this one would not write what it added.
		return park.SchemaChange{}, fmt.Errorf("sqlite: the database is at migration %d, newer than this parkd's last (%d): run the parkd that migrated it, or a newer one (no downgrades)", cur, last)
	}
	ch := park.SchemaChange{From: from, To: cur}
	for _, r := range res {
		ch.Applied = append(ch.Applied, r.Source.Version)
	}
	return ch, nil
}

// Close closes both pools; WAL contents are checkpointed by SQLite on the
// last close.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.stop) })
	<-s.writerDone
	<-s.checkDone // its checks stop before the last close removes the -wal file
	s.rescuing.Wait()
	var errs []error
	for _, st := range s.savepoint {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.rq != nil {
		errs = append(errs, s.rq.Close())
	}
	if s.wq != nil {
		errs = append(errs, s.wq.Close())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// Ping checks the database file is usable and still the one parkd opened,
// with its write-ahead log (files.go).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.checkFiles(); err != nil {
		return err
	}
	return s.noticeDamage(mapErr(s.r.PingContext(ctx)))
}

// View runs fn in a read transaction (a consistent WAL snapshot).
func (s *Store) View(ctx context.Context, fn func(park.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	return s.noticeDamage(fn(&txn{q: s.rq.WithTx(tx), tk: s.tickets}))
}

// mapErr turns driver errors into domain errors at the boundary.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *park.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return park.Errorf(park.ENotFound, "not found")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return park.Errorf(park.EUnavailable, "request cancelled or timed out: %v", err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return park.Errorf(park.EConflict, "already exists")
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return park.Errorf(park.ENotFound, "a referenced record does not exist")
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
			return &park.Error{Code: park.EUnavailable, Message: "database unavailable", Cause: err}
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return &park.Error{Code: park.EUnavailable, Message: "the database file is damaged", Cause: err}
		}
	}
	return fmt.Errorf("sqlite: %w", err)
}

// damaged tells whether err is SQLite finding the database file damaged
// (as mapErr maps it, or not yet mapped), and returns SQLite's error.
func damaged(err error) (*sqlite.Error, bool) {
	if err == nil {
		return nil, false
	}
	var pe *park.Error
	if errors.As(err, &pe) && pe.Cause != nil {
		err = pe.Cause
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil, false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return se, true
	}
	return nil, false
}

// noticeDamage fails the store, as a changed file does (files.go), when
// err says the database file is damaged: most often a file overwritten in
// place while parkd runs (cp over it keeps its identity, so checkFiles
// cannot see it), into which no write may be acknowledged any more. It
// returns err.
func (s *Store) noticeDamage(err error) error {
	if se, ok := damaged(err); ok {
		s.fail(filepath.Base(s.path)+" is damaged (overwritten while parkd ran?): "+se.Error(), true)
	}
	return err
}

// WriterDB is the single-connection pool every write goes through. The job
// queue shares it: SQLite has one writer, and sharing the connection keeps
// jobs and gate writes queueing in one line instead of fighting over locks.
func (s *Store) WriterDB() *sql.DB { return s.w }

// ReadDB is the read pool, for tools that read the whole database outside
// the store's own queries (such as the copy into PostgreSQL).
func (s *Store) ReadDB() *sql.DB { return s.r }
