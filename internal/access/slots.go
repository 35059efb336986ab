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
// daily slots within it; before a term's Until, the term's slots (a
// renewal on another plan starts then). When one valid period of one
// term covers the whole stay its slots go to the engine as daily slots
// (FreeSlots); otherwise each occurrence inside a valid period becomes
// an absolute free window, so that a night pass that ended yesterday
// frees nothing tonight.
func PassFreeTime(in *tariff.Input, p *park.Pass, lapses []park.Period, terms []park.PassTerm, loc *time.Location, entry, at time.Time) (whole bool) {
	spans := termSpans(p, validPeriods(p, lapses), terms)
	covering := slices.IndexFunc(spans, func(v span) bool { return Covers(v.From, v.To, entry, at) })
	for i, v := range spans {
		switch {
		case len(v.slots) == 0:
			in.FreeWindows = append(in.FreeWindows, tariff.Window{From: v.From, To: v.To})
		case i == covering:
			for _, s := range v.slots {
				in.FreeSlots = append(in.FreeSlots, tariffSlot(s))
			}
		default:
			in.FreeWindows = append(in.FreeWindows, slotWindows(v.slots, loc, park.MaxTime(entry, v.From), park.MinTime(at, v.To))...)
		}
	}
	return covering >= 0
}

// span is a part of a pass's valid time with the slots that free it
// (none: the whole day).
type span struct {
	park.Period
	slots []park.Slot
}

// termSpans cuts valid periods at the terms' ends, each part with the
// slots then in force (SlotsAt).
func termSpans(p *park.Pass, periods []park.Period, terms []park.PassTerm) []span {
	var out []span
	for _, v := range periods {
		from := v.From
		for _, tm := range terms {
			if tm.Until.After(from) && tm.Until.Before(v.To) {
				out = append(out, span{park.Period{From: from, To: tm.Until}, SlotsAt(p, terms, from)})
				from = tm.Until
			}
		}
		out = append(out, span{park.Period{From: from, To: v.To}, SlotsAt(p, terms, from)})
	}
	return out
}

// SlotsAt returns the slots of pass p in force at t: those of the first
// term (by Until) that ends after t, else the pass's own.
func SlotsAt(p *park.Pass, terms []park.PassTerm, t time.Time) []park.Slot {
	for _, tm := range terms {
		if tm.Until.After(t) {
			return tm.Slots
		}
	}
	return p.Slots
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
		last.To = park.MaxTime(last.From, g.From)
		if tail.To.After(tail.From) {
			out = append(out, tail)
		}
	}
	return slices.DeleteFunc(out, func(v park.Period) bool { return !v.To.After(v.From) })
}

// slotWindows lists the occurrences of daily slots (local wall time in
// loc) that overlap [from, to), clipped to it. An instant is in a slot
// when loc's wall clock then reads a time inside it, as the tariff reads
// FreeSlots: so a pass ending mid-stay frees the same time as one that
// covers the stay, also where the clocks skip a bound (the slot starts at
// the jump) or repeat it (the repeated part is in the slot again). Each
// stretch of one UTC offset is cut on its own; a slot crossing midnight
// starts on one local day and ends on the next, so the day before is
// looked at too.
func slotWindows(slots []park.Slot, loc *time.Location, from, to time.Time) []tariff.Window {
	if loc == nil {
		loc = time.UTC
	}
	var out []tariff.Window
	for t := from; t.Before(to); {
		lt := t.In(loc)
		_, off := lt.Zone()
		end := to
		if _, e := lt.ZoneBounds(); !e.IsZero() && e.Before(to) {
			end = e
		}
		// Wall time in this stretch is the instant shifted by off.
		shift := time.Duration(off) * time.Second
		wf, wt := t.Add(shift).UTC(), end.Add(shift).UTC()
		last := time.Date(wt.Year(), wt.Month(), wt.Day(), 0, 0, 0, 0, time.UTC)
		for day := time.Date(wf.Year(), wf.Month(), wf.Day()-1, 0, 0, 0, 0, time.UTC); !day.After(last); day = day.AddDate(0, 0, 1) {
			for _, s := range slots {
				fm, tm := s.Minutes()
				if tm <= fm {
					tm += 1440
				}
				start := park.MaxTime(day.Add(time.Duration(fm)*time.Minute-shift), t)
				stop := park.MinTime(day.Add(time.Duration(tm)*time.Minute-shift), end)
				if !stop.After(start) {
					continue
				}
				if n := len(out); n > 0 && !start.After(out[n-1].To) && !stop.Before(out[n-1].From) {
					out[n-1].From, out[n-1].To = park.MinTime(out[n-1].From, start), park.MaxTime(out[n-1].To, stop)
					continue
				}
				out = append(out, tariff.Window{From: start, To: stop})
			}
		}
		t = end
	}
	return out
}

// PassAdmits reports whether a pass's car entering at t parks free now: a
// whole-day pass always, a time-slot pass inside one of its slots (those
// in force at t, SlotsAt). Outside
// them the car is let in as the visitors are (the lot may be full).
func PassAdmits(p *park.Pass, terms []park.PassTerm, loc *time.Location, t time.Time) bool {
	slots := SlotsAt(p, terms, t)
	if len(slots) == 0 {
		return true
	}
	lt := t.In(loc)
	mod := lt.Hour()*60 + lt.Minute()
	for _, s := range slots {
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
