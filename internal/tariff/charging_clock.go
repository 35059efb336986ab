package tariff

import (
	"sort"
	"time"
)

const (
	chargeDayMs    = 24 * 60 * 60 * 1000
	chargeUTC8Ms   = 8 * 60 * 60 * 1000 // the vendor's time-of-day values are UTC+8 clock readings on 1970-01-01
	chargeMinuteMs = 60 * 1000
)

// chargeShanghai is the default session zone. A fixed UTC+8 zone rather
// than tzdata: China has had no daylight saving since 1991, and a fixed zone
// keeps the package free of I/O.
var chargeShanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// ChargeTimeOfDay decodes a vendor startTime/endTime into the time after
// local midnight: ChargeTimeOfDay(-28800000) is 0 and
// ChargeTimeOfDay(57599000) is 23h59m59s (no end-of-minute rounding here).
func ChargeTimeOfDay(ms int64) time.Duration {
	return time.Duration(ms+chargeUTC8Ms) * time.Millisecond
}

// ChargeTimeMs encodes a local clock time the vendor's way, for building
// standards: ChargeTimeMs(0, 0, 0) is -28800000, ChargeTimeMs(23, 59, 59) is
// 57599000.
func ChargeTimeMs(hour, min, sec int) int64 {
	return int64((hour*60+min)*60+sec)*1000 - chargeUTC8Ms
}

// chargeSpan is a part of the local day, [from, to) in ms after midnight,
// governed by segment seg. A segment that crosses midnight has two spans.
type chargeSpan struct {
	from, to int64
	seg      int
}

// chargeSegmentSpans decodes one segment's times into at most two spans.
// It reports ok=false for a zero-length segment; the caller has range-checked
// the times.
func chargeSegmentSpans(seg int, start, end int64) (spans [2]chargeSpan, n int, ok bool) {
	s := start + chargeUTC8Ms
	e := end + chargeUTC8Ms
	if r := e % chargeMinuteMs; r >= chargeMinuteMs-1000 {
		e += chargeMinuteMs - r // hh:mm:59 is an inclusive end: round up to the next minute
	}
	switch {
	case e == s:
		return spans, 0, false
	case e > s:
		spans[0] = chargeSpan{s, e, seg}
		return spans, 1, true
	}
	// Crosses midnight: [s, 24:00) and [00:00, e).
	spans[0] = chargeSpan{s, chargeDayMs, seg}
	if e == 0 {
		return spans, 1, true
	}
	spans[1] = chargeSpan{0, e, seg}
	return spans, 2, true
}

// chargeClock maps instants to the segment in force at their local time of
// day. spans cover the day exactly, sorted by from.
type chargeClock struct {
	spans  []chargeSpan
	loc    *time.Location
	single bool // one segment all day: no boundaries to find
}

// chargeTod is the local wall-clock time of day of lt, in ms.
func chargeTod(lt time.Time) int64 {
	h, m, s := lt.Clock()
	return int64((h*60+m)*60+s)*1000 + int64(lt.Nanosecond()/1e6)
}

// spanAt returns the index of the span containing time of day tod.
func (c *chargeClock) spanAt(tod int64) int {
	i := sort.Search(len(c.spans), func(i int) bool { return c.spans[i].from > tod })
	return max(i-1, 0)
}

// run returns the segment in force at t and when its run ends: the first
// instant after t governed by another segment, or limit if that is sooner.
// Adjacent spans of one segment (a window across midnight) form one run.
// until is after t whenever limit is, so callers always make progress.
func (c *chargeClock) run(t, limit time.Time) (seg int, until time.Time) {
	if c.single {
		return c.spans[0].seg, limit
	}
	lt := t.In(c.loc)
	tod := chargeTod(lt)
	sp := c.spans[c.spanAt(tod)]
	seg = sp.seg
	for {
		y, m, d := lt.Date()
		// The wall clock reaching sp.to, read in the zone: exact across
		// daylight-saving changes except inside a skipped or repeated hour,
		// where the fallback uses elapsed time so that t always advances.
		next := time.Date(y, m, d, 0, 0, 0, int(sp.to)*int(time.Millisecond), c.loc)
		if !next.After(t) {
			next = t.Add(time.Duration(sp.to-tod) * time.Millisecond)
		}
		if !next.Before(limit) {
			return seg, limit
		}
		t, lt = next, next.In(c.loc)
		tod = chargeTod(lt)
		if sp = c.spans[c.spanAt(tod)]; sp.seg != seg {
			return seg, t
		}
	}
}
