package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
	"parkd/internal/ticket"
)

// tickets issues the stays' tickets: each enciphered from the next
// sequence number (package ticket), which the index stays_ticket keeps in
// issue order. A stay that comes with its ticket (the sandbox's, one
// copied in, one from before migration 00104) is indexed by the ticket
// itself, in stays_locator.
type tickets struct {
	c *ticket.Cipher
	// next is the next sequence number, -1 until read from the database;
	// only the writer touches it. A number a rolled-back request took is
	// skipped.
	next int64
}

// loadTickets reads the cipher's key, made at the first start.
func loadTickets(ctx context.Context, q *db.Queries) (*tickets, error) {
	k, err := q.TicketKey(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		if err = q.SaveTicketKey(ctx, hex.EncodeToString(ticket.NewKey())); err == nil {
			k, err = q.TicketKey(ctx)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: the tickets' key: %w", err)
	}
	b, err := hex.DecodeString(k)
	if err != nil {
		return nil, fmt.Errorf("sqlite: the tickets' key: %w", err)
	}
	c, err := ticket.New(b)
	if err != nil {
		return nil, fmt.Errorf("sqlite: the tickets' key: %w", err)
	}
	return &tickets{c: c, next: -1}, nil
}

// issue returns the next sequence number and its ticket for a stay of
// lot. A ticket drawn at random before migration 00104 may equal an
// enciphered one: that number is skipped, so a lot never has two stays
// with one ticket.
func (k *tickets) issue(q *db.Queries, lot string) (int64, string, error) {
	if k.next < 0 {
		last, err := q.LastTicket(stmtCtx)
		if err != nil {
			return 0, "", mapErr(err)
		}
		k.next = last + 1
	}
	for {
		seq := k.next
		t, err := k.c.Encode(uint64(seq))
		if err != nil {
			return 0, "", park.Errorf(park.EUnavailable, "no ticket numbers left: %v", err)
		}
		k.next++
		taken, err := q.TicketTaken(stmtCtx, db.TicketTakenParams{LotCode: lot, Locator: t})
		if err != nil {
			return 0, "", mapErr(err)
		}
		if !taken {
			return seq, t, nil
		}
	}
}

// byTicket finds the stay of lot whose ticket t was enciphered from a
// sequence number; ENotFound if none was.
func (k *tickets) byTicket(q *db.Queries, lot, t string) (db.Stay, error) {
	seq, ok := k.c.Decode(t)
	if !ok {
		return db.Stay{}, sql.ErrNoRows
	}
	return q.GetStayByTicket(stmtCtx, db.GetStayByTicketParams{
		Ticket: sql.NullInt64{Int64: int64(seq), Valid: true}, LotCode: lot, Locator: t})
}

func (t *txn) InsertStay(ctx context.Context, s *park.Stay) error {
	s.Version = 1
	var seq sql.NullInt64
	if s.Locator == "" {
		n, loc, err := t.tk.issue(t.q, s.LotCode)
		if err != nil {
			return err
		}
		seq, s.Locator = sql.NullInt64{Int64: n, Valid: true}, loc
	} else if _, err := t.tk.byTicket(t.q, s.LotCode, s.Locator); err == nil {
		return park.Errorf(park.EConflict, "stay with ticket %q already exists", s.Locator)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return mapErr(err)
	}
	// The row as stored: the columns InsertStay leaves out take their
	// defaults (version 1, no kept free time, no later pass start).
	r := db.Stay{
		ID: s.ID, LotCode: s.LotCode, Plate: s.Plate, PlateKey: s.PlateKey, VehicleClass: s.VehicleClass,
		Locator: s.Locator, EntryAt: us(s.EntryAt), EntryLane: s.EntryLane, ExitAt: nullUS(s.ExitAt),
		ExitLane: s.ExitLane, State: s.State, PassID: s.PassID, Total: s.Total, Paid: s.Paid,
		Discount: s.Discount, PaidUntil: nullUS(s.PaidUntil), Anomaly: s.Anomaly, Source: s.Source,
		UpdatedAt: us(s.UpdatedAt), Version: 1, ReservationID: s.ReservationID, Ticket: seq,
	}
	err := wrap(t.q.InsertStay(stmtCtx, db.InsertStayParams{
		ID: r.ID, LotCode: r.LotCode, Plate: r.Plate, PlateKey: r.PlateKey, VehicleClass: r.VehicleClass,
		Locator: r.Locator, EntryAt: r.EntryAt, EntryLane: r.EntryLane, ExitAt: r.ExitAt,
		ExitLane: r.ExitLane, State: r.State, PassID: r.PassID, Total: r.Total, Paid: r.Paid,
		Discount: r.Discount, PaidUntil: r.PaidUntil, Anomaly: r.Anomaly, Source: r.Source,
		UpdatedAt: r.UpdatedAt, ReservationID: r.ReservationID, Ticket: r.Ticket,
	}), "stay")
	switch {
	case err == nil:
		t.memo.keepStay(r)
	case seq.Valid:
		// Another process writing the file may have taken the number:
		// count again (the gate retries a conflict).
		t.tk.next = -1
	}
	return err
}

func (t *txn) GetStayByLocator(ctx context.Context, lot, locator string) (*park.Stay, error) {
	r, err := t.tk.byTicket(t.q, lot, locator)
	if errors.Is(err, sql.ErrNoRows) {
		r, err = t.q.GetStayByLocator(stmtCtx, db.GetStayByLocatorParams{LotCode: lot, Locator: locator})
	}
	if err != nil {
		return nil, wrap(err, "stay with locator %q", locator)
	}
	return t.readStay(r)
}

func (t *txn) ListPartnerStaysByLocator(ctx context.Context, partner, locator string) ([]*park.Stay, error) {
	rows, err := t.q.ListPartnerStaysByLocator(stmtCtx, db.ListPartnerStaysByLocatorParams{PartnerID: partner, Locator: locator})
	if err != nil {
		return nil, mapErr(err)
	}
	if seq, ok := t.tk.c.Decode(locator); ok {
		r, err := t.q.GetPartnerStayByTicket(stmtCtx, db.GetPartnerStayByTicketParams{PartnerID: partner,
			Ticket: sql.NullInt64{Int64: int64(seq), Valid: true}, Locator: locator})
		switch {
		case err == nil:
			// Newest entry first, then by lot, as the query orders.
			i, _ := slices.BinarySearchFunc(rows, r, func(a, b db.Stay) int {
				if a.EntryAt != b.EntryAt {
					return cmp.Compare(b.EntryAt, a.EntryAt)
				}
				return cmp.Compare(a.LotCode, b.LotCode)
			})
			rows = slices.Insert(rows, i, r)
		case !errors.Is(err, sql.ErrNoRows):
			return nil, mapErr(err)
		}
	}
	return staysFromRows(rows)
}
