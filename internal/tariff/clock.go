package tariff

import (
	"math"
	"time"
)

// Instants are handled as Unix seconds: sub-second parts are truncated,
// and Go times have no leap seconds, so a duration is a plain difference
// that daylight-saving changes cannot make wrong or negative. Local wall
// time is only derived (offset + instant) where a rule is local.

// Instants are clamped to years 1..9999 so no arithmetic on them can
// overflow.
const (
	minUnix = -62135596800 // 0001-01-01T00:00:00Z
	maxUnix = 253402300799 // 9999-12-31T23:59:59Z
)

func unixOf(t time.Time) int64 { return min(max(t.Unix(), minUnix), maxUnix) }

func unixTime(s int64) time.Time { return time.Unix(s, 0).UTC() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// zoneAt returns the UTC offset in effect at instant t and the instants
// [start, end) between which it stays in effect; within that span local
// wall time is t+off, so local boundaries need no further zone lookups.
func zoneAt(loc *time.Location, t int64) (off, start, end int64) {
	if loc == time.UTC {
		return 0, math.MinInt64, never
	}
	tt := time.Unix(t, 0).In(loc)
	_, o := tt.Zone()
	s, e := tt.ZoneBounds()
	start, end = math.MinInt64, never
	if !s.IsZero() {
		start = s.Unix()
	}
	if !e.IsZero() {
		end = e.Unix()
	}
	return int64(o), start, end
}

// Kinds of time within a stay, by precedence.
const (
	billable = iota
	freeGrace
	freeWindow
	freeSlot
)

// freeTime is what makes time free for one stay: the grace window (when
// grace is deducted), the pass windows and the daily slots.
type freeTime struct {
	graceEnd int64 // [stay start, graceEnd) is free; <= start when none
	windows  []Window
	slots    []Slot
}

// slotSecs returns a slot's bounds in seconds of the day.
func slotSecs(s Slot) (from, to int64) {
	return floorMod(int64(s.From), 1440) * 60, floorMod(int64(s.To), 1440) * 60
}

func inSlot(sod, from, to int64) bool {
	switch {
	case from < to:
		return from <= sod && sod < to
	case to < from:
		return sod >= from || sod < to
	}
	return true // whole day
}

// at classifies instant t (local second of day sod) and returns when that
// may next change (next) and when the next non-daily change is (np): only
// up to np may the day-to-day pattern repeat.
func (f *freeTime) at(t, sod int64) (kind int, next, np int64) {
	kind, np = billable, never
	if t < f.graceEnd {
		kind, np = freeGrace, f.graceEnd
	}
	for i := range f.windows {
		from, to := unixOf(f.windows[i].From), unixOf(f.windows[i].To)
		if to <= from {
			continue
		}
		if kind == billable && from <= t && t < to {
			kind = freeWindow
		}
		if from > t {
			np = min(np, from)
		}
		if to > t {
			np = min(np, to)
		}
	}
	next = np
	for _, s := range f.slots {
		from, to := slotSecs(s)
		if kind == billable && inSlot(sod, from, to) {
			kind = freeSlot
		}
		if from != to {
			next = min(next, t+cyclicAhead(sod, from), t+cyclicAhead(sod, to))
		}
	}
	return kind, next, np
}

// cyclicAhead is how many seconds after sod the second-of-day b next comes
// (a full day when it is now).
func cyclicAhead(sod, b int64) int64 {
	d := floorMod(b-sod, daySec)
	if d == 0 {
		d = daySec
	}
	return d
}

// freeBefore reports whether the second just before t is free (grace
// aside) and the latest instant <= t-1 at which that may have begun, for
// walking a stay backwards.
func (f *freeTime) freeBefore(loc *time.Location, t int64) (free bool, since int64) {
	u := t - 1
	off, zs, _ := zoneAt(loc, u)
	sod := floorMod(u+off, daySec)
	since = zs
	for i := range f.windows {
		from, to := unixOf(f.windows[i].From), unixOf(f.windows[i].To)
		if to <= from {
			continue
		}
		if from <= u && u < to {
			free = true
		}
		if from <= u {
			since = max(since, from)
		}
		if to <= u {
			since = max(since, to)
		}
	}
	for _, s := range f.slots {
		from, to := slotSecs(s)
		if inSlot(sod, from, to) {
			free = true
		}
		if from != to {
			since = max(since, u-floorMod(sod-from, daySec), u-floorMod(sod-to, daySec))
		}
	}
	return free, since
}
