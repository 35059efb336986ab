package partners

import (
	"context"
	"regexp"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// StayLookup names the stay a partner asks about: by ticket (Locator) or
// by plate, in one lot or in every lot the partner may use.
type StayLookup struct {
	Locator string
	Plate   string
	Lot     string // "": every lot of the partner
	// Peek answers without storing anything: the stay is priced but no
	// quote is taken (a request that only asks for the headers).
	Peek bool
}

var locatorRE = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)

// LookupStay finds the stay a partner asks about, prices it now and, when
// something is due, takes a quote for the partner (the quote's id is what
// the partner pays). Rules:
//   - exactly one of Locator and Plate;
//   - a partner of type own entries looks up only by ticket and only the
//     stays that entered through it, and sees them after they left (it
//     takes no quote); others see only cars inside;
//   - only in the lots the partner is registered for (core.PartnerLot),
//     read with the lookup; among several, the latest entry wins;
//   - a Peek takes no quote, so it stores nothing (read-only transaction).
//
// Errors: EInvalid (field locator or plate), ENotFound (field lot: a lot
// the partner may not use; field locator or plate: no such car inside).
func (s *Service) LookupStay(ctx context.Context, p *park.Partner, q StayLookup) (*billing.StayStatus, error) {
	var key plate.Plate
	switch {
	case q.Locator == "" && q.Plate == "":
		return nil, park.Invalid("locator", "give a ticket number or a plate")
	case q.Locator != "" && q.Plate != "":
		return nil, park.Invalid("locator", "give a ticket number or a plate, not both")
	case q.Locator != "" && !locatorRE.MatchString(q.Locator):
		return nil, park.Invalid("locator", "must be 1-32 letters or digits")
	case q.Plate != "" && p.Type == park.PartnerOwnEntries:
		return nil, park.Invalid("plate", "a partner that registers its own entries looks stays up by ticket only")
	case q.Plate != "":
		var err error
		if key, err = core.Plate("plate", q.Plate); err != nil {
			return nil, err
		}
	}
	now := s.base.Clock()
	var res *billing.StayStatus
	takeQuote := p.Type != park.PartnerOwnEntries && !q.Peek
	err := s.billing.Pricing(ctx, takeQuote, func(tx park.Tx) error {
		// The partner's lots as the store holds them now, not as the
		// caller read the partner (a dialect keeps it for a while): a lot
		// taken from it since is not searched (one taken on since is, once
		// the caller reads the partner again).
		lots := []string{q.Lot}
		if q.Lot != "" {
			if err := core.PartnerLot(ctx, tx, p.ID, q.Lot); err != nil {
				return err
			}
		} else {
			lots = lots[:0]
			for _, code := range p.Lots {
				ok, err := tx.PartnerUsesLot(ctx, p.ID, code)
				if err != nil {
					return err
				}
				if ok {
					lots = append(lots, code)
				}
			}
		}
		var best *park.Stay
		var bestLot *park.Lot
		for _, code := range lots {
			l, err := tx.GetLotSettings(ctx, code)
			if park.IsCode(err, park.ENotFound) && q.Lot == "" {
				continue
			}
			if park.IsCode(err, park.ENotFound) {
				return &park.Error{Code: park.ENotFound, Field: "lot", Message: "lot " + q.Lot + " not found"}
			}
			if err != nil {
				return err
			}
			st, err := findFor(ctx, tx, p, l.Code, q, key)
			if park.IsCode(err, park.ENotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if best == nil || st.EntryAt.After(best.EntryAt) {
				best, bestLot = st, l
			}
		}
		if best == nil {
			return notInside(q)
		}
		var err error
		res, err = s.billing.Status(ctx, tx, bestLot, best, now, p.ID, takeQuote)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// findFor returns the stay a partner may see in one lot (ENotFound).
func findFor(ctx context.Context, tx park.Tx, p *park.Partner, lot string, q StayLookup, key plate.Plate) (*park.Stay, error) {
	var st *park.Stay
	var err error
	if q.Locator != "" {
		st, err = tx.GetStayByLocator(ctx, lot, q.Locator)
	} else {
		st, err = tx.FindInside(ctx, lot, key.Key)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case p.Type == park.PartnerOwnEntries && st.Source != p.ID:
		return nil, park.Errorf(park.ENotFound, "not registered by this partner")
	case p.Type != park.PartnerOwnEntries && st.State != park.StayIn:
		return nil, park.Errorf(park.ENotFound, "has left")
	}
	return st, nil
}

func notInside(q StayLookup) error {
	if q.Locator != "" {
		return &park.Error{Code: park.ENotFound, Field: "locator",
			Message: "no stay with ticket " + q.Locator + " is inside (cars that left cannot be looked up)"}
	}
	return &park.Error{Code: park.ENotFound, Field: "plate",
		Message: "no car with plate " + q.Plate + " is inside (cars that left cannot be looked up)"}
}
