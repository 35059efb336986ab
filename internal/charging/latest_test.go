package charging_test

import (
	"slices"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestLatestSessions: a charger's latest sessions are those that changed
// last, newest first: one still charging comes before those that ended
// after it started, once it has reported since.
func TestLatestSessions(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	// C on connector 2 from 9:00, still charging; A and B on connector 1,
	// 10:00-10:30 and 11:00-11:30; C reports at 12:00.
	r.Clock.Set(local(0, 9, 0))
	c, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 2, Prepaid: 5000, Source: park.SourceNative})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.cs.ChargerStarted(r.Ctx, charging.Started{ChargerID: "CP1", Connector: 2, IDTag: c.IDTag, MeterStart: 0,
		At: local(0, 9, 0)}); err != nil {
		t.Fatal(err)
	}
	if c, err = r.cs.Session(r.Ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	a := r.start(t, local(0, 10, 0), 500, 1000)
	r.stop(t, a, local(0, 10, 30), 1100, park.EndManual)
	b := r.start(t, local(0, 11, 0), 500, 1100)
	r.stop(t, b, local(0, 11, 30), 1200, park.EndManual)
	r.meter(t, c, local(0, 12, 0), 100, 3000)

	for _, x := range []struct {
		limit int
		want  []string
	}{{10, []string{c.ID, b.ID, a.ID}}, {2, []string{c.ID, b.ID}}} {
		ss, err := r.cs.LatestSessions(r.Ctx, "CP1", x.limit)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range ss {
			got = append(got, s.ID)
		}
		if !slices.Equal(got, x.want) {
			t.Errorf("latest %d: %v, want %v (C, reported at 12:00, then B, then A)", x.limit, got, x.want)
		}
	}
	for _, limit := range []int{0, charging.MaxListLimit + 1} {
		if _, err := r.cs.LatestSessions(r.Ctx, "CP1", limit); !park.IsCode(err, park.EInvalid) {
			t.Errorf("limit %d: %v, want invalid", limit, err)
		}
		if _, err := r.cs.LatestSessionsOfLot(r.Ctx, r.Lot, limit); !park.IsCode(err, park.EInvalid) {
			t.Errorf("the lot's, limit %d: %v, want invalid", limit, err)
		}
	}

	// The lot's read gives each charger's the same, in the same order; CP2,
	// which never charged, has none.
	if _, err := r.cs.RegisterCharger(r.Ctx, charging.ChargerInput{ID: "CP2", LotCode: r.Lot, Family: park.FamilyCar, Connectors: 1,
		StandardID: c.StandardID, Password: "0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	of, err := r.cs.LatestSessionsOfLot(r.Ctx, r.Lot, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range of["CP1"] {
		got = append(got, s.ID)
	}
	if want := []string{c.ID, b.ID}; !slices.Equal(got, want) || len(of["CP2"]) != 0 {
		t.Errorf("the lot's latest 2: CP1 %v, want %v; CP2 %d, want none", got, want, len(of["CP2"]))
	}
}
