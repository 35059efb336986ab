package tariff

import (
	"math"
	"sort"
)

const (
	daySec = 24 * 60 * 60
	// never is "no boundary ahead" and "no cap" alike: min() with it is a
	// no-op.
	never = int64(math.MaxInt64)
)

type block struct{ sec, price int64 }

type bandPlan struct {
	name  string // line label
	every block
	cap   int64 // per continuous occurrence; 0 = none
}

// daySeg is one piece of the local day in which a single band applies.
type daySeg struct {
	start int64 // second of the local day
	band  int
	// next is where the band next changes, in seconds from the midnight of
	// the day the piece is in (beyond daySec when that is tomorrow);
	// never when the tariff has a single band.
	next int64
}

// plan is one vehicle class's tariff compiled for pricing.
type plan struct {
	grace         int64 // seconds
	graceDeducted bool
	hasFirst      bool
	first         block
	bands         []bandPlan
	segs          []daySeg // sorted by start; segs[0].start == 0
	dailyCap      int64    // 0 = none
	calendar      bool     // daily_cap_window "calendar" (else rolling)
	stayCap       int64    // 0 = none
}

// noBandsLabel labels the lines of a tariff without bands.
const noBandsLabel = "parking"

func compile(r *resolved) *plan {
	p := &plan{
		grace:         r.grace * 60,
		graceDeducted: r.graceDeducted,
		dailyCap:      r.dailyCap,
		calendar:      r.calendar,
		stayCap:       r.stayCap,
	}
	if r.first != nil {
		p.hasFirst = true
		p.first = block{sec: r.first.Minutes * 60, price: r.first.Price}
	}
	if len(r.bands) == 0 {
		p.bands = []bandPlan{{name: noBandsLabel, every: block{r.every.Minutes * 60, r.every.Price}}}
		p.segs = []daySeg{{start: 0, band: 0, next: never}}
		return p
	}
	for _, b := range r.bands {
		e := r.every
		if b.Every != nil {
			e = b.Every
		}
		p.bands = append(p.bands, bandPlan{name: b.Name, every: block{e.Minutes * 60, e.Price}, cap: b.Cap})
	}
	// Cut bands that cross midnight into two pieces; coverage was checked
	// at parse time, so the pieces tile the day.
	for i, b := range r.bands {
		f, n := bandSpan(b)
		if f+n <= 1440 {
			p.segs = append(p.segs, daySeg{start: int64(f) * 60, band: i})
		} else {
			p.segs = append(p.segs, daySeg{start: int64(f) * 60, band: i}, daySeg{start: 0, band: i})
		}
	}
	sort.Slice(p.segs, func(i, j int) bool { return p.segs[i].start < p.segs[j].start })
	for i := range p.segs {
		p.segs[i].next = never
		for k := 1; k < len(p.segs); k++ {
			j, wrap := i+k, int64(0)
			if j >= len(p.segs) {
				j -= len(p.segs)
				wrap = daySec
			}
			if p.segs[j].band != p.segs[i].band {
				p.segs[i].next = p.segs[j].start + wrap
				break
			}
		}
	}
	return p
}

// segAt finds the day piece containing second-of-day sod.
func (p *plan) segAt(sod int64) int {
	lo, hi := 0, len(p.segs)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.segs[mid].start <= sod {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}
