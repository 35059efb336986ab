package sqlite

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) SaveRentalOrder(ctx context.Context, o *park.RentalOrder) error {
	body, err := rentalBody(o)
	if err != nil {
		return err
	}
	if o.Version == 0 {
		if err := t.q.InsertRentalOrder(stmtCtx, db.InsertRentalOrderParams{ID: o.ID, ChannelID: o.ChannelID,
			ChannelOrderID: o.ChannelOrderID, PlateKey: o.PlateKey, Status: o.Status, PickupAt: us(o.PickupAt), Body: body,
			UpdatedAt: us(o.UpdatedAt)}); err != nil {
			return wrap(err, "order %q", o.ID)
		}
		o.Version = 1
		return nil
	}
	n, err := t.q.UpdateRentalOrder(stmtCtx, db.UpdateRentalOrderParams{PlateKey: o.PlateKey, Status: o.Status,
		PickupAt: us(o.PickupAt), Body: body, UpdatedAt: us(o.UpdatedAt), ID: o.ID, Version: o.Version})
	return versioned(n, err, &o.Version, func() error { _, err := t.q.GetRentalOrder(stmtCtx, o.ID); return err }, "order %q", o.ID)
}

func rentalOrderFromRow(r db.RentalOrder) (*park.RentalOrder, error) {
	o, err := fromBody[park.RentalOrder](r.Body, r.Version, "order "+r.ID)
	if err == nil {
		o.Version = r.Version
	}
	return o, err
}

func (t *txn) GetRentalOrder(ctx context.Context, id string) (*park.RentalOrder, error) {
	r, err := t.q.GetRentalOrder(stmtCtx, id)
	if err != nil {
		return nil, wrap(err, "order %q", id)
	}
	return rentalOrderFromRow(r)
}

func (t *txn) GetChannelOrder(ctx context.Context, channelID, channelOrderID string) (*park.RentalOrder, error) {
	r, err := t.q.GetChannelOrder(stmtCtx, db.GetChannelOrderParams{ChannelID: channelID, ChannelOrderID: channelOrderID})
	if err != nil {
		return nil, wrap(err, "order %q of channel %q", channelOrderID, channelID)
	}
	return rentalOrderFromRow(r)
}

func (t *txn) VehicleOrders(ctx context.Context, plateKey string) ([]*park.RentalOrder, error) {
	rs, err := t.q.VehicleOrders(stmtCtx, plateKey)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.RentalOrder, len(rs))
	for i, r := range rs {
		if out[i], err = rentalOrderFromRow(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}
