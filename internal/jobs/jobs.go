// Package jobs runs parkd's durable background work on River, over the
// same database as the store (SQLite or PostgreSQL): periodic jobs run on
// one node (River's elected leader), and every job survives a restart.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
)

// Service is what the jobs need of the core.
type Service interface {
	PurgeExpiredQuotes(ctx context.Context, olderThan time.Duration) (int, error)
}

// Seen forgets partner requests served longer ago than their signing
// window.
type Seen interface {
	PurgeSeen(ctx context.Context) (int, error)
}

// Sessions deletes the console's expired sessions.
type Sessions interface {
	PurgeSessions(ctx context.Context) (int, error)
}

// Lots is what the daily lot report needs of the core.
type Lots interface {
	// ReportLots tells subscribed partners of every lot's settings.
	ReportLots(ctx context.Context) (int, error)
}

// Deliveries deletes finished partner deliveries, and their reports,
// past their retention.
type Deliveries interface {
	// Prune deletes them in bounded batches until none is left or ctx
	// ends, and returns how many deliveries and reports it deleted.
	Prune(ctx context.Context) (deliveries, reports int, err error)
}

// Config tunes the runner.
type Config struct {
	Service Service
	Lots    Lots // nil: no daily lot report
	Seen    Seen // nil: served requests are not purged
	// Sessions, when set, has its expired sessions deleted by housekeeping.
	Sessions Sessions
	// Deliveries, when set, is pruned every PruneEvery and at start.
	Deliveries Deliveries
	// PruneEvery is the period of the delivery prune (default 10 min).
	PruneEvery time.Duration
	Log        *slog.Logger
	// HousekeepingEvery is the period of the housekeeping job (default 1 h).
	HousekeepingEvery time.Duration
	// KeepExpiredQuotes is how long an unpaid, expired quote is kept for
	// disputes before housekeeping deletes it (default 7 days).
	KeepExpiredQuotes time.Duration
	// PollInterval is how often idle nodes look for work (default 1 s).
	PollInterval time.Duration
	// ID names this node in River's records (default: River's own).
	ID string
	// Now, when set, is River's clock: tests move it to another day
	// (default: the system's).
	Now func() time.Time
}

// Runner is a started River client.
type Runner interface {
	Stop(ctx context.Context) error
}

// Migrate applies River's own migrations (its tables live beside parkd's).
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// Start builds and starts a River client with parkd's workers and periodic
// jobs. The caller has run Migrate.
func Start[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], c Config) (*river.Client[TTx], error) {
	if c.HousekeepingEvery <= 0 {
		c.HousekeepingEvery = time.Hour
	}
	if c.KeepExpiredQuotes <= 0 {
		c.KeepExpiredQuotes = 7 * 24 * time.Hour
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.PruneEvery <= 0 {
		c.PruneEvery = 10 * time.Minute
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &housekeepingWorker{svc: c.Service, seen: c.Seen, sessions: c.Sessions, keep: c.KeepExpiredQuotes, log: c.Log})
	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(c.HousekeepingEvery),
			func() (river.JobArgs, *river.InsertOpts) { return HousekeepingArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
	if c.Deliveries != nil {
		river.AddWorker(workers, &pruneWorker{deliveries: c.Deliveries, every: c.PruneEvery, log: c.Log})
		// On the leader only, as every periodic job; one at a time: a
		// run that outlasts its period (a first prune of months of rows)
		// is not joined by the next, which would only race it.
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(c.PruneEvery),
			func() (river.JobArgs, *river.InsertOpts) {
				return DeliveryPruneArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByQueue: true}}
			},
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	if c.Lots != nil {
		river.AddWorker(workers, &lotReportWorker{lots: c.Lots, log: c.Log})
		// River keeps no periodic schedule in the database: a new leader
		// (a restart, a failover) starts its own. So the lot report is
		// offered at each midnight UTC and whenever a leader starts, and
		// inserted once a UTC day: neither a leader's start moves it to
		// another day nor a restart sends it twice.
		periodic = append(periodic, river.NewPeriodicJob(dailyUTC{},
			func() (river.JobArgs, *river.InsertOpts) {
				return LotReportArgs{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByPeriod: 24 * time.Hour}}
			},
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	rc := &river.Config{
		ID:                c.ID,
		Logger:            slog.New(stopQuiet{c.Log.Handler()}),
		FetchPollInterval: c.PollInterval,
		PeriodicJobs:      periodic,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
	}
	if c.Now != nil {
		rc.Test.Time = clock(c.Now)
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return client, nil
}

// stopQuiet logs what River logs, except that an error it logs on a
// context already cancelled is the stop's doing (parkd shutting down, the
// end of a simulator run), not a failure: it is logged at debug level, so
// that a clean stop shows no ERROR. A deadline exceeded stays an error.
type stopQuiet struct{ slog.Handler }

func (h stopQuiet) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError && errors.Is(ctx.Err(), context.Canceled) {
		if !h.Handler.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		d := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool { d.AddAttrs(a); return true })
		r = d
	}
	return h.Handler.Handle(ctx, r)
}

func (h stopQuiet) WithAttrs(as []slog.Attr) slog.Handler { return stopQuiet{h.Handler.WithAttrs(as)} }
func (h stopQuiet) WithGroup(name string) slog.Handler    { return stopQuiet{h.Handler.WithGroup(name)} }

// dailyUTC is due at every midnight UTC, whenever it is asked.
type dailyUTC struct{}

func (dailyUTC) Next(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
}

// clock is a Now func as River's time generator.
type clock func() time.Time

func (c clock) Now() time.Time { return c() }

func (c clock) NowOrNil() *time.Time { t := c(); return &t }

// HousekeepingArgs is the periodic clean-up job.
type HousekeepingArgs struct{}

// Kind names the job in River's table.
func (HousekeepingArgs) Kind() string { return "housekeeping" }

type housekeepingWorker struct {
	river.WorkerDefaults[HousekeepingArgs]
	svc      Service
	seen     Seen
	sessions Sessions
	keep     time.Duration
	log      *slog.Logger
}

func (w *housekeepingWorker) Work(ctx context.Context, job *river.Job[HousekeepingArgs]) error {
	n, err := w.svc.PurgeExpiredQuotes(ctx, w.keep)
	if err != nil {
		return err
	}
	seen := 0
	if w.seen != nil {
		if seen, err = w.seen.PurgeSeen(ctx); err != nil {
			return err
		}
	}
	sessions := 0
	if w.sessions != nil {
		if sessions, err = w.sessions.PurgeSessions(ctx); err != nil {
			return err
		}
	}
	w.log.Info("housekeeping", "expired_quotes_deleted", n, "served_requests_forgotten", seen,
		"expired_sessions_deleted", sessions, "job", job.ID)
	return nil
}

// LotReportArgs is the daily report of every lot's settings to the
// partners subscribed to lot_info.
type LotReportArgs struct{}

// Kind names the job in River's table.
func (LotReportArgs) Kind() string { return "lot_report" }

type lotReportWorker struct {
	river.WorkerDefaults[LotReportArgs]
	lots Lots
	log  *slog.Logger
}

func (w *lotReportWorker) Work(ctx context.Context, job *river.Job[LotReportArgs]) error {
	n, err := w.lots.ReportLots(ctx)
	if err != nil {
		return err
	}
	w.log.Info("daily lot report", "lots", n, "job", job.ID)
	return nil
}

// DeliveryPruneArgs is the periodic prune of finished deliveries.
type DeliveryPruneArgs struct{}

// Kind names the job in River's table.
func (DeliveryPruneArgs) Kind() string { return "delivery_prune" }

type pruneWorker struct {
	river.WorkerDefaults[DeliveryPruneArgs]
	deliveries Deliveries
	every      time.Duration
	log        *slog.Logger
}

// Timeout lets a run go on for its whole period (River's default is a
// minute); one cut short is idempotent and the next goes on from there.
func (w *pruneWorker) Timeout(*river.Job[DeliveryPruneArgs]) time.Duration { return w.every }

func (w *pruneWorker) Work(ctx context.Context, job *river.Job[DeliveryPruneArgs]) error {
	nd, nr, err := w.deliveries.Prune(ctx)
	if err != nil {
		return err
	}
	if nd > 0 || nr > 0 {
		w.log.Info("delivery retention", "deliveries_deleted", nd, "reports_deleted", nr, "job", job.ID)
	}
	return nil
}
