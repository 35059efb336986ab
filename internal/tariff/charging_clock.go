package tariff

import (
	"sort"
	"time"
)

const chargeDay = 24 * time.Hour

// chargeSpan is a part of the local day, [from, to) after midnight,
// governed by segment seg. A segment that crosses midnight has two spans.
type chargeSpan struct {
	from, to time.Duration
	seg      int
}

// chargeSegmentSpans lays one segment's window out as at most two spans.
// It reports ok=false for an empty window; the caller has range-checked
// the window.
func chargeSegmentSpans(seg int, from, to time.Duration) (spans [2]chargeSpan, n int, ok bool) {
	switch {
	case to == from:
		return spans, 0, false
	case to > from:
		spans[0] = chargeSpan{from, to, seg}
		return spans, 1, true
	}
	// Crosses midnight: [from, 24:00) and [00:00, to).
	spans[0] = chargeSpan{from, chargeDay, seg}
	if to == 0 {
		return spans, 1, true
	}
	spans[1] = chargeSpan{0, to, seg}
	return spans, 2, true
}

// chargeClock maps instants to the segment in force at their local time of
// day. spans cover the day exactly, sorted by from.
type chargeClock struct {
	spans  []chargeSpan
	loc    *time.Location
	single bool // one segment all day: no boundaries to find
}

// chargeTod is the local wall-clock time of day of lt.
func chargeTod(lt time.Time) time.Duration {
	h, m, s := lt.Clock()
	return time.Duration((h*60+m)*60+s)*time.Second + time.Duration(lt.Nanosecond())
}

// spanAt returns the index of the span containing time of day tod.
func (c *chargeClock) spanAt(tod time.Duration) int {
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
		next := time.Date(y, m, d, 0, 0, int(sp.to/time.Second), int(sp.to%time.Second), c.loc)
		if !next.After(t) {
			next = t.Add(sp.to - tod)
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
