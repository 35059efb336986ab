package gate_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestLastDayInsideFollowsStays: the console's cars inside at each hour's
// end are what the stays say, whichever way a stay closed. Worked by hand
// (UTC): A in at 04:10, B at 04:20 (2 inside at 05:00); A read entering
// again at 05:10 (its old stay closes, a new one opens), B removed by an
// operator at 05:30 (1 at 06:00); C in at 06:10 (2 at 07:00, and now).
func TestLastDayInsideFollowsStays(t *testing.T) {
	b := setup(t)
	at := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }
	step := func(h, m int, f func(time.Time)) { b.Clock.Set(at(h, m)); f(at(h, m)) }
	step(4, 10, func(t0 time.Time) { b.Event(t, park.EventEntry, "京A11111", t0) })
	step(4, 20, func(t0 time.Time) { b.Event(t, park.EventEntry, "京B22222", t0) })
	step(5, 10, func(t0 time.Time) { b.Event(t, park.EventEntry, "京A11111", t0) })
	step(5, 30, func(time.Time) {
		if err := b.Sys.Gate.RemoveInside(b.Ctx, "", b.Lot, "京B22222", "op", "towed"); err != nil {
			t.Fatal(err)
		}
	})
	step(6, 10, func(t0 time.Time) { b.Event(t, park.EventEntry, "京C33333", t0) })
	b.Clock.Set(at(7, 5))
	hours, err := b.Sys.Gate.LastDay(b.Ctx, b.Lot)
	if err != nil || len(hours) != 24 {
		t.Fatalf("%d hours (%v)", len(hours), err)
	}
	want := map[int]int{3: 0, 4: 2, 5: 1, 6: 2, 7: 2} // hour (UTC) -> inside at its end
	for _, h := range hours {
		w, ok := want[h.Hour.Hour()]
		if ok && h.Hour.Day() == 23 && h.InsideAtHourEnd != w {
			t.Errorf("inside at the end of %s: %d, want %d", h.Hour.Format("15:04"), h.InsideAtHourEnd, w)
		}
	}
	if last := hours[23]; !last.Hour.Equal(at(7, 0)) {
		t.Fatalf("last hour %s, want 07:00", last.Hour)
	}
}
