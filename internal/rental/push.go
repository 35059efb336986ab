package rental

import (
	"context"
	"encoding/json"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// push queues a change of one store's catalogue for every channel that
// sells the store, in the transaction of the change: one report, one
// delivery per channel, ordered behind the store's earlier changes.
func (s *Service) push(ctx context.Context, tx park.Tx, store *park.RentalStore, ch *park.RentalChange) error {
	ids, err := tx.ChannelsSelling(ctx, store.Code)
	if err != nil || len(ids) == 0 {
		return err
	}
	return enqueue(ctx, tx, s.base.Clock(), store.LotCode, park.RentalStoreKey(store.Code), ch, ids)
}

// pushModel queues a vehicle model's change for every channel: models
// are the supplier's, whichever stores rent them.
func (s *Service) pushModel(ctx context.Context, tx park.Tx, m *park.VehicleModel) error {
	cs, err := tx.ListRentalChannels(ctx)
	if err != nil || len(cs) == 0 {
		return err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return enqueue(ctx, tx, s.base.Clock(), "", park.RentalModelKey(m.Code), &park.RentalChange{Item: park.RentalItemModel, Model: m, Deleted: m.Deleted}, ids)
}

// enqueue writes one rental report for the named channels.
func enqueue(ctx context.Context, tx park.Tx, at time.Time, lot, key string, ch *park.RentalChange, channels []string) error {
	raw, err := json.Marshal(park.ReportData{Rental: ch})
	if err != nil {
		return park.Errorf(park.EInternal, "rental change of %s: %v", key, err)
	}
	subs := make([]string, len(channels))
	for i, id := range channels {
		subs[i] = park.RentalSubscription(id)
	}
	_, err = tx.EnqueueTo(ctx, &park.Report{ID: core.NewID(), Kind: park.ReportRental, LotCode: lot, Key: key, At: at, Data: raw}, subs)
	return err
}
