package app

import (
	"context"
	"fmt"
	"log/slog"

	"parkd/internal/config"
	"parkd/internal/rental"
	"parkd/internal/system"
)

// RentalResync queues a channel's whole catalogue (`parkd rental resync`):
// the deliveries are sent by the delivery workers of the parkd serving
// the database, at the channel's rate limit. On SQLite it holds the
// database's lock, so it runs while no parkd serves it.
func RentalResync(ctx context.Context, c *config.Config, log *slog.Logger, channel string, progress func(done, total int)) (rental.ResyncSummary, error) {
	// A channel lives in a database that exists: none here is a wrong
	// folder, which resync must not fill with a new, empty database.
	if !c.IsPostgres() && missing(c.DB) {
		return rental.ResyncSummary{}, fmt.Errorf("no database at %s: give the --data (or --db) of the parkd that serves the channel", c.DB)
	}
	unlock, err := LockDatabase(c, "parkd rental resync")
	if err != nil {
		return rental.ResyncSummary{}, err
	}
	defer unlock()
	st, err := OpenStore(ctx, c, log)
	if err != nil {
		return rental.ResyncSummary{}, err
	}
	defer st.Close()
	sys := system.New(systemConfig(st, log, nil, nil))
	return sys.Rental.Resync(ctx, channel, progress)
}
