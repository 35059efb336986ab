package tariff

import "time"

// FreeUntil is the last instant in [from, limit] at which a car of in
// (in.Exit is ignored) may leave owing nothing: Price with Exit set to it
// has Due 0. It is from when the car already owes something at from, and
// limit when it owes nothing even then (the caller's horizon: the answer
// says "free at least until"). Prices run on whole seconds, so the answer
// is a whole second except when it is from or limit.
//
// Leaving later never owes less (TestFeeNeverDecreases), so the last free
// second is found by bisection: about 17 prices for a day's horizon,
// whatever the tariff's blocks, windows, coupons and payments.
func (t *Tariff) FreeUntil(in *Input, from, limit time.Time) time.Time {
	if limit.Before(from) {
		limit = from
	}
	probe := *in
	owes := func(s int64) bool {
		probe.Exit = unixTime(s)
		return t.Price(&probe, nil).Due > 0
	}
	lo, hi := unixOf(from), unixOf(limit)
	if owes(lo) {
		return from
	}
	if !owes(hi) {
		return limit
	}
	for hi-lo > 1 { // invariant: lo owes nothing, hi owes
		mid := lo + (hi-lo)/2
		if owes(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if r := unixTime(lo); r.After(from) {
		return r
	}
	return from
}
