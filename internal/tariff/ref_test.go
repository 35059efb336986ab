package tariff

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"strings"
	"time"
)

// refTariff is a tariff kept as plain values so that refGross can price it
// without any of the engine's code: it walks a stay minute by minute and
// asks time.In for the wall clock at every minute. It is slow and obvious;
// the engine must agree with it on minute-aligned input.
type refTariff struct {
	grace      int // minutes
	deducted   bool
	first      *[2]int64 // minutes, price
	everyMin   int
	everyPrice int64
	bands      []refBand
	dailyCap   int64
	calendar   bool
	stayCap    int64
}

type refBand struct {
	from, to   int // minutes; to == from is the whole day
	everyMin   int // 0: the top-level every
	everyPrice int64
	cap        int64
}

func (r *refTariff) json() string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"grace_minutes":%d,"grace_deducted":%v`, r.grace, r.deducted)
	if r.first != nil {
		fmt.Fprintf(&b, `,"first":{"minutes":%d,"price":%d}`, r.first[0], r.first[1])
	}
	if r.everyMin > 0 {
		fmt.Fprintf(&b, `,"every":{"minutes":%d,"price":%d}`, r.everyMin, r.everyPrice)
	}
	if len(r.bands) > 0 {
		b.WriteString(`,"bands":[`)
		for i, bd := range r.bands {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"name":"b%d","from":"%s","to":"%s","cap":%d`, i, clockString(bd.from), clockString(bd.to), bd.cap)
			if bd.everyMin > 0 {
				fmt.Fprintf(&b, `,"every":{"minutes":%d,"price":%d}`, bd.everyMin, bd.everyPrice)
			}
			b.WriteString("}")
		}
		b.WriteString("]")
	}
	w := "rolling"
	if r.calendar {
		w = "calendar"
	}
	fmt.Fprintf(&b, `,"daily_cap":%d,"daily_cap_window":%q,"stay_cap":%d}`, r.dailyCap, w, r.stayCap)
	return b.String()
}

func (r *refTariff) bandAt(mod int) int {
	for i, b := range r.bands {
		switch {
		case b.from == b.to:
			return i
		case b.from < b.to && b.from <= mod && mod < b.to:
			return i
		case b.from > b.to && (mod >= b.from || mod < b.to):
			return i
		}
	}
	return -1
}

func (r *refTariff) everyOf(band int) (int, int64) {
	if band >= 0 && r.bands[band].everyMin > 0 {
		return r.bands[band].everyMin, r.bands[band].everyPrice
	}
	return r.everyMin, r.everyPrice
}

func refFree(in *Input, m int64, lt time.Time) bool {
	for _, w := range in.FreeWindows {
		if w.From.Unix() <= m && m < w.To.Unix() {
			return true
		}
	}
	mod := lt.Hour()*60 + lt.Minute()
	for _, s := range in.FreeSlots {
		f, t := s.From, s.To
		if f == t || (f < t && f <= mod && mod < t) || (f > t && (mod >= f || mod < t)) {
			return true
		}
	}
	return false
}

// refRun prices [start, end) of a stay that entered at entry.
func (r *refTariff) refRun(in *Input, entry, start, end, graceEnd int64, first bool) int64 {
	loc := in.Loc
	occSpent := map[int]int64{}
	winSpent := map[int64]int64{}
	var stay int64
	occ, prevBand := -1, -2
	curDay := int64(math.MinInt64)
	pos := start
	firstPending := first && r.first != nil
	for m := start; m < end; m += 60 {
		lt := time.Unix(m, 0).In(loc)
		band := r.bandAt(lt.Hour()*60 + lt.Minute())
		if band != prevBand {
			occ++
			prevBand = band
		}
		var win int64
		if r.calendar {
			d := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
			curDay = max(curDay, d)
			win = curDay
		} else {
			win = floorDiv(m-entry, 86400)
		}
		if m < graceEnd || refFree(in, m, lt) || m < pos {
			continue
		}
		length, price := r.everyOf(band)
		if firstPending {
			firstPending = false
			length, price = int(r.first[0]), r.first[1]
		}
		c := price
		if band >= 0 && r.bands[band].cap > 0 {
			c = min(c, r.bands[band].cap-occSpent[occ])
		}
		if r.dailyCap > 0 {
			c = min(c, r.dailyCap-winSpent[win])
		}
		if r.stayCap > 0 {
			c = min(c, r.stayCap-stay)
		}
		occSpent[occ] += c
		winSpent[win] += c
		stay += c
		pos = m + int64(length)*60
	}
	return stay
}

func (r *refTariff) refGross(in *Input, entry, exit int64) int64 {
	if exit-entry <= int64(r.grace)*60 {
		return 0
	}
	graceEnd := int64(math.MinInt64)
	if r.deducted {
		graceEnd = entry + int64(r.grace)*60
	}
	return r.refRun(in, entry, entry, exit, graceEnd, true)
}

// randTariff draws a tariff; about half have bands, many have caps.
func randTariff(rng *rand.Rand) *refTariff {
	r := &refTariff{}
	pick := func(xs ...int) int { return xs[rng.Intn(len(xs))] }
	everyMin := func() int { return pick(1, 5, 7, 15, 20, 30, 30, 45, 60, 60, 90, 120, 1+rng.Intn(300)) }
	if rng.Intn(2) == 0 {
		r.grace = pick(0, 5, 15, 30, 120)
		r.deducted = rng.Intn(2) == 0
	}
	if rng.Intn(3) == 0 {
		r.first = &[2]int64{int64(everyMin()), int64(rng.Intn(1000))}
	}
	r.everyMin, r.everyPrice = everyMin(), int64(rng.Intn(500))
	if n := rng.Intn(5); n > 0 {
		seen := map[int]bool{}
		var cuts []int
		for len(cuts) < n {
			c := pick(0, 7*60, 8*60, 19*60, 20*60, 22*60, 30*rng.Intn(48), rng.Intn(1440))
			if !seen[c] {
				seen[c] = true
				cuts = append(cuts, c)
			}
		}
		sort.Ints(cuts)
		for i := range cuts {
			b := refBand{from: cuts[i], to: cuts[(i+1)%len(cuts)]}
			if rng.Intn(4) > 0 {
				b.everyMin, b.everyPrice = everyMin(), int64(rng.Intn(500))
			}
			if rng.Intn(2) == 0 {
				b.cap = int64(rng.Intn(3000))
			}
			r.bands = append(r.bands, b)
		}
		if rng.Intn(3) == 0 {
			r.everyMin = 0 // bands without every need one; give it to them
			for i := range r.bands {
				if r.bands[i].everyMin == 0 {
					r.bands[i].everyMin, r.bands[i].everyPrice = everyMin(), int64(rng.Intn(500))
				}
			}
		}
	}
	if rng.Intn(2) == 0 {
		r.dailyCap = int64(1 + rng.Intn(5000))
		r.calendar = rng.Intn(2) == 0
	}
	if rng.Intn(4) == 0 {
		r.stayCap = int64(1 + rng.Intn(20000))
	}
	return r
}

var randZones = []string{"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "America/Sao_Paulo"}

// randStay draws a minute-aligned stay, often across a DST change, with
// random passes.
func randStay(rng *rand.Rand, locs []*time.Location, maxDays int) *Input {
	loc := locs[rng.Intn(len(locs))]
	starts := []time.Time{
		time.Date(2024, 3, 9, 0, 0, 0, 0, loc),   // US spring forward on the 10th
		time.Date(2024, 3, 30, 0, 0, 0, 0, loc),  // EU spring forward on the 31st
		time.Date(2024, 11, 2, 0, 0, 0, 0, loc),  // US fall back on the 3rd
		time.Date(2024, 10, 26, 0, 0, 0, 0, loc), // EU fall back on the 27th
		time.Date(2018, 11, 3, 0, 0, 0, 0, loc),  // Sao Paulo spring forward at midnight on the 4th
		time.Date(2019, 2, 15, 0, 0, 0, 0, loc),  // Sao Paulo fall back at midnight on the 17th
		time.Date(2024, 6, 1, 0, 0, 0, 0, loc),
	}
	entry := starts[rng.Intn(len(starts))].Add(time.Duration(rng.Intn(3*1440)) * time.Minute)
	var dur int
	switch rng.Intn(4) {
	case 0:
		dur = rng.Intn(180)
	case 1:
		dur = rng.Intn(2 * 1440)
	default:
		dur = rng.Intn(maxDays * 1440)
	}
	in := &Input{Loc: loc, Entry: entry, Exit: entry.Add(time.Duration(dur) * time.Minute)}
	for i := rng.Intn(3); i > 0; i-- {
		from := entry.Add(time.Duration(rng.Intn(dur+60)-30) * time.Minute)
		in.FreeWindows = append(in.FreeWindows, Window{From: from, To: from.Add(time.Duration(rng.Intn(3*1440)) * time.Minute)})
	}
	for i := rng.Intn(3); i > 0; i-- {
		in.FreeSlots = append(in.FreeSlots, Slot{From: rng.Intn(1440), To: rng.Intn(1440)})
	}
	return in
}
