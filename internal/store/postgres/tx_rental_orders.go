package postgres

import (
	"context"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) SaveRentalOrder(ctx context.Context, o *park.RentalOrder) error {
	body, err := rentalBody(o)
	if err != nil {
		return err
	}
	if o.Version == 0 {
		if err := t.q.InsertRentalOrder(ctx, db.InsertRentalOrderParams{ID: o.ID, ChannelID: o.ChannelID,
			ChannelOrderID: o.ChannelOrderID, PlateKey: o.PlateKey, Status: o.Status, PickupAt: ts(o.PickupAt), Body: body,
			UpdatedAt: ts(o.UpdatedAt)}); err != nil {
			return wrap(err, "order %q", o.ID)
		}
		o.Version = 1
		return nil
	}
	n, err := t.q.UpdateRentalOrder(ctx, db.UpdateRentalOrderParams{PlateKey: o.PlateKey, Status: o.Status,
		PickupAt: ts(o.PickupAt), Body: body, UpdatedAt: ts(o.UpdatedAt), ID: o.ID, Version: o.Version})
	return versioned(n, err, &o.Version, func() error { _, err := t.q.GetRentalOrder(ctx, o.ID); return err }, "order %q", o.ID)
}

func rentalOrderFromRow(r db.RentalOrder) (*park.RentalOrder, error) {
	o, err := fromBody[park.RentalOrder](r.Body, r.Version, "order "+r.ID)
	if err == nil {
		o.Version = r.Version
	}
	return o, err
}

func (t *txn) GetRentalOrder(ctx context.Context, id string) (*park.RentalOrder, error) {
	r, err := t.q.GetRentalOrder(ctx, id)
	if err != nil {
		return nil, wrap(err, "order %q", id)
	}
	return rentalOrderFromRow(r)
}

func (t *txn) GetChannelOrder(ctx context.Context, channelID, channelOrderID string) (*park.RentalOrder, error) {
	r, err := t.q.GetChannelOrder(ctx, db.GetChannelOrderParams{ChannelID: channelID, ChannelOrderID: channelOrderID})
	if err != nil {
		return nil, wrap(err, "order %q of channel %q", channelOrderID, channelID)
	}
	return rentalOrderFromRow(r)
}

func (t *txn) VehicleOrders(ctx context.Context, plateKey string) ([]*park.RentalOrder, error) {
	rs, err := t.q.VehicleOrders(ctx, plateKey)
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
