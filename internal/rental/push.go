package rental

import (
	"context"
	"encoding/json"
	"strings"
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

// enqueue writes one rental report for the named channels, in turn with
// the other transactions pushing under key (lockPushes). Terms also wait
// behind their model's pushes (RentalChange.After); their transaction
// read the model committed, so its pushes are numbered before them.
func enqueue(ctx context.Context, tx park.Tx, at time.Time, lot, key string, ch *park.RentalChange, channels []string) error {
	if err := lockPushes(ctx, tx, key); err != nil {
		return err
	}
	raw, err := json.Marshal(park.ReportData{Rental: ch})
	if err != nil {
		return park.Errorf(park.EInternal, "rental change of %s: %v", key, err)
	}
	subs := make([]string, len(channels))
	for i, id := range channels {
		subs[i] = park.RentalSubscription(id)
	}
	_, err = tx.EnqueueTo(ctx, &park.Report{ID: core.NewID(), Kind: park.ReportRental, LotCode: lot, Key: key, After: ch.After(), At: at, Data: raw}, subs)
	return err
}

// lockPushes makes the transactions pushing under one key (a store, or
// the models) take turns until commit, so their pushes are numbered in
// the order they commit: on several writers, a push numbered before
// another but committed after it would be sent after it, and a channel
// would keep the older state. A resync takes it before it reads what it
// queues.
func lockPushes(ctx context.Context, tx park.Tx, key string) error {
	if strings.HasPrefix(key, park.RentalModelKey("")) {
		key = park.RentalModelKey("") // a resync queues every model at once
	}
	return tx.Serialize(ctx, "rental-push:"+key)
}
