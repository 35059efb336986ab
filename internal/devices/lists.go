package devices

import (
	"context"
	"time"

	"parkd/internal/park"
)

// Lists is where the lot's passes and whitelist come from (the access
// subsystem).
type Lists interface {
	ListPasses(ctx context.Context, lot string) ([]*park.Pass, error)
	ListWhitelist(ctx context.Context, lot string) ([]*park.WhitelistEntry, error)
}

// Allowed is a plate a lane lets through on its own while it cannot reach
// parkd, from From until To.
type Allowed struct {
	Plate    string
	From, To time.Time
}

// OfflineList is what a lot's cameras keep to let cars through while
// parkd cannot be reached: the plates of its passes (for their whole
// validity: a camera knows no time slots) and of its whitelist's allow
// entries, not yet expired at now. Deny entries are not loaded: a camera
// on its own opens only for what it holds. It returns the lot's time
// zone too, in which cameras read times.
func (s *Service) OfflineList(ctx context.Context, lot string) ([]Allowed, *time.Location, error) {
	if s.lists == nil {
		return nil, nil, park.Errorf(park.EInternal, "no lists wired")
	}
	var l *park.Lot
	if err := s.base.Store.View(ctx, func(tx park.Tx) (err error) { l, err = tx.GetLotSettings(ctx, lot); return }); err != nil {
		return nil, nil, err
	}
	loc, err := time.LoadLocation(l.TimeZone)
	if err != nil {
		return nil, nil, park.Errorf(park.EInternal, "lot %s: time zone %q: %v", lot, l.TimeZone, err)
	}
	now := s.base.Clock()
	passes, err := s.lists.ListPasses(ctx, lot)
	if err != nil {
		return nil, nil, err
	}
	wl, err := s.lists.ListWhitelist(ctx, lot)
	if err != nil {
		return nil, nil, err
	}
	var out []Allowed
	for _, p := range passes {
		if !p.ValidTo.After(now) {
			continue
		}
		for _, pl := range p.Plates {
			out = append(out, Allowed{Plate: pl, From: p.ValidFrom, To: p.ValidTo})
		}
	}
	for _, w := range wl {
		if w.Kind == park.AccessAllow && w.ValidTo.After(now) {
			out = append(out, Allowed{Plate: w.Plate, From: w.ValidFrom, To: w.ValidTo})
		}
	}
	return out, loc, nil
}
