package partners

import (
	"context"
	"regexp"
	"slices"

	"parkd/internal/access"
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
		return nil, park.Invalid("locator", "give a ticket number or a plate").Because(park.ReasonRequired)
	case q.Locator != "" && q.Plate != "":
		return nil, park.Invalid("locator", "give a ticket number or a plate, not both").Because(park.ReasonExcludes, "plate")
	case q.Locator != "" && !locatorRE.MatchString(q.Locator):
		return nil, park.Invalid("locator", "must be 1-32 letters or digits").Because(park.ReasonFormat)
	case q.Plate != "" && p.Type == park.PartnerOwnEntries:
		return nil, park.Invalid("plate", "a partner that registers its own entries looks stays up by ticket only").Because(park.ReasonNotApplicable)
	case q.Plate != "":
		var err error
		if key, err = core.Plate("plate", q.Plate); err != nil {
			return nil, err
		}
	}
	now := s.base.Clock()
	takeQuote := p.Type != park.PartnerOwnEntries && !q.Peek
	return s.billing.Pricing(ctx, takeQuote, func(tx park.Tx) (*billing.StayStatus, error) {
		var l *park.Lot
		var st *park.Stay
		var err error
		// tx comes back knowing the plate's records when they were read
		// with the lot, so the price does not read them again.
		if q.Lot != "" {
			l, st, tx, err = findIn(ctx, tx, p, q, key)
		} else {
			l, st, tx, err = findAcross(ctx, tx, p, q, key)
		}
		if err != nil {
			return nil, err
		}
		return s.billing.Status(ctx, tx, l, st, now, p.ID, takeQuote)
	})
}

// findIn returns the stay a partner asks about in the lot it names, the
// lot, and tx (knowing the plate's records when asked by plate): the
// partner must be registered for it now (core.PartnerLot).
func findIn(ctx context.Context, tx park.Tx, p *park.Partner, q StayLookup, key plate.Plate) (*park.Lot, *park.Stay, park.Tx, error) {
	if err := core.PartnerLot(ctx, tx, p.ID, q.Lot); err != nil {
		return nil, nil, nil, err
	}
	if q.Locator != "" {
		return byLocatorIn(ctx, tx, p, q)
	}
	// The lot and the plate's records in one read (one statement on
	// PostgreSQL); FindInside then asks the store only if they say the
	// plate has a stay open here.
	l, tx, err := access.KnownLot(ctx, tx, q.Lot, key.Key)
	if err != nil {
		return nil, nil, nil, lotError(q.Lot, err)
	}
	st, err := tx.FindInside(ctx, l.Code, key.Key)
	if park.IsCode(err, park.ENotFound) || err == nil && !maySee(p, st) {
		return nil, nil, nil, notInside(q)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return l, st, tx, nil
}

// byLocatorIn finds a stay by its ticket in the lot q names. The ticket
// gives the plate, so the lot is read after the stay, with that plate's
// records for the price (one statement on PostgreSQL, where reading the
// lot first took two); the lot alone is read to tell a missing lot from
// a missing ticket, or for a stay that left (not priced).
func byLocatorIn(ctx context.Context, tx park.Tx, p *park.Partner, q StayLookup) (*park.Lot, *park.Stay, park.Tx, error) {
	st, err := tx.GetStayByLocator(ctx, q.Lot, q.Locator)
	if park.IsCode(err, park.ENotFound) || err == nil && !maySee(p, st) {
		if _, err := tx.GetLotSettings(ctx, q.Lot); err != nil {
			return nil, nil, nil, lotError(q.Lot, err)
		}
		return nil, nil, nil, notInside(q)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var l *park.Lot
	if st.State == park.StayIn {
		l, tx, err = access.KnownLot(ctx, tx, q.Lot, st.PlateKey)
	} else {
		l, err = tx.GetLotSettings(ctx, q.Lot)
	}
	if err != nil {
		return nil, nil, nil, lotError(q.Lot, err)
	}
	return l, st, tx, nil
}

// lotError names the lot a partner asked about when the store has no
// such lot; other errors pass.
func lotError(lot string, err error) error {
	if park.IsCode(err, park.ENotFound) {
		return &park.Error{Code: park.ENotFound, Field: "lot", Message: "lot " + lot + " not found"}
	}
	return err
}

// findAcross returns the stay a partner asks about among all its lots,
// its lot, and tx (knowing the plate's records when the stay is inside):
// one statement over the lots the store says the partner is
// registered for now, kept to those the caller's copy of the partner
// names (a lot taken on since is searched once the caller reads the
// partner again). Among several, the latest entry wins (on a tie, the
// first lot by code).
func findAcross(ctx context.Context, tx park.Tx, p *park.Partner, q StayLookup, key plate.Plate) (*park.Lot, *park.Stay, park.Tx, error) {
	var stays []*park.Stay
	var err error
	if q.Locator != "" {
		stays, err = tx.ListPartnerStaysByLocator(ctx, p.ID, q.Locator)
	} else {
		stays, err = tx.ListPartnerInside(ctx, p.ID, key.Key)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	for _, st := range stays { // newest entry first
		if !slices.Contains(p.Lots, st.LotCode) || !maySee(p, st) {
			continue
		}
		// A stay inside is priced, which reads the plate's records: they
		// come with the lot, in one read. One that left is not priced.
		var l *park.Lot
		ktx := tx
		if st.State == park.StayIn {
			l, ktx, err = access.KnownLot(ctx, tx, st.LotCode, st.PlateKey)
		} else {
			l, err = tx.GetLotSettings(ctx, st.LotCode)
		}
		if park.IsCode(err, park.ENotFound) {
			continue
		}
		if err != nil {
			return nil, nil, nil, err
		}
		return l, st, ktx, nil
	}
	return nil, nil, nil, notInside(q)
}

// maySee says whether a partner may see a stay of one of its lots: one of
// type own entries only those that entered through it, left or not;
// others only cars inside.
func maySee(p *park.Partner, st *park.Stay) bool {
	if p.Type == park.PartnerOwnEntries {
		return st.Source == p.ID
	}
	return st.State == park.StayIn
}

func notInside(q StayLookup) error {
	if q.Locator != "" {
		return &park.Error{Code: park.ENotFound, Field: "locator",
			Message: "no stay with ticket " + q.Locator + " is inside (cars that left cannot be looked up)"}
	}
	return &park.Error{Code: park.ENotFound, Field: "plate",
		Message: "no car with plate " + q.Plate + " is inside (cars that left cannot be looked up)"}
}
