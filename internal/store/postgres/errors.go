package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"parkd/internal/park"
)

// mapErr turns driver errors into domain errors at the boundary; it is the
// only place that knows PostgreSQL's error codes.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *park.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return park.Errorf(park.ENotFound, "not found")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return park.Errorf(park.EUnavailable, "request cancelled or timed out: %v", err)
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505": // unique_violation
			return park.Errorf(park.EConflict, "already exists")
		case "23503": // foreign_key_violation
			return park.Errorf(park.ENotFound, "a referenced record does not exist")
		case "40001", "40P01": // serialization_failure, deadlock_detected: left after Update's retries
			return park.Errorf(park.EUnavailable, "database busy (%s); retry", pg.Message)
		case staleRowCode: // a queued update's caller names the row (txn.UpdateStay)
			return &park.Error{Code: park.EConflict, Stale: true, Message: "a row was changed by another request; retry"}
		case "22021", "22P05": // NUL bytes or invalid UTF-8, which SQLite would have stored
			return park.Errorf(park.EInvalid, "text cannot be stored: %s", pg.Message)
		case "25006": // read_only_sql_transaction: a standby (a primary demoted in a failover) or a read-only database
			return &park.Error{Code: park.EUnavailable, Message: "database is read-only: writes are refused until parkd reaches a writable primary", Cause: err}
		}
	}
	if unavailable(err) {
		return &park.Error{Code: park.EUnavailable, Message: "database unavailable", Cause: err}
	}
	return fmt.Errorf("postgres: %w", err)
}

// staleRowCode is the SQLSTATE stale_row raises (migration 00127): an
// optimistic update that found no row at its version.
const staleRowCode = "PK409"

// staleRow reports whether err is stale_row's.
func staleRow(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == staleRowCode
}

// unavailable reports whether err means the database cannot serve now
// (down, restarting, out of connections, unreachable) rather than a bug.
func unavailable(err error) bool {
	if deadConn(err) || pgconn.Timeout(err) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case strings.HasPrefix(pg.Code, "08"), // connection_exception
			strings.HasPrefix(pg.Code, "53"), // insufficient_resources, incl. too_many_connections 53300
			pg.Code == "57P03",               // cannot_connect_now: starting up or shutting down
			pg.Code == "57014",               // query_canceled (statement_timeout)
			pg.Code == "55P03":               // lock_not_available (lock_timeout)
			return true
		}
	}
	return false
}

// deadConn reports whether err means the connection itself is gone: the
// server ended the session or the network dropped it.
func deadConn(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// admin_shutdown (also pg_terminate_backend), crash_shutdown
		return pg.Code == "57P01" || pg.Code == "57P02"
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return false // no connection was made: the server is not there
	}
	var ne net.Error
	return pgconn.SafeToRetry(err) || errors.As(err, &ne) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// retryable reports whether a fresh transaction may succeed where this one
// failed because of concurrent transactions.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}
