package billing

import (
	"context"
	"errors"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// compiledTariff caches a lot's parsed tariff; Version detects changes made
// by another node or request.
type compiledTariff struct {
	version int64
	t       *tariff.Tariff
}

// tariffFor returns the lot's parsed tariff, or nil when the lot has none
// (parking there is free).
func (s *Service) tariffFor(l *park.Lot) (*tariff.Tariff, error) {
	if len(l.Tariff) == 0 {
		return nil, nil
	}
	if v, ok := s.tariffs.Load(l.Code); ok {
		if c := v.(*compiledTariff); c.version == l.TariffVersion {
			return c.t, nil
		}
	}
	t, err := tariff.ParseStored(l.Tariff)
	if err != nil {
		// Stored tariffs were validated on the way in; this is a bug.
		return nil, park.Errorf(park.EInternal, "stored tariff of lot %q does not parse: %v", l.Code, err)
	}
	s.tariffs.Store(l.Code, &compiledTariff{version: l.TariffVersion, t: t})
	return t, nil
}

// Priced is a stay's price at one instant with the reason nothing may be due.
type Priced struct {
	tariff.Result
	FreeReason     string              // why the stay is free or settled: pass, whitelist, reservation, paid, free
	Coupons        []*park.Coupon      // the car's coupons given to the tariff (see Lines)
	FreedByCoupons bool                // nothing is due only thanks to coupons the stay had not used yet
	FreedByBenefit bool                // nothing is due only thanks to a member benefit not kept yet (see MemberQuote)
	Reservations   []*park.Reservation // the reservations whose prepaid windows the stay was inside during

	tariff *tariff.Tariff // the lot's tariff (nil: the lot parks free)
	input  tariff.Input   // what the tariff priced, for FreeUntil
}

// PriceStay prices a stay if it left at `at`, in the caller's
// transaction: the one place where passes, whitelist windows,
// reservations, coupons, payments and the tariff meet.
func (s *Service) PriceStay(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time) (Priced, error) {
	return s.priceStayWith(ctx, tx, l, st, at, nil)
}

// priceStayWith is PriceStay with ad hoc deductions (a CRM member's
// benefit) applied after the car's coupons.
func (s *Service) priceStayWith(ctx context.Context, tx park.Tx, l *park.Lot, st *park.Stay, at time.Time, extra []tariff.Coupon) (Priced, error) {
	tx, err := access.KnownRecords(ctx, tx, l.Code, st.PlateKey)
	if err != nil {
		return Priced{}, err
	}
	in := tariff.Input{
		Entry: st.EntryAt, Exit: at, Loc: l.Location(), Class: st.VehicleClass, Paid: st.Paid,
	}
	if st.PaidUntil != nil {
		in.PaidUntil = *st.PaidUntil
	}
	for _, k := range st.KeptFree { // access withdrawn while inside
		in.FreeWindows = append(in.FreeWindows, tariff.Window{From: k.From, To: k.To})
	}
	var coveredBy string
	if st.PassID != "" {
		p, err := tx.GetPass(ctx, st.PassID)
		switch {
		case err == nil:
			lapses, err := tx.PassLapses(ctx, p.ID)
			if err != nil {
				return Priced{}, err
			}
			terms, err := tx.PassTerms(ctx, p.ID)
			if err != nil {
				return Priced{}, err
			}
			// A car that took the space while inside is free from then on.
			if access.PassFreeTime(&in, access.HeldPass(p, st), lapses, terms, l.Location(), st.EntryAt, at) {
				coveredBy = park.ReasonPass
			}
		case !park.IsCode(err, park.ENotFound): // a deleted pass left its time in KeptFree
			return Priced{}, err
		}
	}
	w, err := tx.FindWhitelist(ctx, l.Code, st.PlateKey)
	switch {
	case err == nil && w.Kind == park.AccessAllow:
		in.FreeWindows = append(in.FreeWindows, tariff.Window{From: w.ValidFrom, To: w.ValidTo})
		if access.Covers(w.ValidFrom, w.ValidTo, st.EntryAt, at) {
			coveredBy = park.ReasonWhitelist
		}
	case err != nil && !park.IsCode(err, park.ENotFound):
		return Priced{}, err
	}

	res, err := access.ReservationWindows(ctx, tx, st, at, &in, &coveredBy)
	if err != nil {
		return Priced{}, err
	}

	t, err := s.tariffFor(l)
	if err != nil {
		return Priced{}, err
	}
	if t != nil {
		if after, ok := t.ChargingFree(); ok {
			ws, err := chargingWindows(ctx, tx, l.Code, st.PlateKey, st.EntryAt, at, after)
			if err != nil {
				return Priced{}, err
			}
			in.FreeWindows = append(in.FreeWindows, ws...)
		}
	}
	p := Priced{Reservations: res}
	if t != nil { // a free lot reads no coupons
		if p.Coupons, err = stayCoupons(ctx, tx, st, at); err != nil {
			return Priced{}, err
		}
		in.Coupons = tariffCoupons(p.Coupons, extra)
		p.Result = t.Price(&in, nil)
		p.tariff, p.input = t, in
		settleUnusedCoupons(t, in, &p, extra)
		if p.Due == 0 && len(extra) > 0 {
			in.Coupons = tariffCoupons(p.Coupons, nil)
			p.FreedByBenefit = t.Price(&in, nil).Due > 0
		}
	}
	if p.Due == 0 {
		switch {
		case coveredBy != "":
			p.FreeReason = coveredBy
		case st.PaidUntil != nil && st.Paid > 0:
			p.FreeReason = park.ReasonPaid
		default:
			p.FreeReason = park.ReasonFree
		}
	}
	return p, nil
}

func toParkLines(ls []tariff.Line) []park.Line {
	out := make([]park.Line, len(ls))
	for i, l := range ls {
		out[i] = park.Line{From: l.From, To: l.To, Label: l.Label, Amount: l.Amount}
	}
	return out
}

// CanonicalTariff validates the lot's tariff document and stores its
// canonical form, so what is read back is what will be priced.
func CanonicalTariff(l *park.Lot) (*tariff.Tariff, error) {
	if len(l.Tariff) == 0 || string(l.Tariff) == "null" {
		l.Tariff = nil
		return nil, nil
	}
	t, err := tariff.Parse(l.Tariff)
	if err != nil {
		var te *tariff.Error
		if errors.As(err, &te) {
			e := park.Invalid("tariff."+te.Field, "%s", te.Msg).Because(te.Reason, te.Params...)
			e.Offset = te.Offset
			return nil, e
		}
		return nil, park.Invalid("tariff", "%v", err).Because(park.ReasonFormat)
	}
	l.Tariff = t.Doc()
	return t, nil
}

// Preview is a tariff tried on one imagined stay.
type Preview struct {
	Tariff       []byte
	TimeZone     string
	Currency     string // ISO 4217: what the amounts are minor units of
	Entry, Exit  time.Time
	VehicleClass string
}

// PreviewResult is what the stay would cost, line by line.
type PreviewResult struct {
	Total, Discount int64
	Currency        string
	Lines           []park.Line
}

// PreviewTariff prices an imagined stay with a tariff that is not stored,
// so an operator can test it first. The same lines appear in quotes.
func PreviewTariff(p Preview) (PreviewResult, error) {
	loc, err := park.LoadLocation(p.TimeZone)
	if err != nil {
		return PreviewResult{}, err
	}
	switch {
	case p.Currency == "":
		// Amounts are minor units of a currency; without one the answer
		// cannot be read (how many units make one of the money?).
		return PreviewResult{}, park.Invalid("currency", "is required: the ISO 4217 code the tariff's amounts are minor units of").Because(park.ReasonRequired)
	case !park.ValidCurrency(p.Currency):
		return PreviewResult{}, park.Invalid("currency", "unknown ISO 4217 currency %q", p.Currency).Because(park.ReasonUnknown)
	case p.Exit.Before(p.Entry):
		return PreviewResult{}, park.Invalid("exit", "must not be before entry").Because(park.ReasonOrder)
	case p.VehicleClass != "" && !park.ValidClass(p.VehicleClass):
		return PreviewResult{}, park.Invalid("vehicle_class", "must be one of small, large, new_energy, motorcycle").Because(park.ReasonUnknown)
	}
	t, err := CanonicalTariff(&park.Lot{Tariff: p.Tariff})
	if err != nil {
		return PreviewResult{}, err
	}
	if t == nil { // no tariff: the lot parks free (PriceStay)
		return PreviewResult{Currency: p.Currency, Lines: []park.Line{}}, nil
	}
	res := t.Price(&tariff.Input{Entry: p.Entry, Exit: p.Exit, Loc: loc, Class: p.VehicleClass}, nil)
	return PreviewResult{Total: res.Total, Discount: res.Discount, Currency: p.Currency, Lines: toParkLines(res.Lines)}, nil
}
