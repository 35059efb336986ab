package app

import (
	"context"
	"errors"
	"os"

	"parkd/internal/config"
	"parkd/internal/store/sqlite"
)

// Backup writes a consistent copy of the SQLite database into c.BackupTo
// (`parkd backup`). It runs beside parkd serve.
func Backup(ctx context.Context, c *config.Config) error {
	if c.IsPostgres() {
		return errors.New("a PostgreSQL database is backed up with pg_dump (docs/deploy.md, \"Backups\")")
	}
	// Held when no parkd serves the database (it then cannot start
	// meanwhile); beside parkd serve the copy runs without it.
	alone := false
	if _, err := os.Stat(c.DB); err == nil {
		if unlock, err := LockDatabase(c, "parkd backup"); err == nil {
			defer unlock()
			alone = true
		}
	}
	return sqlite.Backup(ctx, c.DB, c.BackupTo, alone)
}
