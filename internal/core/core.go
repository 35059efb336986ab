// Package core holds what every subsystem of parkd shares: the store with
// its transaction helper, the clock, the logger and the ids. Subsystems
// (gate, billing, access, spaces, partners, ...) each embed a Base and
// depend inward on park, tariff and plate, never on a dialect.
package core

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"time"

	"github.com/google/uuid"

	"parkd/internal/park"
	"parkd/internal/plate"
)

// Base is a subsystem's access to the store, the clock and the log.
type Base struct {
	Store park.Store
	Now   park.Clock // default time.Now
	Log   *slog.Logger
}

// NewBase fills in the defaults of a Base.
func NewBase(store park.Store, now park.Clock, log *slog.Logger) Base {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return Base{Store: store, Now: now, Log: log}
}

// Clock returns the current time at store precision, in UTC.
func (b *Base) Clock() time.Time { return b.Now().UTC().Truncate(park.Precision) }

// Update runs fn in a write transaction and, when it fails with EConflict,
// runs it again with fresh reads: on a shared database two nodes may race
// to record the same event or payment, or to change the same row, and the
// next attempt sees the winner's row (answering as a replay, or applying
// its change on top). fn must only have effects through tx.
//
// A conflict is tried at most three times in all, unless it is a lost
// race on a row's version (park.Error.Stale): with many writers on one
// row (a property system's sync beside the operator's desk) each round
// has one winner, so that is tried up to maxRaceAttempts times, waiting a
// little longer after each loss so the losers do not collide at once.
func (b *Base) Update(ctx context.Context, fn func(park.Tx) error) error {
	err := b.Store.Update(ctx, fn)
	for i := 1; i < maxRaceAttempts && park.IsCode(err, park.EConflict); i++ {
		if i >= 3 {
			var pe *park.Error
			if !errors.As(err, &pe) || !pe.Stale {
				return err
			}
			if werr := wait(ctx, time.Duration(mrand.Int64N(int64(i)*int64(time.Millisecond)))); werr != nil {
				return err
			}
		}
		err = b.Store.Update(ctx, fn)
	}
	return err
}

// maxRaceAttempts bounds Update's attempts at a transaction that keeps
// losing races.
const maxRaceAttempts = 20

func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Write runs fn in one write transaction, without retries: for changes
// whose conflict is the answer (a duplicate id).
func (b *Base) Write(ctx context.Context, fn func(park.Tx) error) error {
	return b.Store.Update(ctx, fn)
}

// View runs fn in a read-only transaction.
func (b *Base) View(ctx context.Context, fn func(park.Tx) error) error {
	return b.Store.View(ctx, fn)
}

// NewID returns a time-ordered id (UUIDv7): index-friendly for rows that
// are inserted in time order.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// IsID says whether s has the form of an id NewID or NewSecretID made.
func IsID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// NewSecretID returns an unguessable id for things a caller may hold as
// a bearer reference, such as quotes: a UUIDv7 whose 74 bits after its
// millisecond time are all random. The time first keeps the index of
// them appended to at its end, as NewID's are: the fee query inserts a
// quote on every call, and random ids cost a random leaf page of that
// index each (read, then written again at commit).
func NewSecretID() string {
	var u uuid.UUID
	ms := uint64(time.Now().UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (40 - 8*i))
	}
	_, _ = rand.Read(u[6:])
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u.String()
}

// Plate reads a plate (or a plate-less car's temporary identity) from
// outside input; a bad one is EInvalid naming field, with the plate
// package's reason.
func Plate(field, text string) (plate.Plate, error) {
	p, err := plate.Normalize(text)
	if err != nil {
		return plate.Plate{}, PlateInvalid(field, err)
	}
	return p, nil
}

// PlateReason is why a plate was refused, for an error message.
func PlateReason(err error) string {
	if pe, ok := err.(*plate.Error); ok {
		return pe.Reason
	}
	return err.Error()
}

// PlateInvalid is the EInvalid of field for the plate package's err: its
// English reason, and its kind (plate.Why) and values as the Reason and
// Params, for transports to word in their language.
func PlateInvalid(field string, err error) *park.Error {
	e := park.Invalid(field, "%s", PlateReason(err))
	if pe, ok := err.(*plate.Error); ok {
		e = e.Because(string(pe.Why), pe.Params...)
	}
	return e
}

// Plates validates raw plates of a pass, list entry or booking into
// display texts and match keys. A plate-less car's temporary identity
// names it only while it is inside, so it cannot hold any of them.
func Plates(field string, raw []string) (texts, keys []string, err error) {
	for i, r := range raw {
		// Which plate is wrong, when there are several: a field of one
		// plate is not numbered, as if a list had been typed.
		which := ""
		if len(raw) > 1 {
			which = fmt.Sprintf("plate %d: ", i+1)
		}
		p, err := plate.Normalize(r)
		if err != nil {
			e := PlateInvalid(field, err)
			e.Message = which + e.Message
			return nil, nil, e
		}
		if p.Kind == plate.KindNoPlate {
			return nil, nil, park.Invalid(field, "%sa plate-less car cannot hold a pass, list entry or booking", which)
		}
		texts, keys = append(texts, p.Text), append(keys, p.Key)
	}
	return texts, keys, nil
}
