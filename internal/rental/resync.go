package rental

import (
	"context"
	"time"

	"parkd/internal/park"
)

// ResyncSummary is what a resync queued for a channel.
type ResyncSummary struct {
	Stores   int `json:"stores"`
	Rules    int `json:"rules"`
	Models   int `json:"models"`
	Terms    int `json:"terms"`
	Vehicles int `json:"vehicles"`
}

// Calls is how many calls the resync queued.
func (r ResyncSummary) Calls() int { return r.Stores + r.Rules + r.Models + r.Terms + r.Vehicles }

// Resync queues the whole catalogue a channel sells for it alone (first
// connection, or after an outage): every live vehicle model, then each
// store with its rule, terms and vehicles, in order, one transaction per
// store so a large catalogue never holds the database long, then the
// deleted models' deletions. A model is thus queued before the terms
// and cars that name it, and a deleted model's deletion after its terms
// and cars are withdrawn at every store: the claim sends a change that
// names a model behind the model's earlier pushes, and a model's
// deletion behind the earlier changes naming it (park.RentalChange.After),
// so the channel never holds offers of a model it no longer has.
// progress, when given,
// is told after each store how many of the channel's stores are queued.
// The delivery worker sends them at the channel's rate limit. Errors:
// ENotFound (app_key).
func (s *Service) Resync(ctx context.Context, channelID string, progress func(done, total int)) (ResyncSummary, error) {
	var sum ResyncSummary
	var ch *park.RentalChannel
	err := s.base.Update(ctx, func(tx park.Tx) error {
		sum = ResyncSummary{}
		var err error
		if ch, err = tx.GetRentalChannel(ctx, channelID); park.IsCode(err, park.ENotFound) {
			return notFound("app_key", "no channel %q", channelID)
		} else if err != nil {
			return err
		}
		if err := lockPushes(ctx, tx, park.RentalModelKey("")); err != nil {
			return err
		}
		n, err := queueModels(ctx, tx, s.base.Clock(), ch.ID, false)
		sum.Models = n
		return err
	})
	if err != nil {
		return sum, err
	}
	for i, code := range ch.Stores {
		var st ResyncSummary
		err := s.base.Update(ctx, func(tx park.Tx) (err error) {
			st, err = queueStore(ctx, tx, s.base.Clock(), code, ch.ID)
			return err
		})
		if err != nil {
			return sum, err
		}
		sum.Stores, sum.Rules, sum.Terms, sum.Vehicles = sum.Stores+st.Stores, sum.Rules+st.Rules, sum.Terms+st.Terms, sum.Vehicles+st.Vehicles
		if progress != nil {
			progress(i+1, len(ch.Stores))
		}
	}
	// Read again: a model deleted meanwhile was pushed by its deletion,
	// one put back was pushed live by its put.
	var gone int
	err = s.base.Update(ctx, func(tx park.Tx) (err error) {
		if err := lockPushes(ctx, tx, park.RentalModelKey("")); err != nil {
			return err
		}
		gone, err = queueModels(ctx, tx, s.base.Clock(), ch.ID, true)
		return err
	})
	sum.Models += gone
	return sum, err
}

// queueModels queues for one channel the models that are deleted (or,
// with deleted false, those that are not) and returns how many.
func queueModels(ctx context.Context, tx park.Tx, at time.Time, channel string, deleted bool) (int, error) {
	ms, err := tx.ListVehicleModels(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ms {
		if m.Deleted != deleted {
			continue
		}
		if err := enqueue(ctx, tx, at, "", park.RentalModelKey(m.Code),
			&park.RentalChange{Item: park.RentalItemModel, Model: m, Deleted: m.Deleted}, []string{channel}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// queueStore queues one store's whole catalogue for one channel, in the
// store's order: the store, its rule, its terms, its vehicles, deleted ones
// as deleted; a deleted store last, after its rule, terms and vehicles
// are withdrawn, as DeleteStore queues them.
func queueStore(ctx context.Context, tx park.Tx, at time.Time, code, channel string) (ResyncSummary, error) {
	var st ResyncSummary
	if err := lockPushes(ctx, tx, park.RentalStoreKey(code)); err != nil {
		return st, err
	}
	store, err := tx.GetRentalStore(ctx, code)
	if err != nil {
		return st, err
	}
	one := []string{channel}
	key := park.RentalStoreKey(code)
	queueItself := func() error {
		st.Stores++
		return enqueue(ctx, tx, at, store.LotCode, key, &park.RentalChange{Item: park.RentalItemStore, Store: store,
			Deleted: store.Deleted}, one)
	}
	if !store.Deleted {
		if err := queueItself(); err != nil {
			return st, err
		}
	}
	switch r, err := tx.GetStoreRule(ctx, code); {
	case park.IsCode(err, park.ENotFound):
	case err != nil:
		return st, err
	default:
		if err := enqueue(ctx, tx, at, store.LotCode, key, &park.RentalChange{Item: park.RentalItemStoreRule, Store: store,
			Rule: r, Deleted: r.Deleted}, one); err != nil {
			return st, err
		}
		st.Rules++
	}
	ts, err := tx.ListStoreModels(ctx, code)
	if err != nil {
		return st, err
	}
	for _, t := range ts {
		if err := enqueue(ctx, tx, at, store.LotCode, key, &park.RentalChange{Item: park.RentalItemStoreModel, Store: store,
			StoreModel: t, Deleted: t.Deleted}, one); err != nil {
			return st, err
		}
		st.Terms++
	}
	vs, err := tx.ListRentalVehicles(ctx, code)
	if err != nil {
		return st, err
	}
	for _, v := range vs {
		if err := enqueue(ctx, tx, at, store.LotCode, key, &park.RentalChange{Item: park.RentalItemVehicle, Store: store,
			Vehicle: v, Deleted: v.Deleted}, one); err != nil {
			return st, err
		}
		st.Vehicles++
	}
	if store.Deleted {
		if err := queueItself(); err != nil {
			return st, err
		}
	}
	return st, nil
}
