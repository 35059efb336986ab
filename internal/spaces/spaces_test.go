package spaces_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/plate"
	"parkd/internal/spaces"
)

// twoFloors: B1 zone A (3 spaces), B1 zone B (1), F1 zone A (2).
func twoFloors() []*park.Space {
	return []*park.Space{
		{Code: "B1-A-01", Floor: "B1", Zone: "A", Kind: "ev"},
		{Code: "B1-A-02", Floor: "B1", Zone: "A"},
		{Code: "B1-A-03", Floor: "B1", Zone: "A"},
		{Code: "B1-B-01", Floor: "B1", Zone: "B", Kind: "disabled"},
		{Code: "F1-A-01", Floor: "F1", Zone: "A"},
		{Code: "F1-A-02", Floor: "F1", Zone: "A"},
	}
}

func (b *bundle) spaces(t *testing.T) string {
	t.Helper()
	sps, err := b.Sys.Spaces.ListSpaces(b.Ctx, spaces.SpaceQuery{LotCode: b.Lot, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sp := range sps {
		out = append(out, fmt.Sprintf("%s/%s/%s:%v:%s", sp.Code, sp.Floor, sp.Zone, sp.Occupied, sp.Plate))
	}
	return strings.Join(out, " ")
}

func (b *bundle) report(t *testing.T, rs ...spaces.SpaceReport) []spaces.ReportResult {
	t.Helper()
	res, err := b.Sys.Spaces.ReportSpaces(b.Ctx, b.Lot, rs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestReplaceSpacesIsValidatedAllOrNothing(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, twoFloors()); err != nil {
		t.Fatal(err)
	}
	before := b.spaces(t)
	for _, c := range []struct {
		change func([]*park.Space) []*park.Space
		field  string
	}{
		{func(s []*park.Space) []*park.Space { s[3].Code = "B1-A-01"; return s }, "spaces[3].code"},
		{func(s []*park.Space) []*park.Space { s[1].Floor = ""; return s }, "spaces[1].floor"},
		{func(s []*park.Space) []*park.Space { s[2].Code = "B1 A 03"; return s }, "spaces[2].code"},
		{func(s []*park.Space) []*park.Space { s[0].Kind = "rocket"; return s }, "spaces[0].kind"},
		{func(s []*park.Space) []*park.Space { s[4].Zone = "A\x00"; return s }, "spaces[4].zone"},
		{func(s []*park.Space) []*park.Space { return append(s, nil) }, "spaces[5]"},
	} {
		sps := c.change(twoFloors()[:5])
		_, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, sps)
		var pe *park.Error
		if !park.IsCode(err, park.EInvalid) || !asErr(err, &pe) || pe.Field != c.field {
			t.Errorf("replace: %v, want EInvalid on %s", err, c.field)
		}
		if got := b.spaces(t); got != before {
			t.Fatalf("refused replace changed spaces:\n%s\nwant\n%s", got, before)
		}
	}
	_, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, "nope", twoFloors())
	wantCode(t, err, park.ENotFound)
}

func TestSpaceReportsAreLastWriterWins(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, twoFloors()); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Hour)
	res := b.report(t,
		spaces.SpaceReport{Space: "B1-A-01", Occupied: true, At: at},
		spaces.SpaceReport{Space: "F1-A-02", Occupied: true, Plate: "粤b12345", At: at},
	)
	if !res[0].Applied || !res[1].Applied {
		t.Fatalf("results %+v", res)
	}
	// An older report, and the same report again, change nothing.
	res = b.report(t,
		spaces.SpaceReport{Space: "B1-A-01", Occupied: false, At: at.Add(-time.Minute)},
		spaces.SpaceReport{Space: "F1-A-02", Occupied: true, Plate: "粤B12345", At: at},
	)
	if res[0].Applied || res[1].Applied {
		t.Fatalf("stale reports applied: %+v", res)
	}
	want := "B1-A-01/B1/A:true: B1-A-02/B1/A:false: B1-A-03/B1/A:false: B1-B-01/B1/B:false: F1-A-01/F1/A:false: F1-A-02/F1/A:true:粤B12345"
	if got := b.spaces(t); got != want {
		t.Fatalf("spaces\n%s\nwant\n%s", got, want)
	}
	// A sensor that cannot read plates keeps the camera's plate while the
	// space stays occupied; since stays at the first report.
	b.report(t, spaces.SpaceReport{Space: "F1-A-02", Occupied: true, At: at.Add(time.Minute)})
	sps, _ := b.Sys.Spaces.ListSpaces(b.Ctx, spaces.SpaceQuery{LotCode: b.Lot, Floor: "F1", Limit: 1, AfterCode: "F1-A-01"})
	if len(sps) != 1 || sps[0].Plate != "粤B12345" || !sps[0].Since.Equal(at) || !sps[0].ReportedAt.Equal(at.Add(time.Minute)) ||
		sps[0].Source != park.SourceSensor {
		t.Fatalf("after a sensor report %+v", sps)
	}
	// Freed: the plate goes.
	b.report(t, spaces.SpaceReport{Space: "F1-A-02", At: at.Add(2 * time.Minute)})
	if got := b.spaces(t); !strings.HasSuffix(got, "F1-A-02/F1/A:false:") {
		t.Fatalf("freed %s", got)
	}

	// Bad batches change nothing, even their valid reports.
	before := b.spaces(t)
	later := at.Add(time.Hour)
	for _, c := range []struct {
		rs    []spaces.SpaceReport
		code  park.Code
		field string
	}{
		{[]spaces.SpaceReport{{Space: "B1-A-02", Occupied: true, At: later}, {Space: "nope", At: later}}, park.ENotFound, "reports[1].space"},
		{[]spaces.SpaceReport{{Space: "B1-A-02", Occupied: true, At: later}, {Space: "B1-A-03", Plate: "粤B12345", At: later}}, park.EInvalid, "reports[1].plate"},
		{[]spaces.SpaceReport{{Space: "B1-A-02", Occupied: true, Plate: "WUPAI", At: later}}, park.EInvalid, "reports[0].plate"},
		{[]spaces.SpaceReport{{Space: "B1-A-02", Occupied: true}}, park.EInvalid, "reports[0].at"},
		{[]spaces.SpaceReport{{Space: "B1-A-02", Occupied: true, At: b.Clock.Now().Add(time.Hour)}}, park.EInvalid, "reports[0].at"},
		{[]spaces.SpaceReport{{Occupied: true, At: later}}, park.EInvalid, "reports[0].space"},
		{[]spaces.SpaceReport{{Space: "B1-A-02", Occupied: true, At: later, Source: "radar"}}, park.EInvalid, "reports[0].source"},
		{nil, park.EInvalid, "reports"},
	} {
		_, err := b.Sys.Spaces.ReportSpaces(b.Ctx, b.Lot, c.rs)
		var pe *park.Error
		if !park.IsCode(err, c.code) || !asErr(err, &pe) || pe.Field != c.field {
			t.Errorf("report %+v: %v, want %s on %s", c.rs, err, c.code, c.field)
		}
		if got := b.spaces(t); got != before {
			t.Fatalf("refused batch changed spaces:\n%s\nwant\n%s", got, before)
		}
	}
}

func TestGarageRemaining(t *testing.T) {
	b := setup(t)
	// Without spaces: the lot's gate count against its capacity (10).
	b.Event(t, park.EventEntry, "京A12345", t0)
	g, err := b.Sys.Spaces.GarageRemaining(b.Ctx, b.Lot)
	if err != nil || g.BySpace || g.Total != 10 || g.Occupied != 1 || g.Free != 9 || len(g.Floors) != 0 {
		t.Fatalf("without spaces %+v, %v", g, err)
	}
	if _, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, twoFloors()); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Hour)
	b.report(t,
		spaces.SpaceReport{Space: "B1-A-01", Occupied: true, At: at},
		spaces.SpaceReport{Space: "B1-A-03", Occupied: true, At: at},
		spaces.SpaceReport{Space: "F1-A-01", Occupied: true, Plate: "京A12345", At: at},
	)
	g, err = b.Sys.Spaces.GarageRemaining(b.Ctx, b.Lot)
	if err != nil {
		t.Fatal(err)
	}
	// B1/A: 3 spaces, 2 occupied, 1 free; B1/B: 1, 0, 1; B1: 4, 2, 2.
	// F1/A: 2, 1, 1. Garage: 6, 3, 3 (spaces, not the lot's capacity).
	got := fmt.Sprintf("%v %v", g.BySpace, g.Remaining)
	for _, f := range g.Floors {
		got += fmt.Sprintf(" %s%v", f.Floor, f.Remaining)
		for _, z := range f.Zones {
			got += fmt.Sprintf(" %s/%s%v", f.Floor, z.Zone, z.Remaining)
		}
	}
	if want := "true {6 3 3} B1{4 2 2} B1/A{3 2 1} B1/B{1 0 1} F1{2 1 1} F1/A{2 1 1}"; got != want {
		t.Fatalf("remaining %s, want %s", got, want)
	}
	_, err = b.Sys.Spaces.GarageRemaining(b.Ctx, "nope")
	wantCode(t, err, park.ENotFound)
}

func TestLocateCar(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, twoFloors()); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "粤B12345", t0)
	loc, err := b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345")
	if err != nil || loc.Space != nil || loc.Stay.Plate != "粤B12345" {
		t.Fatalf("inside, unplaced: %+v, %v", loc, err)
	}
	b.report(t, spaces.SpaceReport{Space: "B1-A-02", Occupied: true, Plate: "粤B12345", At: t0.Add(5 * time.Minute)})
	loc, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤b·12345")
	if err != nil || loc.Space == nil || loc.Space.Code != "B1-A-02" || loc.Space.Floor != "B1" || loc.Space.Zone != "A" {
		t.Fatalf("located %+v, %v", loc, err)
	}
	// It moves: the newest report wins.
	b.report(t, spaces.SpaceReport{Space: "F1-A-01", Occupied: true, Plate: "粤B12345", At: t0.Add(10 * time.Minute)})
	if loc, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345"); err != nil || loc.Space == nil || loc.Space.Code != "F1-A-01" {
		t.Fatalf("moved %+v, %v", loc, err)
	}
	// It leaves: not in the lot. It comes back: its old space is not
	// believed (reported before this entry).
	b.Event(t, park.EventExit, "粤B12345", t0.Add(14*time.Minute)) // within the grace: free
	_, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345")
	if !park.IsCode(err, park.ENotFound) || !strings.Contains(err.Error(), "not in the lot") {
		t.Fatalf("after exit: %v", err)
	}
	b.Event(t, park.EventEntry, "粤B12345", t0.Add(2*time.Hour))
	if loc, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345"); err != nil || loc.Space != nil {
		t.Fatalf("after re-entry %+v, %v", loc, err)
	}
	_, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B1234")
	wantCode(t, err, park.EInvalid)
	_, err = b.Sys.Spaces.LocateCar(b.Ctx, "nope", "粤B12345")
	wantCode(t, err, park.ENotFound)
}

func TestFuzzyFindCars(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, twoFloors()); err != nil {
		t.Fatal(err)
	}
	for i, p := range []string{"粤B12345", "粤B12346", "京A12345", "苏E6X789"} {
		b.Event(t, park.EventEntry, p, t0.Add(time.Duration(i)*time.Minute))
	}
	b.report(t, spaces.SpaceReport{Space: "B1-B-01", Occupied: true, Plate: "粤B12345", At: t0.Add(time.Hour)})
	find := func(q string, limit int) string {
		t.Helper()
		cars, err := b.Sys.Spaces.FuzzyFindCars(b.Ctx, b.Lot, q, limit)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var out []string
		for _, c := range cars {
			s := fmt.Sprintf("%s:%d", c.Stay.Plate, c.Rank)
			if c.Space != nil {
				s += "@" + c.Space.Code
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	// Ranks: 0 exact, 1 confusable, 2 one edit, 3 suffix, 4 inside.
	// 粤B1234S is 粤B12345 misread (S for 5): equal under confusions, and
	// one wrong character from 粤B12346.
	if got, want := find("粤B1234S", 0), "粤B12345:1@B1-B-01 粤B12346:2"; got != want {
		t.Fatalf("misread: %s, want %s", got, want)
	}
	if got, want := find("粤B12345", 0), "粤B12345:0@B1-B-01 粤B12346:2"; got != want {
		t.Fatalf("exact: %s, want %s", got, want)
	}
	// The last four characters a driver remembers; the latest entry first.
	if got, want := find("2345", 0), "京A12345:3 粤B12345:3@B1-B-01"; got != want {
		t.Fatalf("partial: %s, want %s", got, want)
	}
	if got, want := find("2345", 1), "京A12345:3"; got != want {
		t.Fatalf("limit 1: %s, want %s", got, want)
	}
	// A car that entered after the index was built is found at once; a
	// car that left is no longer found.
	b.Event(t, park.EventEntry, "沪C52345", t0.Add(10*time.Minute))
	b.Event(t, park.EventExit, "京A12345", t0.Add(11*time.Minute))
	if got, want := find("2345", 0), "沪C52345:3 粤B12345:3@B1-B-01"; got != want {
		t.Fatalf("after entry and exit: %s, want %s", got, want)
	}
	if got := find("京A12345", 0); got != "" {
		t.Fatalf("left car found: %s", got)
	}
	for _, c := range []struct {
		q     string
		limit int
		field string
	}{{"123", 0, "plate"}, {"12#45", 0, "plate"}, {"", 0, "plate"}, {"2345", 101, "limit"}, {"2345", -1, "limit"}} {
		_, err := b.Sys.Spaces.FuzzyFindCars(b.Ctx, b.Lot, c.q, c.limit)
		var pe *park.Error
		if !park.IsCode(err, park.EInvalid) || !asErr(err, &pe) || pe.Field != c.field {
			t.Errorf("fuzzy %q %d: %v, want EInvalid on %s", c.q, c.limit, err, c.field)
		}
	}
	_, err := b.Sys.Spaces.FuzzyFindCars(b.Ctx, "nope", "2345", 0)
	wantCode(t, err, park.ENotFound)
}

func asErr(err error, target **park.Error) bool { return errors.As(err, target) }

// TestFuzzyFindCarsConcurrently searches while cars enter: every car that
// entered before a search began is found by its misread plate.
func TestFuzzyFindCarsConcurrently(t *testing.T) {
	b := setup(t)
	b.Lot = b.CreateLot(t, "big", 1000, park.MissedEntryHold).Code // room for every car
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				p := fmt.Sprintf("粤B%d%04d", w, i)
				if d := b.Event(t, park.EventEntry, p, t0); d.Decision != park.DecisionOpen {
					t.Errorf("entry %+v", d)
				}
				// Misread the 3rd serial character as X: one wrong character.
				q := []rune(p)
				q[3] = 'X'
				cars, err := b.Sys.Spaces.FuzzyFindCars(b.Ctx, b.Lot, string(q), 100)
				if err != nil {
					t.Error(err)
					return
				}
				found := false
				for _, c := range cars {
					found = found || c.Stay.Plate == p
				}
				if !found {
					t.Errorf("%s not found by %s", p, string(q))
				}
			}
		})
	}
	wg.Wait()
}

// TestListSpacesAll: an internal caller that asks for every space (limit
// -1) gets them all, more than a page may hold; a page of -1 is refused.
func TestListSpacesAll(t *testing.T) {
	b := setup(t)
	n := park.MaxListLimit + 1
	sps := make([]*park.Space, n)
	for i := range sps {
		sps[i] = &park.Space{Code: fmt.Sprintf("B1-%04d", i), Floor: "B1"}
	}
	got, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, sps)
	if err != nil || len(got) != n {
		t.Fatalf("ReplaceSpaces returned %d spaces (%v), want all %d", len(got), err, n)
	}
	all, err := b.Sys.Spaces.ListSpaces(b.Ctx, spaces.SpaceQuery{LotCode: b.Lot, Limit: -1})
	if err != nil || len(all) != n {
		t.Fatalf("ListSpaces(-1): %d spaces (%v), want all %d", len(all), err, n)
	}
	_, _, err = b.Sys.Spaces.SpacePage(b.Ctx, spaces.SpaceQuery{LotCode: b.Lot, Limit: -1})
	var pe *park.Error
	if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != "limit" {
		t.Fatalf("SpacePage(-1): %v, want invalid limit", err)
	}
}

// TestFuzzyFindCarsTooShort: a reading of fewer than 4 characters
// (plate.MinFuzzyQuery) is refused on field plate as too short, with the
// least and the most a search takes (4 to 16), so a transport can word
// it in its own language; a reading with a character no plate has is
// refused for that character.
func TestFuzzyFindCarsTooShort(t *testing.T) {
	b := setup(t)
	var pe *park.Error
	_, err := b.Sys.Spaces.FuzzyFindCars(b.Ctx, b.Lot, "A12", 0)
	if !asErr(err, &pe) || pe.Code != park.EInvalid || pe.Field != "plate" || pe.Reason != park.ReasonLength ||
		strings.Join(pe.Params, " ") != "4 16" {
		t.Fatalf("a 3-character search: %#v, want EInvalid on plate, reason length 4 16", err)
	}
	pe = nil
	if _, err = b.Sys.Spaces.FuzzyFindCars(b.Ctx, b.Lot, "A12$45", 0); !asErr(err, &pe) || pe.Field != "plate" || pe.Reason != string(plate.WhyCharacter) {
		t.Fatalf("a search with $: %#v, want EInvalid on plate for its character", err)
	}
}

// TestLocateCarByPlateReports: a car's location is the space a camera
// last reported with its plate since its entry; a bay sensor's report
// (no plate) that keeps an occupied space's plate does not report that
// car there again.
func TestLocateCarByPlateReports(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Spaces.ReplaceSpaces(b.Ctx, b.Lot, twoFloors()); err != nil {
		t.Fatal(err)
	}
	b.Event(t, park.EventEntry, "粤B12345", t0)
	// 08:05 a camera reads it in B1-A-02; 08:10 it has moved to F1-A-01.
	// B1-A-02 was taken again at once, so its sensor never saw it free:
	// at 08:11 it says occupied, and B1-A-02 keeps the plate it was shown
	// with. The car is still where the camera last read it: F1-A-01.
	b.report(t, spaces.SpaceReport{Space: "B1-A-02", Occupied: true, Plate: "粤B12345", At: t0.Add(5 * time.Minute)})
	b.report(t, spaces.SpaceReport{Space: "F1-A-01", Occupied: true, Plate: "粤B12345", At: t0.Add(10 * time.Minute)})
	b.report(t, spaces.SpaceReport{Space: "B1-A-02", Occupied: true, At: t0.Add(11 * time.Minute)})
	loc, err := b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345")
	if err != nil || loc.Space == nil || loc.Space.Code != "F1-A-01" {
		t.Fatalf("after a sensor report on its old space: %+v, %v", loc, err)
	}
	// It leaves at 08:14 and comes back at 10:00; F1-A-01's sensor, which
	// did not see it go (another car took the space), says occupied at
	// 10:05. The car was not read anywhere since 10:00: not located.
	b.Event(t, park.EventExit, "粤B12345", t0.Add(14*time.Minute))
	b.Event(t, park.EventEntry, "粤B12345", t0.Add(2*time.Hour))
	b.report(t, spaces.SpaceReport{Space: "F1-A-01", Occupied: true, At: t0.Add(2*time.Hour + 5*time.Minute)})
	if loc, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345"); err != nil || loc.Space != nil {
		t.Fatalf("back, sent to its old space by a sensor report: %+v, %v", loc, err)
	}
	// 10:06 a camera reads it in F1-A-01 after all: located there.
	b.report(t, spaces.SpaceReport{Space: "F1-A-01", Occupied: true, Plate: "粤B12345", At: t0.Add(2*time.Hour + 6*time.Minute)})
	if loc, err = b.Sys.Spaces.LocateCar(b.Ctx, b.Lot, "粤B12345"); err != nil || loc.Space == nil || loc.Space.Code != "F1-A-01" {
		t.Fatalf("read again: %+v, %v", loc, err)
	}
}
