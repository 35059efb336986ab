package core

import (
	"context"
	"encoding/json"
	"time"

	"parkd/internal/park"
)

// Report is the one seam through which the core tells partners what
// happened: called inside the transaction of the change, it stores a
// report of kind for lot (and a delivery for each subscriber) when anyone
// subscribed to it, so it commits or rolls back with the change. build
// makes the report's content and runs only when someone will be told;
// key orders the reports one subscriber receives (park.StayKey,
// park.LotKey). at is when what it tells of happened; its deliveries are
// due from now, when it is written.
func (b *Base) Report(ctx context.Context, tx park.Tx, kind, lot, key string, at time.Time, build func() (*park.ReportData, error)) error {
	ok, err := tx.Subscribed(ctx, lot, kind)
	if err != nil || !ok {
		return err
	}
	r, err := b.newReport(kind, lot, key, at, build)
	if err != nil {
		return err
	}
	_, err = tx.Enqueue(ctx, r)
	return err
}

// ReportTo is Report for the named subscriptions alone (none: nothing is
// written), whatever else the lot's partners subscribed to.
func (b *Base) ReportTo(ctx context.Context, tx park.Tx, subscriptions []string, kind, lot, key string, at time.Time, build func() (*park.ReportData, error)) error {
	if len(subscriptions) == 0 {
		return nil
	}
	r, err := b.newReport(kind, lot, key, at, build)
	if err != nil {
		return err
	}
	_, err = tx.EnqueueTo(ctx, r, subscriptions)
	return err
}

func (b *Base) newReport(kind, lot, key string, at time.Time, build func() (*park.ReportData, error)) (*park.Report, error) {
	data, err := build()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, park.Errorf(park.EInternal, "report %s of lot %s: %v", kind, lot, err)
	}
	return &park.Report{ID: NewID(), Kind: kind, LotCode: lot, Key: key, At: at, Data: raw, Queued: b.Clock()}, nil
}

// ReportLot is a lot as reports show it: its settings without the tariff
// document, which partners do not price with.
func ReportLot(l *park.Lot) *park.Lot {
	c := *l
	c.Tariff = nil
	return &c
}
