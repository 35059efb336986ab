package tariff

import (
	"slices"
	"time"
)

// chargeReadings returns the readings at or after start in time order. The
// caller's slice is never modified; it is copied only when out of order.
// Readings before start belong to no billed window and are dropped.
func chargeReadings(rs []ChargeReading, start time.Time) []ChargeReading {
	cmp := func(a, b ChargeReading) int { return a.At.Compare(b.At) }
	if !slices.IsSortedFunc(rs, cmp) {
		rs = slices.Clone(rs)
		slices.SortStableFunc(rs, cmp)
	}
	i, _ := slices.BinarySearchFunc(rs, start, func(r ChargeReading, t time.Time) int { return r.At.Compare(t) })
	return rs[i:]
}

// chargeMeter answers "energy delivered by time t" for non-decreasing t by
// linear interpolation between readings. The meter reads 0 at the session
// start. A reading lower than an earlier one (a glitch or a meter reset) is
// read as the earlier maximum, so energy never decreases and no window is
// negative; after the last reading energy stays flat: parkd bills only
// energy the charger has reported.
type chargeMeter struct {
	rs []ChargeReading // sorted, all at or after the start
	i  int             // first reading after the last query
	pt time.Time       // time of the last reading passed (start at first)
	pe int64           // running maximum energy up to pt
}

func newChargeMeter(rs []ChargeReading, start time.Time) chargeMeter {
	return chargeMeter{rs: rs, pt: start}
}

func (m *chargeMeter) at(t time.Time) int64 {
	for m.i < len(m.rs) && !m.rs[m.i].At.After(t) {
		m.pt = m.rs[m.i].At
		m.pe = max(m.pe, m.rs[m.i].EnergyWh)
		m.i++
	}
	if m.i == len(m.rs) {
		return m.pe
	}
	nx := m.rs[m.i]
	if nx.EnergyWh <= m.pe {
		return m.pe
	}
	return m.pe + chargeScale(nx.EnergyWh-m.pe, t.Sub(m.pt), nx.At.Sub(m.pt))
}

// chargePower measures power in watts over [start, end] from the readings
// in that interval that measured power: the maximum, or the time-weighted
// average where each reading holds until the next one (the last until
// end), which is how a charger's periodic reports read. Readings all at
// one instant average plainly. No readings measure 0 W. A reading with
// negative power measured none (a register-only sample) and is left out.
func chargePower(rs []ChargeReading, end time.Time, maximum bool) int64 {
	var sum, plain chargeU128
	var weight uint64
	var p int64 // the maximum
	n := 0      // readings that measured power
	var prev ChargeReading
	for _, r := range rs {
		if r.At.After(end) {
			break
		}
		if r.PowerW < 0 {
			continue
		}
		if n > 0 {
			w := uint64(r.At.UnixMilli() - prev.At.UnixMilli()) // sorted, so >= 0
			sum.addMul(uint64(prev.PowerW), w)
			weight += w
		}
		p = max(p, r.PowerW)
		plain.addMul(uint64(r.PowerW), 1)
		prev = r
		n++
	}
	switch {
	case n == 0:
		return 0
	case maximum:
		return p
	}
	w := uint64(end.UnixMilli() - prev.At.UnixMilli()) // the last holds until end
	sum.addMul(uint64(prev.PowerW), w)
	weight += w
	if weight == 0 {
		return int64(min(plain.div(uint64(n)), uint64(1<<62)))
	}
	return int64(min(sum.div(weight), uint64(1<<62)))
}
