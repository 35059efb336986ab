package service

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"regexp"
	"strconv"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/tariff"
)

// StayLookup names the stay a partner asks about: by ticket or by plate.
type StayLookup struct {
	Locator string
	Plate   string
}

// StayStatus is a stay priced for a partner at one instant.
type StayStatus struct {
	Stay *park.Stay
	Lot  *park.Lot
	At   time.Time // when it was priced
	// Total is what the whole stay costs so far (paid amounts included),
	// Paid what was paid, Discount the coupons' deduction, Due what must
	// be paid now.
	Total, Paid, Discount, Due int64
	// Quote is the offer to pay Due, taken for the partner; nil when
	// nothing is due or the partner is OSA (which does not pay here).
	Quote *park.Quote
	// ValidUntil is until when the car may leave without paying more:
	// its paid_until while that is in the future, else At.
	ValidUntil time.Time
	// Lines is the price breakdown at At (deductions name their coupon).
	Lines []park.Line
}

var locatorRE = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)

// Sandbox rules, as the Linkc development environment: everything is found
// except locators starting with 9 and plates starting with Z.
const (
	sandboxMissingLocator = '9'
	sandboxMissingPlate   = 'Z'
	sandboxLane           = "sandbox"
)

// LookupStay finds the stay a partner asks about in the lots it may use,
// prices it now and, when something is due, takes a quote for the partner
// (the quote's id is what the partner pays). Rules:
//   - exactly one of Locator and Plate;
//   - an OSA partner looks up only by locator and only stays that entered
//     through it, and sees them after they left; others see only cars
//     inside;
//   - in a sandbox lot a stay that is not found is made up (see sandboxStay).
//
// Errors: EInvalid (field localizador or placa), ENotFound.
func (s *Service) LookupStay(ctx context.Context, p *park.Partner, q StayLookup) (*StayStatus, error) {
	var key plate.Plate
	switch {
	case q.Locator == "" && q.Plate == "":
		return nil, park.Invalid("localizador", "give localizador or placa")
	case q.Locator != "" && q.Plate != "":
		return nil, park.Invalid("localizador", "give localizador or placa, not both")
	case q.Locator != "" && !locatorRE.MatchString(q.Locator):
		return nil, park.Invalid("localizador", "must be 1-32 letters or digits")
	case q.Plate != "" && p.Type == park.PartnerOSA:
		return nil, park.Invalid("placa", "an OSA partner may look up stays only by localizador")
	case q.Plate != "":
		var err error
		if key, err = plate.Normalize(q.Plate); err != nil {
			return nil, park.Invalid("placa", "%s", plateReason(err))
		}
	}
	for attempt := 0; ; attempt++ {
		st, err := s.lookupStay(ctx, p, q, key, attempt)
		if park.IsCode(err, park.EConflict) && attempt < 3 {
			continue // a sandbox stay made up at the same time by another request
		}
		return st, err
	}
}

func (s *Service) lookupStay(ctx context.Context, p *park.Partner, q StayLookup, key plate.Plate, attempt int) (*StayStatus, error) {
	now := s.clock()
	var (
		res     *StayStatus
		sandbox *park.Lot // the first sandbox lot, where a missing stay is made up
	)
	// Reads run on a snapshot (in parallel with other readers); the quote
	// is written after. A payment between the two is harmless: Pay refuses
	// a quote taken before the stay's last payment (stay_settled).
	err := s.store.View(ctx, func(tx park.Tx) error {
		var best *park.Stay
		var bestLot *park.Lot
		for _, code := range p.Lots {
			l, err := tx.GetLotSettings(ctx, code)
			if park.IsCode(err, park.ENotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if l.Sandbox && sandbox == nil {
				sandbox = l
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
			return nil
		}
		var err error
		res, err = s.status(ctx, tx, p, bestLot, best, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if res == nil {
		if sandbox == nil || !sandboxFinds(q, key) {
			return nil, notInGarage(q)
		}
		return s.sandboxStay(ctx, p, sandbox, q, key, now, attempt)
	}
	if res.Quote != nil {
		if err := s.store.Update(ctx, func(tx park.Tx) error { return tx.InsertQuote(ctx, res.Quote) }); err != nil {
			return nil, err
		}
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
	case p.Type == park.PartnerOSA && st.Source != p.ID:
		return nil, park.Errorf(park.ENotFound, "not registered by this partner")
	case p.Type != park.PartnerOSA && st.State != park.StayIn:
		return nil, park.Errorf(park.ENotFound, "has left")
	}
	return st, nil
}

func notInGarage(q StayLookup) error {
	if q.Locator != "" {
		return &park.Error{Code: park.ENotFound, Field: "localizador",
			Message: "no stay with localizador " + q.Locator + " is in the garage (cars that left cannot be looked up)"}
	}
	return &park.Error{Code: park.ENotFound, Field: "placa",
		Message: "no car with placa " + q.Plate + " is in the garage (cars that left cannot be looked up)"}
}

// status prices st at now for the partner and prepares (does not store)
// its quote.
func (s *Service) status(ctx context.Context, tx park.Tx, p *park.Partner, l *park.Lot, st *park.Stay, now time.Time) (*StayStatus, error) {
	return s.statusWith(ctx, tx, p, l, st, now, nil)
}

// statusWith is status with ad hoc deductions (see priceStayWith).
func (s *Service) statusWith(ctx context.Context, tx park.Tx, p *park.Partner, l *park.Lot, st *park.Stay, now time.Time,
	extra []tariff.Coupon) (*StayStatus, error) {
	res := &StayStatus{Stay: st, Lot: l, At: now, Paid: st.Paid, ValidUntil: now}
	if st.PaidUntil != nil && st.PaidUntil.After(now) {
		res.ValidUntil = *st.PaidUntil
	}
	if st.State != park.StayIn { // an OSA partner's finished stay: as it left
		res.Total, res.Discount = st.Total, st.Discount
		res.ValidUntil = *st.ExitAt
		return res, nil
	}
	at := now
	if at.Before(st.EntryAt) {
		at = st.EntryAt
	}
	pr, err := s.priceStayWith(ctx, tx, l, st, at, extra)
	if err != nil {
		return nil, err
	}
	res.Total, res.Discount, res.Due, res.Lines = pr.Total, pr.Discount, pr.Due, pricedLines(pr)
	if pr.Due > 0 && p.Type != park.PartnerOSA {
		res.Quote = newQuote(l, st, pr, now, p.ID) // the offer CreateQuote makes, for this partner
	}
	return res, nil
}

func sandboxFinds(q StayLookup, key plate.Plate) bool {
	if q.Locator != "" {
		return q.Locator[0] != sandboxMissingLocator
	}
	return key.Text != "" && key.Text[0] != sandboxMissingPlate
}

// sandboxStay makes up the stay a sandbox lot was asked about, through the
// core like any entry, so it can be priced, paid and looked up again. Its
// entry time looks random but depends only on the locator or plate: 1 to
// 12 hours (whole seconds) before the first lookup. The other identity
// (plate for a locator, locator for a plate) is derived the same way.
// It is recorded as registered by the asking partner.
func (s *Service) sandboxStay(ctx context.Context, p *park.Partner, l *park.Lot, q StayLookup, key plate.Plate,
	now time.Time, attempt int) (*StayStatus, error) {
	seed := "locator:" + q.Locator
	if q.Locator == "" {
		seed = "plate:" + key.Key
	}
	h := sandboxHash(seed, 0)
	ago := time.Hour + time.Duration(h%(11*3600+1))*time.Second
	entry := now.Add(-ago).Truncate(time.Second)
	st := &park.Stay{
		ID: newID(), LotCode: l.Code, VehicleClass: park.ClassSmall, EntryAt: entry, EntryLane: sandboxLane,
		State: park.StayIn, Source: p.ID, UpdatedAt: now,
	}
	if q.Locator != "" {
		st.Locator = q.Locator
		pl, err := plate.Normalize(sandboxPlate(sandboxHash(seed, attempt+1)))
		if err != nil {
			return nil, park.Errorf(park.EInternal, "sandbox plate: %v", err)
		}
		st.Plate, st.PlateKey = pl.Text, pl.Key
	} else {
		st.Plate, st.PlateKey = key.Text, key.Key
		st.Locator = sandboxLocator(sandboxHash(seed, attempt+1))
	}
	var res *StayStatus
	err := s.store.Update(ctx, func(tx park.Tx) error {
		if err := tx.InsertStay(ctx, st); err != nil {
			return err // EConflict: made up meanwhile, or a derived identity taken; LookupStay retries
		}
		var err error
		if res, err = s.status(ctx, tx, p, l, st, now); err != nil {
			return err
		}
		if res.Quote != nil {
			if err := tx.InsertQuote(ctx, res.Quote); err != nil {
				return err
			}
		}
		return tx.AddOccupied(ctx, l.Code, 1) // last: it locks the lot's row on some engines
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("sandbox stay made up", "lot", l.Code, "stay", st.ID, "locator", st.Locator, "plate", st.Plate)
	return res, nil
}

func sandboxHash(seed string, salt int) uint64 {
	sum := sha256.Sum256([]byte(strconv.Itoa(salt) + "|" + seed))
	return binary.BigEndian.Uint64(sum[:8])
}

// sandboxPlate derives a Mercosul plate (never starting with Z).
func sandboxPlate(h uint64) string {
	b := make([]byte, 7)
	b[0] = byte('A' + h%25)
	h /= 25
	for _, i := range []int{1, 2, 4} {
		b[i] = byte('A' + h%26)
		h /= 26
	}
	for _, i := range []int{3, 5, 6} {
		b[i] = byte('0' + h%10)
		h /= 10
	}
	return string(b)
}

// sandboxLocator derives a 10-digit locator starting with 1-8.
func sandboxLocator(h uint64) string {
	return formatUint(1_000_000_000 + h%8_000_000_000)
}
