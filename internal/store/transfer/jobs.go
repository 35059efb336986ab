package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The job queue's jobs are carried too, all of them as they stand: a job
// still to run runs on PostgreSQL, and a finished one keeps its unique
// key, so that a periodic job inserted once a period (the daily lot_info
// report) is not inserted again the day of the move. Each engine's queue
// keeps them in its own types; the values are converted one by one.

const selectJobs = `SELECT json(args), attempt, CAST(attempted_at AS TEXT), json(attempted_by),
	CAST(created_at AS TEXT), json(errors), CAST(finalized_at AS TEXT), kind, max_attempts,
	json(metadata), priority, queue, state, CAST(scheduled_at AS TEXT), json(tags),
	unique_key, unique_states
	FROM river_job ORDER BY id`

// A job already on the target (a node started there before the copy) is
// kept, and a copied one with the same unique key skipped. Ids are the
// target's own.
const insertJob = `INSERT INTO river_job (args, attempt, attempted_at, attempted_by, created_at,
	errors, finalized_at, kind, max_attempts, metadata, priority, queue, state, scheduled_at,
	tags, unique_key, unique_states)
	VALUES ($1::jsonb, $2, $3, (SELECT array_agg(e) FROM jsonb_array_elements_text($4::jsonb) e), $5,
	(SELECT array_agg(e) FROM jsonb_array_elements($6::jsonb) e), $7, $8, $9, $10::jsonb, $11, $12,
	$13::river_job_state, $14,
	coalesce((SELECT array_agg(e) FROM jsonb_array_elements_text($15::jsonb) e), '{}'),
	$16, $17::integer::bit(8))
	ON CONFLICT DO NOTHING`

// sqliteTime reads the job queue's SQLite times: UTC, "2006-01-02
// 15:04:05" with up to nanoseconds.
func sqliteTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s.String, time.UTC)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// copyJobs copies the SQLite job queue into PostgreSQL's and says how
// many jobs it read and how many the target took. A source without a
// queue (parkd never served it) has none to copy.
func copyJobs(ctx context.Context, stx *sql.Tx, tx pgx.Tx) (read, taken int64, err error) {
	var n int
	if err := stx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'").Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("transfer: read SQLite job queue: %w", err)
	}
	if n == 0 {
		return 0, 0, nil
	}
	rows, err := stx.QueryContext(ctx, selectJobs)
	if err != nil {
		return 0, 0, fmt.Errorf("transfer: read SQLite job queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			args, metadata, kind, queue, state  string
			attemptedBy, errs, tags             sql.NullString
			attemptedAt, createdAt, finalizedAt sql.NullString
			scheduledAt                         sql.NullString
			attempt, maxAttempts, priority      int64
			uniqueKey                           []byte
			uniqueStates                        sql.NullInt64
		)
		if err := rows.Scan(&args, &attempt, &attemptedAt, &attemptedBy, &createdAt, &errs, &finalizedAt, &kind,
			&maxAttempts, &metadata, &priority, &queue, &state, &scheduledAt, &tags, &uniqueKey, &uniqueStates); err != nil {
			return read, taken, fmt.Errorf("transfer: read SQLite job queue: %w", err)
		}
		read++
		var times [4]*time.Time
		for i, s := range []sql.NullString{attemptedAt, createdAt, finalizedAt, scheduledAt} {
			if times[i], err = sqliteTime(s); err != nil {
				return read, taken, fmt.Errorf("transfer: job %d (%s): time %q: %w", read, kind, s.String, err)
			}
		}
		tag, err := tx.Exec(ctx, insertJob, args, attempt, times[0], attemptedBy, times[1], errs, times[2], kind,
			maxAttempts, metadata, priority, queue, state, times[3], tags, uniqueKey, uniqueStates)
		if err != nil {
			return read, taken, fmt.Errorf("transfer: copy job %d (%s, %s): %w", read, kind, state, err)
		}
		taken += tag.RowsAffected()
	}
	if err := rows.Err(); err != nil {
		return read, taken, fmt.Errorf("transfer: read SQLite job queue: %w", err)
	}
	return read, taken, nil
}
