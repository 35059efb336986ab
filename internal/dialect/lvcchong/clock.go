package lvcchong

import "time"

// The vendor writes a time of day as the instant that clock time is on
// 1970-01-01 in UTC+8, in milliseconds: -28800000 is 00:00, 0 is 08:00 and
// 57599000 is 23:59:59. The conversions to and from it are all here.
//
// parkd prices a charging session on the wall clock of the lot's zone. The
// vendor's time of day is converted as a wall-clock reading, not as an
// instant: -28800000 is 00:00 on the lot's clock whatever its zone. The
// vendor's lots are in China (UTC+8), where the two readings agree; for a
// lot elsewhere, "from 23:00" keeps meaning 23:00 there, which is what an
// operator who wrote 23:00 means.
const (
	utc8Ms   = 8 * 60 * 60 * 1000
	dayMs    = 24 * 60 * 60 * 1000
	minuteMs = 60 * 1000

	dayStartMs = -utc8Ms        // 00:00
	dayEndMs   = dayMs - utc8Ms // 24:00, accepted as an end
)

// startOfWindow reads a startTime in [dayStartMs, dayEndMs) as the time
// after local midnight.
func startOfWindow(ms int64) time.Duration {
	return time.Duration(ms-dayStartMs) * time.Millisecond
}

// endOfWindow reads an endTime in [dayStartMs, dayEndMs] as the exclusive
// end after local midnight. An end in the last second of a minute (hh:mm:59)
// is the vendor's inclusive end and means the next whole minute, so
// 23:59:59 runs to midnight and 06:59:59 to 07:00. An end at 00:00 is the
// midnight that ends the day, 24h, so that a window has one form in the
// model.
func endOfWindow(ms int64) time.Duration {
	e := ms - dayStartMs
	if r := e % minuteMs; r >= minuteMs-1000 {
		e += minuteMs - r
	}
	if e == 0 {
		e = dayMs
	}
	return time.Duration(e) * time.Millisecond
}

// emptyWindow reports whether the vendor's window holds no time: its end,
// read as above, is its start, or it runs from 00:00 to 00:00. The
// vendor's whole day is 00:00 to 23:59:59.
func emptyWindow(startTime, endTime int64) bool {
	return startOfWindow(startTime) == endOfWindow(endTime) || startTime == dayStartMs && endTime == dayStartMs
}

// startMs writes a window start the vendor's way; ok is false when it is
// finer than a millisecond.
func startMs(from time.Duration) (ms int64, ok bool) {
	if from%time.Millisecond != 0 {
		return 0, false
	}
	return from.Milliseconds() + dayStartMs, true
}

// endMs writes an exclusive window end the vendor's way, whole minutes in
// the vendor's inclusive style (08:00 as 07:59:59, midnight as 23:59:59) so
// that a document reads as the vendor's own. ok is false for an end the
// vendor cannot express: finer than a millisecond, or inside the last
// second of a minute, which the vendor would read as the next minute.
func endMs(to time.Duration) (ms int64, ok bool) {
	if to%time.Millisecond != 0 {
		return 0, false
	}
	e := to.Milliseconds()
	if e == 0 {
		e = dayMs
	}
	switch r := e % minuteMs; {
	case r == 0:
		e -= 1000
	case r >= minuteMs-1000:
		return 0, false
	}
	return e + dayStartMs, true
}
