package tariff

import (
	"math"
	"time"
)

// maxStay bounds a stay (about 100 years); a longer one prices as this
// long. It keeps absurd input cheap and inside int64 everywhere.
const maxStay = 36525 * daySec

// Price prices one stay. It appends the breakdown into lines[:0] and
// returns it in Result.Lines; with a buffer of sufficient capacity it does
// not allocate. in must not be nil.
//
// Due: with PaidUntil zero, Due = max(0, Total-Paid). With PaidUntil set,
// an exit at or before it owes nothing; a later exit owes the price of the
// time after PaidUntil (blocks of the band's `every`, no grace, no
// `first`), but never more than max(0, Total-Paid), so caps over the whole
// stay still hold. The coupons not marked Used (given since the
// payments) apply to that overtime as to a stay of its own (overtime), so
// a coupon given after a payment lowers what is due, not only what the
// exit grace lets go. Forgiven is the rest of max(0, Total-Paid).
func (t *Tariff) Price(in *Input, lines []Line) Result {
	p := t.planFor(in.Class)
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	ft := freeTime{windows: in.FreeWindows, slots: in.FreeSlots}
	entry := unixOf(in.Entry)
	exit := min(max(unixOf(in.Exit), entry), entry+maxStay)

	lines = lines[:0]
	var r Result
	r.Gross = p.gross(loc, ft, entry, exit, &lines)
	r.Discount = p.deduct(loc, ft, in.Coupons, entry, exit, r.Gross, in.Paid, &lines)
	r.Total = r.Gross - r.Discount
	paid := max(0, in.Paid)
	owed := max(0, r.Total-paid)
	switch {
	case in.PaidUntil.IsZero():
		r.Due = owed
	case exit <= unixOf(in.PaidUntil):
		r.Due = 0
	default:
		ft.graceEnd = math.MinInt64
		sp := span{entry: entry, start: max(unixOf(in.PaidUntil), entry), end: exit}
		r.Due = min(p.overtime(loc, &ft, in.Coupons, sp), owed)
	}
	r.Forgiven = owed - r.Due
	r.paid = paid
	r.Lines = lines
	return r
}

// gross is the tariff amount of the stay [entry, exit): the grace rule,
// then the sweep.
func (p *plan) gross(loc *time.Location, ft freeTime, entry, exit int64, out *[]Line) int64 {
	if exit-entry <= p.grace {
		// A stay no longer than grace is free, whatever grace_deducted says.
		if out != nil && exit > entry {
			*out = append(*out, Line{From: unixTime(entry), To: unixTime(exit), Label: LabelGrace})
		}
		return 0
	}
	ft.graceEnd = math.MinInt64
	if p.graceDeducted {
		ft.graceEnd = entry + p.grace
	}
	return p.run(loc, &ft, span{entry: entry, start: entry, end: exit, first: true}, out)
}
