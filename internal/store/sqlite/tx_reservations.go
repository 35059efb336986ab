package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) InsertGateCommand(ctx context.Context, c *park.GateCommand) error {
	return wrap(t.q.InsertGateCommand(stmtCtx, db.InsertGateCommandParams{
		ID: c.ID, LotCode: c.LotCode, Lane: c.Lane, Command: c.Command, By: c.By, Reason: c.Reason,
		At: us(c.At), Result: c.Result, Detail: c.Detail,
	}), "lot %q or gate command %q", c.LotCode, c.ID)
}

func (t *txn) ListGateCommands(ctx context.Context, lot, lane string, limit int) ([]*park.GateCommand, error) {
	var rows []db.GateCommand
	var err error
	if lane == "" {
		rows, err = t.q.ListGateCommands(stmtCtx, db.ListGateCommandsParams{LotCode: lot, Limit: int64(limit)})
	} else {
		rows, err = t.q.ListLaneGateCommands(stmtCtx, db.ListLaneGateCommandsParams{LotCode: lot, Lane: lane, Limit: int64(limit)})
	}
	return gateCommandsFromRows(rows, err)
}

func (t *txn) ListGateCommandsBetween(ctx context.Context, lot, lane string, from, to time.Time, limit int) ([]*park.GateCommand, error) {
	rows, err := t.q.ListLaneGateCommandsBetween(stmtCtx, db.ListLaneGateCommandsBetweenParams{LotCode: lot, Lane: lane,
		FromAt: us(from), ToAt: us(to), Lim: int64(limit)})
	return gateCommandsFromRows(rows, err)
}

func gateCommandsFromRows(rows []db.GateCommand, err error) ([]*park.GateCommand, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.GateCommand, len(rows))
	for i, r := range rows {
		out[i] = &park.GateCommand{
			ID: r.ID, LotCode: r.LotCode, Lane: r.Lane, Command: r.Command, By: r.By, Reason: r.Reason,
			At: fromUS(r.At), Result: r.Result, Detail: r.Detail,
		}
	}
	return out, nil
}

func (t *txn) HoldLane(ctx context.Context, h *park.LaneHold) error {
	err := mapErr(t.q.InsertLaneHold(stmtCtx, db.InsertLaneHoldParams{LotCode: h.LotCode, Lane: h.Lane, By: h.By, Since: us(h.Since)}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lane %q of lot %q not found", h.Lane, h.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "lane %q is already held open", h.Lane)
	}
	return err
}

func (t *txn) ReleaseLane(ctx context.Context, lot, lane string) error {
	n, err := t.q.DeleteLaneHold(stmtCtx, db.DeleteLaneHoldParams{LotCode: lot, Lane: lane})
	return affected(n, err, "hold of lane %q", lane)
}

func (t *txn) GetLaneHold(ctx context.Context, lot, lane string) (*park.LaneHold, error) {
	r, err := t.q.GetLaneHold(stmtCtx, db.GetLaneHoldParams{LotCode: lot, Lane: lane})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return &park.LaneHold{LotCode: r.LotCode, Lane: r.Lane, By: r.By, Since: fromUS(r.Since)}, nil
}

func (t *txn) ListLaneHolds(ctx context.Context) ([]*park.LaneHold, error) {
	rows, err := t.q.ListLaneHolds(stmtCtx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.LaneHold, len(rows))
	for i, r := range rows {
		out[i] = &park.LaneHold{LotCode: r.LotCode, Lane: r.Lane, By: r.By, Since: fromUS(r.Since)}
	}
	return out, nil
}

func reservationFromRow(r db.Reservation) *park.Reservation {
	return &park.Reservation{
		ID: r.ID, PartnerID: r.PartnerID, LotCode: r.LotCode, OrderNo: r.OrderNo, Kind: r.Kind,
		Plate: r.Plate, PlateKey: r.PlateKey, Mobile: r.Mobile, UserName: r.UserName,
		From: fromUS(r.ValidFrom), To: fromUS(r.ValidTo), Prepaid: r.Prepaid,
		MayEnter: r.MayEnter != 0, MayExit: r.MayExit != 0, State: r.State, StayID: r.StayID,
		TerminatedAt: fromNullUS(r.TerminatedAt), CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt),
		Version: r.Version,
	}
}

func reservationsFromRows(rows []db.Reservation) []*park.Reservation {
	out := make([]*park.Reservation, len(rows))
	for i, r := range rows {
		out[i] = reservationFromRow(r)
	}
	return out
}

func (t *txn) CreateReservation(ctx context.Context, r *park.Reservation) error {
	r.Version = 1
	err := mapErr(t.q.InsertReservation(stmtCtx, db.InsertReservationParams{
		ID: r.ID, PartnerID: r.PartnerID, LotCode: r.LotCode, OrderNo: r.OrderNo, Kind: r.Kind,
		Plate: r.Plate, PlateKey: r.PlateKey, Mobile: r.Mobile, UserName: r.UserName,
		ValidFrom: us(r.From), ValidTo: us(r.To), Prepaid: r.Prepaid, MayEnter: b2i(r.MayEnter),
		MayExit: b2i(r.MayExit), State: r.State, StayID: r.StayID, TerminatedAt: nullUS(r.TerminatedAt),
		CreatedAt: us(r.CreatedAt), UpdatedAt: us(r.UpdatedAt),
	}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", r.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "order %q already exists", r.OrderNo)
	}
	return err
}

func (t *txn) GetReservation(ctx context.Context, id string) (*park.Reservation, error) {
	r, err := t.q.GetReservation(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "reservation %q", id)
	}
	return reservationFromRow(r), nil
}

func (t *txn) FindReservation(ctx context.Context, partner, lot, orderNo string) (*park.Reservation, error) {
	r, err := t.q.FindReservation(stmtCtx, db.FindReservationParams{PartnerID: partner, LotCode: lot, OrderNo: orderNo})
	if err != nil {
		return nil, wrap(err, "order %q", orderNo)
	}
	return reservationFromRow(r), nil
}

func (t *txn) StayReservations(ctx context.Context, stayID string) ([]*park.Reservation, error) {
	rows, err := t.q.StayReservations(stmtCtx, stayID)
	if err != nil {
		return nil, mapErr(err)
	}
	return reservationsFromRows(rows), nil
}

func (t *txn) BookedReservations(ctx context.Context, lot, plateKey string, at time.Time) ([]*park.Reservation, error) {
	rows, err := t.q.BookedReservations(stmtCtx, db.BookedReservationsParams{LotCode: lot, PlateKey: plateKey, ValidTo: us(at)})
	if err != nil {
		return nil, mapErr(err)
	}
	return reservationsFromRows(rows), nil
}

func (t *txn) ListReservations(ctx context.Context, f park.ReservationFilter) ([]*park.Reservation, error) {
	var rows []db.Reservation
	var err error
	switch {
	case f.PlateKey != "":
		rows, err = t.q.ListReservationsByPlate(stmtCtx, db.ListReservationsByPlateParams{
			PartnerID: f.PartnerID, LotCode: f.LotCode, PlateKey: f.PlateKey, Limit: int64(f.Limit),
		})
	case f.Mobile != "":
		rows, err = t.q.ListReservationsByMobile(stmtCtx, db.ListReservationsByMobileParams{
			PartnerID: f.PartnerID, LotCode: f.LotCode, Mobile: f.Mobile, Limit: int64(f.Limit),
		})
	default:
		return nil, park.Invalid("filter", "a plate or a mobile is required")
	}
	if err != nil {
		return nil, mapErr(err)
	}
	out := reservationsFromRows(rows)
	if f.PlateKey != "" && f.Mobile != "" { // both given: both must match
		kept := out[:0]
		for _, r := range out {
			if r.Mobile == f.Mobile {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	return out, nil
}

func (t *txn) UpdateReservation(ctx context.Context, r *park.Reservation) error {
	n, err := t.q.UpdateReservation(stmtCtx, db.UpdateReservationParams{
		Kind: r.Kind, Plate: r.Plate, PlateKey: r.PlateKey, Mobile: r.Mobile, UserName: r.UserName,
		ValidFrom: us(r.From), ValidTo: us(r.To), Prepaid: r.Prepaid, MayEnter: b2i(r.MayEnter),
		MayExit: b2i(r.MayExit), State: r.State, StayID: r.StayID, TerminatedAt: nullUS(r.TerminatedAt),
		UpdatedAt: us(r.UpdatedAt), ID: r.ID, Version: r.Version,
	})
	return versioned(n, err, &r.Version, func() error { _, err := t.q.GetReservation(stmtCtx, r.ID); return err },
		"reservation %q", r.ID)
}

func (t *txn) LotReservations(ctx context.Context, f park.LotReservationFilter) ([]*park.Reservation, error) {
	rows, err := t.q.LotReservations(stmtCtx, db.LotReservationsParams{
		LotCode: f.LotCode, FromBefore: us(f.FromBefore), ToAfter: us(f.ToAfter), ToBy: us(f.ToBy),
		State: f.State, PlateKey: f.PlateKey, Lim: int64(f.Limit),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return reservationsFromRows(rows), nil
}
