package gate

import (
	"context"
	"slices"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// CreateLot validates and stores a new lot (EInvalid, EConflict).
func (s *Service) CreateLot(ctx context.Context, l *park.Lot) (*park.Lot, error) {
	l.ApplyDefaults()
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if _, err := billing.CanonicalTariff(l); err != nil {
		return nil, err
	}
	now := s.base.Clock()
	l.CreatedAt, l.UpdatedAt, l.Occupied = now, now, 0
	if len(l.Tariff) > 0 {
		l.TariffVersion = 1
	}
	err := s.base.Write(ctx, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, l); err != nil {
			return park.Taken(err, "code")
		}
		return s.reportLot(ctx, tx, l, now)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// GetLot returns a lot (ENotFound).
func (s *Service) GetLot(ctx context.Context, code string) (*park.Lot, error) {
	var l *park.Lot
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		l, err = tx.GetLot(ctx, code)
		return err
	})
	return l, err
}

// LotSettings is GetLot without the count of cars inside (Occupied is 0),
// for callers that need only the lot's settings: counting costs a read of
// every shard of the lot's counter.
func (s *Service) LotSettings(ctx context.Context, code string) (*park.Lot, error) {
	var l *park.Lot
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		l, err = tx.GetLotSettings(ctx, code)
		return err
	})
	return l, err
}

// PartnerLotSettings is LotSettings for a partner ("" : an operator): a
// lot the partner is not registered for answers ENotFound (field lot),
// exactly as one that does not exist (core.PartnerLot). An operation
// whose use case does not take the partner reads its lot here first.
func (s *Service) PartnerLotSettings(ctx context.Context, partner, code string) (*park.Lot, error) {
	var l *park.Lot
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if err := core.PartnerLot(ctx, tx, partner, code); err != nil {
			return err
		}
		l, err = tx.GetLotSettings(ctx, code)
		return err
	})
	return l, err
}

// ListLots returns every lot, ordered by code.
func (s *Service) ListLots(ctx context.Context) ([]*park.Lot, error) {
	var ls []*park.Lot
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		ls, err = tx.ListLots(ctx)
		return err
	})
	return ls, err
}

// UpdateLot applies patch to a lot and stores it if it still validates.
// The code cannot change; a changed tariff gets a new version; a changed
// currency must suit those that hold the lot (LotCurrencies). An
// operator's change is audited with the lot before and after.
func (s *Service) UpdateLot(ctx context.Context, code string, patch func(*park.Lot) error) (*park.Lot, error) {
	return s.updateLot(ctx, code, "lot.update", func(l *park.Lot) string { return core.Snapshot(l) }, patch)
}

// updateLot is UpdateLot audited as action, with what of the lot the
// audit entry keeps before and after.
func (s *Service) updateLot(ctx context.Context, code, action string, keep func(*park.Lot) string,
	patch func(*park.Lot) error) (*park.Lot, error) {
	var out *park.Lot
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if err := tx.Serialize(ctx, lotInfoKey(code)); err != nil {
			return err
		}
		l, err := tx.GetLot(ctx, code)
		if err != nil {
			return err
		}
		before, currency := string(l.Tariff), l.Currency
		kept := keep(l)
		if err := patch(l); err != nil {
			return err
		}
		if l.Code != code {
			return park.Invalid("code", "cannot be changed")
		}
		if err := l.Validate(); err != nil {
			return err
		}
		// An unchanged tariff was validated when set; a rule added since
		// (a daily cap below a block's price) must not block other changes.
		if string(l.Tariff) != before {
			if _, err := billing.CanonicalTariff(l); err != nil {
				return err
			}
		}
		if l.Currency != currency {
			for _, c := range s.currencies {
				if err := c.CheckLotCurrency(ctx, tx, l); err != nil {
					return err
				}
			}
			// A car inside was priced, and may have paid, in the old
			// currency: its amounts would be read in the new one.
			in, err := tx.ListStays(ctx, park.StayFilter{LotCode: code, State: park.StayIn, Limit: 1})
			if err != nil {
				return err
			}
			if len(in) > 0 {
				return park.Errorf(park.EConflict, "currency: cars priced in %s are inside lot %q; change it once they have left", currency, code)
			}
		}
		if string(l.Tariff) != before {
			l.TariffVersion++
		}
		l.UpdatedAt = s.base.Clock()
		out = l
		if err := tx.UpdateLot(ctx, l); err != nil {
			return err
		}
		err = s.base.Audit(ctx, tx, &park.AuditEntry{At: l.UpdatedAt, Action: action, Lot: code, Target: code, Before: kept,
			After: keep(l)})
		if err != nil {
			return err
		}
		return s.reportLot(ctx, tx, l, l.UpdatedAt)
	})
	return out, err
}

// SetTariff replaces a lot's tariff (EInvalid naming the field, ENotFound);
// an operator's change is audited with the documents before and after.
func (s *Service) SetTariff(ctx context.Context, code string, doc []byte) (*park.Lot, error) {
	if len(doc) == 0 {
		return nil, park.Invalid("tariff", "a tariff document is required").Because(park.ReasonRequired)
	}
	return s.updateLot(ctx, code, "tariff.update", func(l *park.Lot) string { return string(l.Tariff) }, func(l *park.Lot) error {
		l.Tariff = doc
		return nil
	})
}

// Occupancy reports a lot's cars inside, clamped to its capacity.
func (s *Service) Occupancy(ctx context.Context, code string) (park.Occupancy, error) {
	l, err := s.GetLot(ctx, code)
	if err != nil {
		return park.Occupancy{}, err
	}
	return park.NewOccupancy(l.Capacity, l.Occupied), nil
}

// GetStay returns one stay (ENotFound).
func (s *Service) GetStay(ctx context.Context, id string) (*park.Stay, error) {
	var st *park.Stay
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		st, err = tx.GetStay(ctx, id)
		return err
	})
	return st, err
}

// StayQuery selects stays of a lot; Plate is any readable form of a plate.
type StayQuery struct {
	LotCode string
	State   string
	Plate   string
	Limit   int
	AfterID string
}

// ListStays lists a lot's stays in id (entry) order, one page at a time.
// It does not say whether more follow (a full page may be the last): a
// reply that gives a next page uses StayPage.
func (s *Service) ListStays(ctx context.Context, q StayQuery) ([]*park.Stay, error) {
	out, _, err := s.StayPage(ctx, q)
	return out, err
}

// StayPage returns one page of a lot's stays in id (entry) order, those
// after q.AfterID ("" from the start), at most q.Limit (0:
// core.DefaultPage), and whether more follow, as the other native lists
// page. Stays are kept after the car leaves, so AfterID must name a stay
// of the lot, in or out: any other id is no page's next.
// Errors: EInvalid (state, limit, after, plate), ENotFound (lot).
func (s *Service) StayPage(ctx context.Context, q StayQuery) ([]*park.Stay, bool, error) {
	if q.State != "" && q.State != park.StayIn && q.State != park.StayOut {
		return nil, false, park.Invalid("state", "must be %q or %q", park.StayIn, park.StayOut).Because(park.ReasonUnknown)
	}
	limit, err := core.PageLimit(q.Limit)
	if err != nil {
		return nil, false, err
	}
	// A cursor that is not a stay's id would read as an empty last page.
	if q.AfterID != "" && !core.IsID(q.AfterID) {
		return nil, false, park.Invalid("after", "%q is not a stay id: pass the next of the previous page", q.AfterID).Because(park.ReasonFormat)
	}
	f := park.StayFilter{LotCode: q.LotCode, State: q.State, Limit: limit + 1, AfterID: q.AfterID}
	if q.Plate != "" {
		p, err := plate.Normalize(q.Plate)
		if err != nil {
			return nil, false, core.PlateInvalid("plate", err)
		}
		f.PlateKey = p.Key
	}
	var out []*park.Stay
	err = s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, q.LotCode); err != nil {
			return err
		}
		if q.AfterID != "" {
			// One that names no stay of the lot would give a page that
			// looks right (after its place in the order) but is not.
			st, err := tx.GetStay(ctx, q.AfterID)
			if park.IsCode(err, park.ENotFound) || err == nil && st.LotCode != q.LotCode {
				return park.Invalid("after", "%q is no stay of lot %s: pass the next of the previous page", q.AfterID, q.LotCode).Because(park.ReasonUnknown)
			}
			if err != nil {
				return err
			}
		}
		var err error
		out, err = tx.ListStays(ctx, f)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}

// LatestStays returns a plate's n newest stays in a lot, newest first.
// Stays are kept in entry order, so it reads the plate's stays to the
// end and keeps the last n.
func (s *Service) LatestStays(ctx context.Context, lot, plateText string, n int) ([]*park.Stay, error) {
	p, err := plate.Normalize(plateText)
	if err != nil {
		return nil, core.PlateInvalid("plate", err)
	}
	var out []*park.Stay
	err = s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, lot); err != nil {
			return err
		}
		out = nil
		f := park.StayFilter{LotCode: lot, PlateKey: p.Key, Limit: park.MaxListLimit}
		for {
			page, err := tx.ListStays(ctx, f)
			if err != nil {
				return err
			}
			out = append(out, page...)
			if len(out) > n {
				out = append(out[:0:0], out[len(out)-n:]...)
			}
			if len(page) < f.Limit {
				return nil
			}
			f.AfterID = page[len(page)-1].ID
		}
	})
	slices.Reverse(out)
	return out, err
}

// ListAnomalies returns a lot's latest anomalies, newest first, at most
// limit (0: core.DefaultPage). A reply that gives a next page uses
// AnomalyPage.
func (s *Service) ListAnomalies(ctx context.Context, lot string, limit int) ([]*park.Anomaly, error) {
	out, _, err := s.AnomalyPage(ctx, AnomalyQuery{LotCode: lot, Limit: limit})
	return out, err
}

// AnomalyQuery selects a page of a lot's anomalies: those older than the
// one BeforeID names ("" from the newest), the next of the previous page.
type AnomalyQuery struct {
	LotCode  string
	Limit    int
	BeforeID string
}

// AnomalyPage returns one page of a lot's anomalies newest first (ties
// on the time by id, the higher, recorded later, first), at most q.Limit
// (0: core.DefaultPage), and whether older ones follow, as the audit log
// pages. The page is placed by the previous page's last anomaly, not by
// a count, so anomalies recorded meanwhile do not shift it. Anomalies
// are never deleted, so BeforeID must name one of the lot: any other is
// no page's next.
// Errors: EInvalid (limit, before), ENotFound (lot).
func (s *Service) AnomalyPage(ctx context.Context, q AnomalyQuery) ([]*park.Anomaly, bool, error) {
	limit, err := core.PageLimit(q.Limit)
	if err != nil {
		return nil, false, err
	}
	if err := park.CheckText("before", q.BeforeID); err != nil {
		return nil, false, err
	}
	f := park.AnomalyFilter{LotCode: q.LotCode, BeforeID: q.BeforeID, Limit: limit + 1}
	var out []*park.Anomaly
	err = s.base.View(ctx, func(tx park.Tx) error {
		if _, err := tx.GetLotSettings(ctx, q.LotCode); err != nil {
			return err
		}
		if q.BeforeID != "" {
			// One that names no anomaly of the lot would read as an
			// empty last page, or a page from nowhere.
			a, err := tx.GetAnomaly(ctx, q.LotCode, q.BeforeID)
			if park.IsCode(err, park.ENotFound) {
				return park.Invalid("before", "%q is not a page cursor of lot %s's anomalies: pass the next of the previous page",
					q.BeforeID, q.LotCode).Because(park.ReasonUnknown)
			}
			if err != nil {
				return err
			}
			f.BeforeAt = a.At
		}
		var err error
		out, err = tx.ListAnomalies(ctx, f)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}
