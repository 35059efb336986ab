package app

import (
	"context"
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
