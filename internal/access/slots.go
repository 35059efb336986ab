package access

import (
	"slices"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// PassFreeTime adds to in what pass p makes free in a stay from entry to
// at, and reports whether the pass was valid for the whole stay. The pass
// is valid over its window less its lapses (the times between its end and
// a later renewal). Free is the valid time, or for a time-slot pass its
// daily slots within it. When one valid period covers the whole stay the
// slots go to the engine as daily slots (FreeSlots); otherwise each
// occurrence inside a valid period becomes an absolute free window, so
// that a night pass that ended yesterday frees nothing tonight.
func PassFreeTime(in *tariff.Input, p *park.Pass, lapses []park.Period, loc *time.Location, entry, at time.Time) (whole bool) {
	periods := validPeriods(p, lapses)
	whole = len(periods) > 0 && slices.ContainsFunc(periods, func(v park.Period) bool { return Covers(v.From, v.To, entry, at) })
	if len(p.Slots) == 0 {
		for _, v := range periods {
			in.FreeWindows = append(in.FreeWindows, tariff.Window{From: v.From, To: v.To})
		}
		return whole
	}
	if whole {
		for _, s := range p.Slots {
			in.FreeSlots = append(in.FreeSlots, tariffSlot(s))
		}
		return whole
	}
	for _, v := range periods {
		in.FreeWindows = append(in.FreeWindows, slotWindows(p.Slots, loc, maxTime(entry, v.From), minTime(at, v.To))...)
	}
	return whole
}

// validPeriods is a pass's window less its lapses, in time order.
func validPeriods(p *park.Pass, lapses []park.Period) []park.Period {
	out := []park.Period{{From: p.ValidFrom, To: p.ValidTo}}
	for _, g := range lapses {
		last := &out[len(out)-1]
		if !g.From.Before(last.To) || !g.To.After(last.From) {
			continue // outside what is left
		}
		tail := park.Period{From: g.To, To: last.To}
		last.To = maxTime(last.From, g.From)
		if tail.To.After(tail.From) {
			out = append(out, tail)
		}
	}
	return slices.DeleteFunc(out, func(v park.Period) bool { return !v.To.After(v.From) })
}

// slotWindows lists the occurrences of daily slots (local wall time in
// loc) that overlap [from, to), clipped to it. A slot crossing midnight
// starts on one local day and ends on the next, so the day before from is
// looked at too.
func slotWindows(slots []park.Slot, loc *time.Location, from, to time.Time) []tariff.Window {
	if !to.After(from) {
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	var out []tariff.Window
	// Dates are counted in UTC, where every day has a midnight; the
	// slots' bounds are the lot's wall clock (park.WallTime: a bound the
	// clocks skip falls just after the jump, as the wall clock reads it).
	y, m, d := from.In(loc).Date()
	ly, lm, ld := to.In(loc).Date()
	last := time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC)
	for day := time.Date(y, m, d-1, 0, 0, 0, 0, time.UTC); !day.After(last); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		for _, s := range slots {
			fm, tm := s.Minutes()
			start := park.WallTime(y, m, d, 0, fm, 0, 0, loc)
			end := park.WallTime(y, m, d, 0, tm, 0, 0, loc)
			if tm <= fm {
				end = park.WallTime(y, m, d+1, 0, tm, 0, 0, loc)
			}
			start, end = maxTime(start, from), minTime(end, to)
			if end.After(start) {
				out = append(out, tariff.Window{From: start, To: end})
			}
		}
	}
	return out
}

// PassAdmits reports whether a pass's car entering at t parks free now: a
// whole-day pass always, a time-slot pass inside one of its slots. Outside
// them the car is let in as the visitors are (the lot may be full).
func PassAdmits(p *park.Pass, loc *time.Location, t time.Time) bool {
	if len(p.Slots) == 0 {
		return true
	}
	lt := t.In(loc)
	mod := lt.Hour()*60 + lt.Minute()
	for _, s := range p.Slots {
		if tariffSlot(s).Contains(mod) {
			return true
		}
	}
	return false
}

// tariffSlot is a pass's daily slot as the tariff engine takes it.
func tariffSlot(s park.Slot) tariff.Slot {
	from, to := s.Minutes()
	return tariff.Slot{From: from, To: to % 1440}
}

// Covers reports whether [from, to) holds the whole of [a, b].
func Covers(from, to, a, b time.Time) bool { return !a.Before(from) && !b.After(to) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
