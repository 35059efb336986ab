package service

import (
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// passFreeTime adds to in what pass p makes free in a stay from entry to
// at: its validity window, or for a time-slot pass its daily slots, only
// while the pass is valid. When the validity covers the whole stay the
// slots go to the engine as daily slots (FreeSlots); otherwise each
// occurrence inside the validity becomes an absolute free window, so that
// a night pass that ended yesterday frees nothing tonight.
func passFreeTime(in *tariff.Input, p *park.Pass, loc *time.Location, entry, at time.Time) {
	if len(p.Slots) == 0 {
		in.FreeWindows = append(in.FreeWindows, tariff.Window{From: p.ValidFrom, To: p.ValidTo})
		return
	}
	if covers(p.ValidFrom, p.ValidTo, entry, at) {
		for _, s := range p.Slots {
			from, to := s.Minutes()
			in.FreeSlots = append(in.FreeSlots, tariff.Slot{From: from, To: to % 1440})
		}
		return
	}
	in.FreeWindows = append(in.FreeWindows, slotWindows(p.Slots, loc, maxTime(entry, p.ValidFrom), minTime(at, p.ValidTo))...)
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
	y, m, d := from.In(loc).Date()
	last := to.In(loc)
	for day := time.Date(y, m, d-1, 0, 0, 0, 0, loc); day.Before(last); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		for _, s := range slots {
			fm, tm := s.Minutes()
			start := time.Date(y, m, d, 0, fm, 0, 0, loc)
			end := time.Date(y, m, d, 0, tm, 0, 0, loc)
			if tm <= fm {
				end = time.Date(y, m, d+1, 0, tm, 0, 0, loc)
			}
			start, end = maxTime(start, from), minTime(end, to)
			if end.After(start) {
				out = append(out, tariff.Window{From: start, To: end})
			}
		}
	}
	return out
}

// passAdmits reports whether a pass's car entering at t parks free now: a
// whole-day pass always, a time-slot pass inside one of its slots. Outside
// them the car is let in as the visitors are (the lot may be full).
func passAdmits(p *park.Pass, l *park.Lot, t time.Time) bool {
	if len(p.Slots) == 0 {
		return true
	}
	lt := t.In(l.Location())
	mod := lt.Hour()*60 + lt.Minute()
	for _, s := range p.Slots {
		from, to := s.Minutes()
		if (from < to && from <= mod && mod < to) || (to <= from && (mod >= from || mod < to)) {
			return true
		}
	}
	return false
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
