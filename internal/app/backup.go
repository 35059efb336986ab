package app

import (
	"context"
	"errors"

	"parkd/internal/config"
	"parkd/internal/store/sqlite"
)

// Backup writes a consistent copy of the SQLite database into c.BackupTo
// (`parkd backup`). It takes no lock: it runs beside parkd serve.
func Backup(ctx context.Context, c *config.Config) error {
	if c.IsPostgres() {
		return errors.New("a PostgreSQL database is backed up with pg_dump (docs/deploy.md, \"Backups\")")
	}
	return sqlite.Backup(ctx, c.DB, c.BackupTo)
}
