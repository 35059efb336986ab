package park

import (
	"strings"
	"sync"
	"time"
)

var zones sync.Map // name -> *time.Location

// LoadLocation loads an IANA zone once and caches it; "Local" and "" are
// refused because a lot's rules must not depend on the server's setting.
func LoadLocation(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" {
		return nil, Invalid("timezone", "is required: an IANA time zone, e.g. Asia/Shanghai").Because(ReasonRequired)
	}
	if name == "Local" || strings.ContainsAny(name, " \\") {
		return nil, Invalid("timezone", "unknown IANA time zone %q", name).Because(ReasonUnknown)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Invalid("timezone", "unknown IANA time zone %q", name).Because(ReasonUnknown)
	}
	zones.Store(name, loc)
	return loc, nil
}

// WallTime is the instant at which loc's wall clock reads the given date
// and time (out-of-range values normalised as by time.Date). A time that
// a clock change skips (00:30 when 00:00 jumps to 01:00) is read with
// the offset before the change, so it falls after the jump (01:30), on
// the day asked for; time.Date leaves that choice open, and west of UTC
// it goes back to the day before.
func WallTime(y int, m time.Month, d, hh, mm, ss, ns int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, hh, mm, ss, ns, loc)
	wall := time.Date(y, m, d, hh, mm, ss, ns, time.UTC)
	if wallOf(t).Equal(wall) {
		return t
	}
	// In a gap the offset grows: the smaller of the two is the one before.
	_, o1 := t.Zone()
	_, o2 := wall.Add(-time.Duration(o1) * time.Second).In(loc).Zone()
	return wall.Add(-time.Duration(min(o1, o2)) * time.Second).In(loc)
}

// wallOf is t's wall-clock reading as a UTC time.
func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}

// ParseWallTime reads a time written in loc's wall clock with a layout
// that has no zone (a vendor's "2006-01-02 15:04:05", a form's
// datetime-local), as WallTime reads it.
func ParseWallTime(layout, value string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse(layout, value)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return WallTime(y, m, d, hh, mm, ss, t.Nanosecond(), loc), nil
}

// MinTime is the earlier of a and b.
func MinTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// MaxTime is the later of a and b.
func MaxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
