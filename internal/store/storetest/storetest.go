// Package storetest is the conformance suite every park.Store passes: the
// same tests, run against each engine, so the core can trust any of them.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"parkd/internal/park"
)

// Opener returns a fresh, empty, migrated store for one test.
type Opener func(t *testing.T) park.Store

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	tests := map[string]func(*testing.T, park.Store){
		"Lots":                     testLots,
		"Lanes":                    testLanes,
		"Events":                   testEvents,
		"Stays":                    testStays,
		"OneStayInside":            testOneStayInside,
		"ListStays":                testListStays,
		"AnomalyPages":             testAnomalyPages,
		"PlateAnomalies":           testPlateAnomalies,
		"CouponPages":              testCouponPages,
		"StayChangedAfterRead":     testStayChangedAfterRead,
		"StayReadAsWritten":        testStayReadAsWritten,
		"SessionChangedAfterRead":  testSessionChangedAfterRead,
		"QuotesAndPayments":        testQuotesAndPayments,
		"PaymentsByKeyOrReference": testPaymentsByKeyOrReference,
		"Passes":                   testPasses,
		"Whitelist":                testWhitelist,
		"WhitelistPlateTaken":      testWhitelistPlateTaken,
		"ListPages":                testListPages,
		"PlateRecords":             testPlateRecords,
		"LotAndPlate":              testLotAndPlate,
		"Rollback":                 testRollback,
		"NoLostUpdate":             testNoLostUpdate,
		"Versions":                 testVersions,
		"TimePrecision":            testTimePrecision,
		"Partners":                 testPartners, "Integrators": testIntegrators, "Tokens": testTokens,
		"Locks":                     testLocks,
		"Coupons":                   testCoupons,
		"Plans":                     testPlans,
		"Reservations":              testReservations,
		"Spaces":                    testSpaces,
		"Subscriptions":             testSubscriptions,
		"Enqueue":                   testEnqueue,
		"LotAnswersFollow":          testLotAnswersFollow,
		"Claim":                     testClaim,
		"DeliveryAdmin":             testDeliveryAdmin,
		"PruneDeliveries":           testPruneDeliveries,
		"DeleteSubscriptionLater":   testDeleteSubscriptionLater,
		"DeletePartnerLater":        testDeletePartnerLater,
		"DueAmongRetries":           testDueAmongRetries,
		"ClaimConcurrently":         testClaimConcurrently,
		"Enrolments":                testEnrolments,
		"Seen":                      testSeen,
		"Chargers":                  testChargers,
		"SilentChargers":            testSilentChargers,
		"PriceStandards":            testPriceStandards,
		"ChargeSessions":            testChargeSessions,
		"LatestChargeSessions":      testLatestChargeSessions,
		"LatestChargeSessionsOfLot": testLatestChargeSessionsOfLot,
		"ListedSessionReadings":     testListedSessionReadings,
		"IDTags":                    testIDTags,
		"ChargerCommands":           testChargerCommands,
		"RentalCatalogue":           testRentalCatalogue,
		"RentalChannels":            testRentalChannels,
		"StoreRules":                testStoreRules,
		"RentalOrders":              testRentalOrders,
		"Devices":                   testDevices,
		"LaneListChanges":           testLaneListChanges,
		"DeviceCommands":            testDeviceCommands,
		"Images":                    testImages,
		"Operators":                 testOperators,
		"Sessions":                  testSessions,
		"Audit":                     testAudit,
		"LaneEvents":                testLaneEvents,
		"StayMovesByHour":           testStayMovesByHour,
		"Serialize":                 testSerialize,
		"ClaimAfterDisabled":        testClaimAfterDisabled,
		"ClaimInTwo":                testClaimInTwo,
		"ClaimOffInTwo":             testClaimAfterDisabledInTwo,
		"ClaimPaused":               testClaimPaused,
		"ClaimDueAmong":             testClaimDueAmong,
		"ClaimLoads":                testClaimLoads,
		"ReplaySending":             testReplaySending,
		"Tickets":                   testTickets,
		"CheckWrite":                testCheckWrite,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open(t))
		})
	}
}

var base = time.Date(2026, 11, 23, 8, 30, 0, 123456000, time.UTC)

func update(t *testing.T, s park.Store, fn func(tx park.Tx) error) error {
	t.Helper()
	return s.Update(context.Background(), fn)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code park.Code) {
	t.Helper()
	if !park.IsCode(err, code) {
		t.Fatalf("got error %v (code %q), want code %q", err, park.ErrorCode(err), code)
	}
}

func newLot(code string) *park.Lot {
	return &park.Lot{
		Code: code, Name: "Lot " + code, TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 10,
		ExitGraceMinutes: 15, QuoteTTLSeconds: 300, MissedEntry: park.MissedEntryHold,
		Tariff: []byte(`{"every":{"minutes":30,"price":200}}`), TariffVersion: 1,
		CreatedAt: base, UpdatedAt: base,
	}
}

func seedLot(t *testing.T, s park.Store, code string) *park.Lot {
	t.Helper()
	l := newLot(code)
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateLot(context.Background(), l) }))
	return l
}

func newStay(lot, id, plateKey, locator string) *park.Stay {
	return &park.Stay{
		ID: id, LotCode: lot, Plate: plateKey, PlateKey: plateKey, VehicleClass: park.ClassSmall,
		Locator: locator, EntryAt: base, EntryLane: "in-1", State: park.StayIn, UpdatedAt: base,
	}
}

func testLots(t *testing.T, s park.Store) {
	ctx := context.Background()
	l := seedLot(t, s, "140123001")
	t.Run("Get", func(t *testing.T) {
		var got *park.Lot
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetLot(ctx, l.Code); return }))
		if got.Name != l.Name || got.TimeZone != l.TimeZone || got.Currency != l.Currency || got.Capacity != 10 ||
			got.ExitGraceMinutes != 15 || got.QuoteTTLSeconds != 300 || string(got.Tariff) != string(l.Tariff) ||
			got.TariffVersion != 1 || !got.CreatedAt.Equal(base.Truncate(park.Precision)) {
			t.Fatalf("got %+v, want %+v", got, l)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateLot(ctx, newLot(l.Code)) }), park.EConflict)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetLot(ctx, "nope"); return err }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateLot(ctx, newLot("nope")) }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.AddOccupied(ctx, "nope", 1) }), park.ENotFound)
	})
	t.Run("UpdateAndOccupancy", func(t *testing.T) {
		l2 := *l
		l2.Name, l2.Capacity, l2.Sandbox = "Renamed", 20, true
		must(t, update(t, s, func(tx park.Tx) error {
			if err := tx.UpdateLot(ctx, &l2); err != nil {
				return err
			}
			if err := tx.AddOccupied(ctx, l.Code, 3); err != nil {
				return err
			}
			return tx.AddOccupied(ctx, l.Code, -5) // never below zero
		}))
		var got *park.Lot
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetLot(ctx, l.Code); return }))
		if got.Name != "Renamed" || got.Capacity != 20 || !got.Sandbox || got.Occupied != 0 {
			t.Fatalf("got %+v", got)
		}
		// The count without the lot's settings, and the settings without it.
		// The count is a sum of deltas, read as 0 while below zero: +3 -5 +4 = 2.
		must(t, update(t, s, func(tx park.Tx) error { return tx.AddOccupied(ctx, l.Code, 4) }))
		must(t, s.View(ctx, func(tx park.Tx) error {
			n, err := tx.CountInside(ctx, l.Code)
			if err != nil || n != 2 {
				return fmt.Errorf("CountInside %d (%v), want 2", n, err)
			}
			ls, err := tx.GetLotSettings(ctx, l.Code)
			if err != nil || ls.Name != "Renamed" || ls.Occupied != 0 || ls.Version != got.Version {
				return fmt.Errorf("GetLotSettings %+v (%v)", ls, err)
			}
			full, err := tx.GetLot(ctx, l.Code)
			if err != nil || full.Occupied != 2 {
				return fmt.Errorf("GetLot occupied %d (%v), want 2", full.Occupied, err)
			}
			if n, err := tx.CountInside(ctx, "nope"); err != nil || n != 0 {
				return fmt.Errorf("CountInside of an unknown lot: %d, %v", n, err)
			}
			_, err = tx.GetLotSettings(ctx, "nope")
			if !park.IsCode(err, park.ENotFound) {
				return fmt.Errorf("GetLotSettings of an unknown lot: %v", err)
			}
			return nil
		}))
	})
	t.Run("List", func(t *testing.T) {
		seedLot(t, s, "000000001")
		var ls []*park.Lot
		must(t, s.View(ctx, func(tx park.Tx) (err error) { ls, err = tx.ListLots(ctx); return }))
		if len(ls) != 2 || ls[0].Code != "000000001" || ls[1].Code != l.Code {
			t.Fatalf("got %d lots, want 2 ordered by code", len(ls))
		}
	})
}

func testLanes(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	lane := &park.Lane{LotCode: "L1", ID: "in-1", Direction: park.DirectionIn, CreatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateLane(ctx, lane) }))
	// Another node meeting the lane first too: it goes on, the lane kept.
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateLane(ctx, &park.Lane{LotCode: "L1", ID: "in-1", Direction: park.DirectionOut, CreatedAt: base.Add(time.Hour)})
	}))
	var got *park.Lane
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetLane(ctx, "L1", "in-1"); return }))
	if got.Direction != park.DirectionIn {
		t.Fatalf("direction %q", got.Direction)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetLane(ctx, "L1", "out-9"); return err }), park.ENotFound)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateLane(ctx, &park.Lane{LotCode: "missing", ID: "x", Direction: park.DirectionIn, CreatedAt: base})
	}), park.ENotFound)
}

func testEvents(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	e := &park.Event{ID: "cam-1", LotCode: "L1", Type: park.EventEntry, Plate: "京A12345", Lane: "in-1", At: base,
		ImageURL: "http://cam/1.jpg", PlateColor: "blue", ReceivedAt: base,
		Decision: park.Decision{Decision: park.DecisionOpen, Reason: park.ReasonVisitor, StayID: "s1", Locator: "1234567890", Currency: "CNY"}}
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertEvent(ctx, e) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.InsertEvent(ctx, e) }), park.EConflict)
	var got *park.Event
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetEvent(ctx, "L1", "cam-1"); return }))
	if got.Decision != e.Decision || got.Plate != e.Plate || got.ImageURL != e.ImageURL || !got.At.Equal(e.At) {
		t.Fatalf("got %+v, want %+v", got, e)
	}
	// The same camera id in another lot is another event.
	seedLot(t, s, "L2")
	e2 := *e
	e2.LotCode = "L2"
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertEvent(ctx, &e2) }))

	a := &park.Anomaly{ID: "a1", LotCode: "L1", Kind: park.AnomalyReentry, Plate: "京A12345", EventID: "cam-1", At: base, Detail: "x",
		ImageURL: "/v1/images/img-1"}
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertAnomaly(ctx, a) }))
	var as []*park.Anomaly
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		as, err = tx.ListAnomalies(ctx, park.AnomalyFilter{LotCode: "L1", Limit: 10})
		return
	}))
	if len(as) != 1 || *as[0] != *a {
		t.Fatalf("anomalies %+v", as)
	}
}

// testAnomalyPages: a lot's anomalies read newest first, ties on the time
// by id (the higher first), a page after a cursor's place in that order.
// At base+1m: a, b; at base+2m: c, d, e (ids e9 > e5 > e1, inserted in
// another order); at base+3m: f. Newest first: f, then e9 e5 e1, then b a
// (b's id is higher). Another lot's g at base+2m is never listed.
func testAnomalyPages(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	base := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	an := func(id, lot string, min int) *park.Anomaly {
		return &park.Anomaly{ID: id, LotCode: lot, Kind: park.AnomalyMissedEntry, Plate: "京A12345", EventID: "ev-" + id,
			At: base.Add(time.Duration(min) * time.Minute), Detail: id}
	}
	must(t, update(t, s, func(tx park.Tx) error {
		for _, a := range []*park.Anomaly{an("a", "L1", 1), an("b", "L1", 1), an("e5", "L1", 2), an("e1", "L1", 2),
			an("e9", "L1", 2), an("f", "L1", 3), an("g", "L2", 2)} {
			if err := tx.InsertAnomaly(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}))
	list := func(f park.AnomalyFilter) string {
		t.Helper()
		var as []*park.Anomaly
		must(t, s.View(ctx, func(tx park.Tx) (err error) { as, err = tx.ListAnomalies(ctx, f); return }))
		ids := make([]string, len(as))
		for i, a := range as {
			ids[i] = a.ID
		}
		return fmt.Sprint(ids)
	}
	if got := list(park.AnomalyFilter{LotCode: "L1", Limit: 10}); got != "[f e9 e5 e1 b a]" {
		t.Errorf("all: %s, want [f e9 e5 e1 b a]", got)
	}
	// After e9 (base+2m): its ties with a lower id, then the older ones.
	if got := list(park.AnomalyFilter{LotCode: "L1", BeforeAt: base.Add(2 * time.Minute), BeforeID: "e9", Limit: 3}); got != "[e5 e1 b]" {
		t.Errorf("after e9: %s, want [e5 e1 b]", got)
	}
	if got := list(park.AnomalyFilter{LotCode: "L1", BeforeAt: base.Add(time.Minute), BeforeID: "b", Limit: 3}); got != "[a]" {
		t.Errorf("after b: %s, want [a]", got)
	}
	t.Run("Get", func(t *testing.T) {
		var a *park.Anomaly
		must(t, s.View(ctx, func(tx park.Tx) (err error) { a, err = tx.GetAnomaly(ctx, "L1", "e5"); return }))
		if want := an("e5", "L1", 2); *a != *want {
			t.Fatalf("got %+v, want %+v", a, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetAnomaly(ctx, "L1", "g"); return err }), park.ENotFound)
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetAnomaly(ctx, "L1", "zz"); return err }), park.ENotFound)
	})
}

func testStays(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	st := newStay("L1", "s1", "京A12345", "1000000001")
	st.Source, st.ReservationID = "partner-1", "r-1"
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, st) }))
	t.Run("LocatorTaken", func(t *testing.T) {
		wantCode(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertStay(ctx, newStay("L1", "s2", "京B12345", "1000000001"))
		}), park.EConflict)
	})
	t.Run("Lookups", func(t *testing.T) {
		must(t, s.View(ctx, func(tx park.Tx) error {
			for _, get := range []func() (*park.Stay, error){
				func() (*park.Stay, error) { return tx.GetStay(ctx, "s1") },
				func() (*park.Stay, error) { return tx.GetStayByLocator(ctx, "L1", "1000000001") },
				func() (*park.Stay, error) { return tx.FindInside(ctx, "L1", "京A12345") },
			} {
				got, err := get()
				if err != nil {
					return err
				}
				if got.ID != "s1" || got.ExitAt != nil || got.PaidUntil != nil || !got.EntryAt.Equal(st.EntryAt) || got.Source != "partner-1" ||
					got.ReservationID != "r-1" {
					return fmt.Errorf("got %+v", got)
				}
			}
			return nil
		}))
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetStay(ctx, "zz"); return err }), park.ENotFound)
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetStayByLocator(ctx, "L1", "9"); return err }), park.ENotFound)
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.FindInside(ctx, "L1", "京C1"); return err }), park.ENotFound)
	})
	t.Run("Close", func(t *testing.T) {
		exit, paid := base.Add(2*time.Hour), base.Add(90*time.Minute)
		st.State, st.ExitAt, st.ExitLane, st.Total, st.Paid, st.Discount, st.PaidUntil = park.StayOut, &exit, "out-1", 900, 800, 100, &paid
		kept := []park.Period{{From: base.Add(time.Minute), To: base.Add(time.Hour)}, {From: base.Add(80 * time.Minute), To: base.Add(81 * time.Minute)}}
		st.KeptFree = kept
		passFrom := base.Add(30 * time.Minute)
		st.PassFrom = &passFrom
		st.ReservationID = "r-2" // a reservation whose window began while the car was inside
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateStay(ctx, st) }))
		var got *park.Stay
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetStay(ctx, "s1"); return }))
		if got.State != park.StayOut || !got.ExitAt.Equal(exit) || !got.PaidUntil.Equal(paid) || got.Total != 900 ||
			got.Paid != 800 || got.Discount != 100 || got.ExitLane != "out-1" || len(got.KeptFree) != 2 ||
			!got.KeptFree[0].From.Equal(kept[0].From) || !got.KeptFree[0].To.Equal(kept[0].To) ||
			!got.KeptFree[1].From.Equal(kept[1].From) || !got.KeptFree[1].To.Equal(kept[1].To) ||
			got.PassFrom == nil || !got.PassFrom.Equal(passFrom) || got.ReservationID != "r-2" {
			t.Fatalf("got %+v", got)
		}
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.FindInside(ctx, "L1", "京A12345"); return err }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateStay(ctx, newStay("L1", "zz", "k", "1")) }), park.ENotFound)
	})
}

// testOneStayInside: the store itself refuses a second open stay of a
// plate in one lot, so two nodes racing on one camera event cannot both win.
func testOneStayInside(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L1", "s1", "K1", "1000000001")) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L1", "s2", "K1", "1000000002")) }), park.EConflict)
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L2", "s3", "K1", "1000000001")) }))
	closed := newStay("L1", "s4", "K1", "1000000004")
	closed.State = park.StayOut
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, closed) }))
}

func testListStays(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	for i := range 5 {
		st := newStay("L1", fmt.Sprintf("s%d", i), fmt.Sprintf("K%d", i%2), fmt.Sprintf("100000000%d", i))
		if i < 3 {
			st.State = park.StayOut
		}
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, st) }))
	}
	ids := func(f park.StayFilter) []string {
		var out []string
		must(t, s.View(ctx, func(tx park.Tx) error {
			sts, err := tx.ListStays(ctx, f)
			for _, st := range sts {
				out = append(out, st.ID)
			}
			return err
		}))
		return out
	}
	check := func(name string, got []string, want ...string) {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	check("all", ids(park.StayFilter{LotCode: "L1", Limit: 10}), "s0", "s1", "s2", "s3", "s4")
	check("page", ids(park.StayFilter{LotCode: "L1", Limit: 2, AfterID: "s1"}), "s2", "s3")
	check("in", ids(park.StayFilter{LotCode: "L1", State: park.StayIn, Limit: 10}), "s3", "s4")
	check("plate", ids(park.StayFilter{LotCode: "L1", PlateKey: "K1", Limit: 10}), "s1", "s3")
	check("plate out", ids(park.StayFilter{LotCode: "L1", PlateKey: "K0", State: park.StayOut, Limit: 10}), "s0", "s2")
	check("other lot", ids(park.StayFilter{LotCode: "L9", Limit: 10}))
}

// testPaymentsByKeyOrReference: the combined read answers what
// GetPaymentByKey and GetPaymentByReference answer, each on its own
// (nil where not found), one row answering both when it has both, and
// an empty key or reference matching no payment, not the ones without.
func testPaymentsByKeyOrReference(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L1", "s1", "K1", "1000000001")) }))
	pays := map[string]*park.Payment{}
	for i, p := range []park.Payment{
		{Payer: "app", Reference: "ref-1", IdempotencyKey: "key-1"},
		{Payer: "bank", Reference: "ref-2", IdempotencyKey: "key-2"},
		{Payer: "app"}, // neither key nor reference
	} {
		p.ID, p.QuoteID, p.StayID, p.LotCode, p.Currency, p.Method = fmt.Sprintf("p%d", i+1), fmt.Sprintf("q%d", i+1), "s1", "L1", "CNY", "cash"
		p.PaidAt, p.PaidUntil = base, base.Add(15*time.Minute)
		must(t, update(t, s, func(tx park.Tx) error {
			if err := tx.InsertQuote(ctx, &park.Quote{ID: p.QuoteID, StayID: "s1", LotCode: "L1", Currency: "CNY", Lines: []park.Line{}}); err != nil {
				return err
			}
			return tx.InsertPayment(ctx, &p)
		}))
		pays[p.ID] = &p
	}
	for _, c := range []struct {
		key, payer, ref string
		byKey, byRef    string // payment ids, "" for none
	}{
		{"key-1", "app", "ref-1", "p1", "p1"},
		{"key-1", "bank", "ref-2", "p1", "p2"},
		{"", "app", "ref-1", "", "p1"},
		{"key-2", "app", "", "p2", ""},
		{"key-9", "bank", "ref-1", "", ""}, // ref-1 is app's, not bank's
		{"", "app", "", "", ""},            // p3 has neither: not matched by empties
	} {
		must(t, s.View(ctx, func(tx park.Tx) error {
			byKey, byRef, err := tx.GetPaymentsByKeyOrReference(ctx, c.key, c.payer, c.ref)
			if err != nil {
				return err
			}
			for _, g := range []struct {
				what string
				got  *park.Payment
				want string
			}{{"by key", byKey, c.byKey}, {"by reference", byRef, c.byRef}} {
				if g.want == "" && g.got != nil || g.want != "" && (g.got == nil || *g.got != *pays[g.want]) {
					t.Errorf("(%q, %q, %q) %s = %+v, want %s", c.key, c.payer, c.ref, g.what, g.got, g.want)
				}
			}
			return nil
		}))
	}
}

func testQuotesAndPayments(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, newStay("L1", "s1", "K1", "1000000001")) }))
	q := &park.Quote{ID: "q1", StayID: "s1", LotCode: "L1", AmountDue: 700, Total: 700, Currency: "CNY",
		ComputedAt: base, ExpiresAt: base.Add(5 * time.Minute),
		Lines: []park.Line{{From: base, To: base.Add(time.Hour), Label: "first hour", Amount: 500}, {From: base.Add(time.Hour), To: base.Add(90 * time.Minute), Label: "30 min", Amount: 200}}}
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertQuote(ctx, q) }))
	var gotQ *park.Quote
	must(t, s.View(ctx, func(tx park.Tx) (err error) { gotQ, err = tx.GetQuote(ctx, "q1"); return }))
	if gotQ.AmountDue != 700 || len(gotQ.Lines) != 2 || gotQ.Lines[1].Amount != 200 || !gotQ.Lines[1].To.Equal(q.Lines[1].To) || !gotQ.ExpiresAt.Equal(q.ExpiresAt) {
		t.Fatalf("quote %+v", gotQ)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertQuote(ctx, &park.Quote{ID: "q2", StayID: "nope", Lines: []park.Line{}})
	}), park.ENotFound)

	p := &park.Payment{ID: "p1", QuoteID: "q1", StayID: "s1", LotCode: "L1", Amount: 700, Currency: "CNY", Method: "cash",
		Payer: "app", Reference: "ref-1", IdempotencyKey: "key-1", PaidAt: base, PaidUntil: base.Add(15 * time.Minute)}
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertPayment(ctx, p) }))
	must(t, s.View(ctx, func(tx park.Tx) error {
		for _, get := range []func() (*park.Payment, error){
			func() (*park.Payment, error) { return tx.GetPayment(ctx, "p1") },
			func() (*park.Payment, error) { return tx.GetPaymentByQuote(ctx, "q1") },
			func() (*park.Payment, error) { return tx.GetPaymentByKey(ctx, "key-1") },
			func() (*park.Payment, error) { return tx.GetPaymentByReference(ctx, "app", "ref-1") },
		} {
			got, err := get()
			if err != nil {
				return err
			}
			if *got != *p {
				return fmt.Errorf("got %+v, want %+v", got, p)
			}
		}
		return nil
	}))
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertQuote(ctx, &park.Quote{ID: "q2", StayID: "s1", Lines: []park.Line{}})
	}))
	for name, dup := range map[string]park.Payment{
		"same quote":     {ID: "p2", QuoteID: "q1", StayID: "s1"},
		"same key":       {ID: "p3", QuoteID: "q2", StayID: "s1", IdempotencyKey: "key-1"},
		"same reference": {ID: "p4", QuoteID: "q2", StayID: "s1", Payer: "app", Reference: "ref-1"},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, update(t, s, func(tx park.Tx) error { return tx.InsertPayment(ctx, &dup) }), park.EConflict)
		})
	}
	// Empty keys and references never collide with each other.
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertPayment(ctx, &park.Payment{ID: "p5", QuoteID: "q2", StayID: "s1", Payer: "app"})
	}))
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetPaymentByKey(ctx, ""); return err }), park.ENotFound)
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetPaymentByReference(ctx, "app", ""); return err }), park.ENotFound)
	must(t, s.View(ctx, func(tx park.Tx) error {
		ps, err := tx.ListStayPayments(ctx, "s1")
		if err != nil {
			return err
		}
		if len(ps) != 2 || ps[0].ID != "p5" || ps[1].ID != "p1" { // p5 was recorded with no time
			return fmt.Errorf("stay payments %+v, want p5 then p1, by time", ps)
		}
		if ps, err := tx.ListStayPayments(ctx, "nope"); err != nil || len(ps) != 0 {
			return fmt.Errorf("payments of an unknown stay: %v, %v", ps, err)
		}
		return nil
	}))
	must(t, s.View(ctx, func(tx park.Tx) error {
		qs, err := tx.ListStayQuotes(ctx, "s1", 10)
		if err != nil {
			return err
		}
		if len(qs) != 2 || qs[0].ID != "q1" || qs[1].ID != "q2" || qs[0].AmountDue != 700 || !qs[0].ExpiresAt.Equal(q.ExpiresAt) {
			return fmt.Errorf("stay quotes %+v, want q1 then q2 (recorded with no time), newest first", qs)
		}
		if qs, err := tx.ListStayQuotes(ctx, "s1", 1); err != nil || len(qs) != 1 || qs[0].ID != "q1" {
			return fmt.Errorf("the newest stay quote: %+v, %v", qs, err)
		}
		if qs, err := tx.ListStayQuotes(ctx, "nope", 10); err != nil || len(qs) != 0 {
			return fmt.Errorf("quotes of an unknown stay: %v, %v", qs, err)
		}
		return nil
	}))
	t.Run("DeleteExpiredQuotes", func(t *testing.T) {
		// q1 and q2 are paid; q3 is unpaid and expired; q4 is unpaid and still valid.
		must(t, update(t, s, func(tx park.Tx) error {
			if err := tx.InsertQuote(ctx, &park.Quote{ID: "q3", StayID: "s1", ExpiresAt: base.Add(time.Minute), Lines: []park.Line{}}); err != nil {
				return err
			}
			return tx.InsertQuote(ctx, &park.Quote{ID: "q4", StayID: "s1", ExpiresAt: base.Add(time.Hour), Lines: []park.Line{}})
		}))
		var n int
		must(t, update(t, s, func(tx park.Tx) (err error) {
			n, err = tx.DeleteExpiredQuotes(ctx, base.Add(30*time.Minute), 100)
			return
		}))
		if n != 1 {
			t.Fatalf("deleted %d quotes, want 1 (only the unpaid expired one)", n)
		}
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetQuote(ctx, "q3"); return err }), park.ENotFound)
		for _, id := range []string{"q1", "q4"} {
			must(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetQuote(ctx, id); return err }))
		}
	})
}

func testPasses(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	p := &park.Pass{ID: "p1", LotCode: "L1", HolderName: "张伟", Mobile: "18679681247", UserCode: "U1",
		Plates: []string{"京A12345", "京AD12345"}, PlateKeys: []string{"京A12345", "京AD12345"}, Spaces: 1,
		ValidFrom: base, ValidTo: base.AddDate(0, 1, 0), Plan: "m", CreatedAt: base, UpdatedAt: base, CreatedAs: `{"holder":"张伟"}`, CreatedKey: "k-create-1"}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePass(ctx, p) }))
	get := func(id string) (*park.Pass, error) {
		var got *park.Pass
		err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetPass(ctx, id); return })
		return got, err
	}
	got, err := get("p1")
	must(t, err)
	if fmt.Sprint(got.Plates) != fmt.Sprint(p.Plates) || got.Spaces != 1 || got.Mobile != p.Mobile || !got.ValidTo.Equal(p.ValidTo) ||
		got.CreatedAs != p.CreatedAs || got.CreatedKey != p.CreatedKey {
		t.Fatalf("got %+v", got)
	}
	byKey := func(lot, key string) (*park.Pass, error) {
		var got *park.Pass
		err := s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.FindPassByCreatedKey(ctx, lot, key); return })
		return got, err
	}
	if got, err := byKey("L1", "k-create-1"); err != nil || got.ID != "p1" {
		t.Fatalf("by created key: %+v, %v", got, err)
	}
	for _, c := range [][2]string{{"L1", "k-other"}, {"L2", "k-create-1"}, {"L1", ""}} {
		if _, err := byKey(c[0], c[1]); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("by created key %q in %s: %v, want not found", c[1], c[0], err)
		}
	}
	var byPlate *park.Pass
	must(t, s.View(ctx, func(tx park.Tx) (err error) { byPlate, err = tx.FindPassByPlate(ctx, "L1", "京AD12345"); return }))
	if byPlate.ID != "p1" {
		t.Fatalf("by plate: %s", byPlate.ID)
	}
	t.Run("PlateHeldByAnotherPass", func(t *testing.T) {
		p2 := *p
		p2.ID, p2.Plates, p2.PlateKeys = "p2", []string{"京A12345"}, []string{"京A12345"}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreatePass(ctx, &p2) }), park.EConflict)
		if _, err := get("p2"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("a refused pass was half stored: %v", err)
		}
	})
	t.Run("UpdateReplacesPlates", func(t *testing.T) {
		// What the create asked for is the create's: an update keeps it.
		p.Plates, p.PlateKeys, p.HolderName, p.CreatedAs, p.CreatedKey = []string{"京B54321"}, []string{"京B54321"}, "李娜", "", ""
		must(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePass(ctx, p) }))
		got, err := get("p1")
		must(t, err)
		if fmt.Sprint(got.Plates) != "[京B54321]" || got.HolderName != "李娜" || got.CreatedAs != `{"holder":"张伟"}` ||
			got.CreatedKey != "k-create-1" {
			t.Fatalf("got %+v", got)
		}
		// Its create still finds it, whatever its plates became.
		if got, err := byKey("L1", "k-create-1"); err != nil || got.ID != "p1" {
			t.Fatalf("by created key after the edit: %+v, %v", got, err)
		}
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.FindPassByPlate(ctx, "L1", "京A12345"); return err }), park.ENotFound)
	})
	t.Run("CountInside", func(t *testing.T) {
		st := newStay("L1", "s1", "京B54321", "1000000001")
		st.PassID = "p1"
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertStay(ctx, st) }))
		var n int
		must(t, s.View(ctx, func(tx park.Tx) (err error) { n, err = tx.CountInsideForPass(ctx, "p1"); return }))
		if n != 1 {
			t.Fatalf("inside %d", n)
		}
	})
	t.Run("List", func(t *testing.T) {
		// Each pass with its own plates in their order (not the keys'),
		// a pass of another lot not listed.
		seedLot(t, s, "L2")
		p3 := &park.Pass{ID: "p3", LotCode: "L1", HolderName: "C", Plates: []string{"京Z22222", "京A11111", "京M33333"},
			PlateKeys: []string{"京Z22222", "京A11111", "京M33333"}, Spaces: 1, ValidFrom: base, ValidTo: base.AddDate(0, 1, 0),
			CreatedAt: base, UpdatedAt: base}
		p4 := &park.Pass{ID: "p0", LotCode: "L2", HolderName: "D", Plates: []string{"京B54321"}, PlateKeys: []string{"京B54321"},
			Spaces: 1, ValidFrom: base, ValidTo: base.AddDate(0, 1, 0), CreatedAt: base, UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error {
			if err := tx.CreatePass(ctx, p3); err != nil {
				return err
			}
			return tx.CreatePass(ctx, p4)
		}))
		var ps []*park.Pass
		must(t, s.View(ctx, func(tx park.Tx) (err error) { ps, err = tx.ListPasses(ctx, "L1"); return }))
		if len(ps) != 2 || ps[0].ID != "p1" || fmt.Sprint(ps[0].Plates) != "[京B54321]" || ps[1].ID != "p3" ||
			fmt.Sprint(ps[1].Plates) != "[京Z22222 京A11111 京M33333]" || fmt.Sprint(ps[1].PlateKeys) != "[京Z22222 京A11111 京M33333]" {
			t.Fatalf("list %+v", ps)
		}
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePass(ctx, "p3") }))
	})
	t.Run("Delete", func(t *testing.T) {
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePass(ctx, "p1") }))
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.FindPassByPlate(ctx, "L1", "京B54321"); return err }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeletePass(ctx, "p1") }), park.ENotFound)
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePass(ctx, p) }), park.ENotFound)
	})
}

func testWhitelist(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	w := &park.WhitelistEntry{ID: "w1", LotCode: "L1", Plate: "沪B88888", PlateKey: "沪B88888", Kind: park.AccessAllow,
		Category: park.ListHotel, ValidFrom: base, ValidTo: base.AddDate(1, 0, 0), Reason: "staff", CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateWhitelist(ctx, w) }))
	dup := *w
	dup.ID = "w2"
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateWhitelist(ctx, &dup) }), park.EConflict)
	var got *park.WhitelistEntry
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.FindWhitelist(ctx, "L1", "沪B88888"); return }))
	if *got != *w {
		t.Fatalf("got %+v, want %+v", got, w)
	}
	w.Kind, w.Category, w.Reason = park.AccessDeny, park.ListSpecial, "blacklist"
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateWhitelist(ctx, w) }))
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetWhitelist(ctx, "w1"); return }))
	if got.Kind != park.AccessDeny || got.Category != park.ListSpecial || got.Reason != "blacklist" {
		t.Fatalf("got %+v", got)
	}
	var all []*park.WhitelistEntry
	must(t, s.View(ctx, func(tx park.Tx) (err error) { all, err = tx.ListWhitelist(ctx, "L1"); return }))
	if len(all) != 1 {
		t.Fatalf("list %d", len(all))
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteWhitelist(ctx, "w1") }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteWhitelist(ctx, "w1") }), park.ENotFound)
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.FindWhitelist(ctx, "L1", "沪B88888"); return err }), park.ENotFound)
}

// A plate has one entry per lot: a deny entry, or an entry changed onto
// a plate, that another entry of the lot holds is refused as a conflict
// on field plate (not a lost race), on every store alike, so that any
// transport can say which input clashed.
func testWhitelistPlateTaken(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	entry := func(id, plate, kind string) *park.WhitelistEntry {
		return &park.WhitelistEntry{ID: id, LotCode: "L1", Plate: plate, PlateKey: plate, Kind: kind, Category: park.ListWhite,
			ValidFrom: base, ValidTo: base.AddDate(1, 0, 0), CreatedAt: base, UpdatedAt: base}
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateWhitelist(ctx, entry("w1", "沪B88888", park.AccessAllow)) }))
	other := entry("w2", "沪B99999", park.AccessAllow)
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateWhitelist(ctx, other) }))
	wantPlate := func(t *testing.T, err error) {
		t.Helper()
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EConflict || pe.Field != "plate" || pe.Stale {
			t.Fatalf("got %#v, want a conflict on field plate, not stale", err)
		}
	}
	t.Run("Create", func(t *testing.T) {
		wantPlate(t, update(t, s, func(tx park.Tx) error { return tx.CreateWhitelist(ctx, entry("w3", "沪B88888", park.AccessDeny)) }))
		wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetWhitelist(ctx, "w3"); return err }), park.ENotFound)
	})
	t.Run("Update", func(t *testing.T) {
		moved := *other
		moved.Plate, moved.PlateKey = "沪B88888", "沪B88888"
		wantPlate(t, update(t, s, func(tx park.Tx) error { return tx.UpdateWhitelist(ctx, &moved) }))
		var got *park.WhitelistEntry
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetWhitelist(ctx, "w2"); return }))
		if got.PlateKey != "沪B99999" {
			t.Fatalf("the refused change was kept: %+v", got)
		}
	})
}

func testRollback(t *testing.T, s park.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := update(t, s, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, newLot("L1")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetLot(ctx, "L1"); return err }), park.ENotFound)
}

// testNoLostUpdate: read-modify-write transactions from many goroutines
// either apply on top of each other or fail with EConflict; none is lost.
func testNoLostUpdate(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Update(ctx, func(tx park.Tx) error {
				l, err := tx.GetLot(ctx, "L1")
				if err != nil {
					return err
				}
				l.Capacity++
				return tx.UpdateLot(ctx, l)
			})
		}()
	}
	wg.Wait()
	close(errs)
	applied := 0
	for err := range errs {
		switch {
		case err == nil:
			applied++
		case !park.IsCode(err, park.EConflict):
			t.Fatalf("unexpected error %v", err)
		}
	}
	var l *park.Lot
	must(t, s.View(ctx, func(tx park.Tx) (err error) { l, err = tx.GetLot(ctx, "L1"); return }))
	if applied == 0 || l.Capacity != 10+applied {
		t.Fatalf("capacity %d after %d successful increments from 10: an update was lost", l.Capacity, applied)
	}
}

// testVersions: an update based on a stale read is refused with EConflict
// and changes nothing; a fresh one succeeds and bumps the version.
func testVersions(t *testing.T, s park.Store) {
	ctx := context.Background()
	l := seedLot(t, s, "L1")
	if l.Version != 1 {
		t.Fatalf("new lot version %d, want 1", l.Version)
	}
	st := newStay("L1", "s1", "K1", "1000000001")
	p := &park.Pass{ID: "p1", LotCode: "L1", HolderName: "A", Plates: []string{"K1"}, PlateKeys: []string{"K1"}, Spaces: 1,
		ValidFrom: base, ValidTo: base.Add(time.Hour), CreatedAt: base, UpdatedAt: base}
	w := &park.WhitelistEntry{ID: "w1", LotCode: "L1", Plate: "K2", PlateKey: "K2", Kind: park.AccessAllow,
		ValidFrom: base, ValidTo: base.Add(time.Hour), CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.InsertStay(ctx, st); err != nil {
			return err
		}
		if err := tx.CreatePass(ctx, p); err != nil {
			return err
		}
		return tx.CreateWhitelist(ctx, w)
	}))
	stale := func() (park.Lot, park.Stay, park.Pass, park.WhitelistEntry) { return *l, *st, *p, *w }
	sl, ss, sp, sw := stale()
	// First writers win and bump versions.
	l.Name, st.Total, p.HolderName, w.Reason = "new", 100, "B", "r"
	must(t, update(t, s, func(tx park.Tx) error {
		for _, err := range []error{tx.UpdateLot(ctx, l), tx.UpdateStay(ctx, st), tx.UpdatePass(ctx, p), tx.UpdateWhitelist(ctx, w)} {
			if err != nil {
				return err
			}
		}
		return nil
	}))
	if l.Version != 2 || st.Version != 2 || p.Version != 2 || w.Version != 2 {
		t.Fatalf("versions after one update: %d %d %d %d, want 2", l.Version, st.Version, p.Version, w.Version)
	}
	// Writers holding the old versions lose.
	sl.Name, ss.Total, sp.HolderName, sw.Reason = "stale", 1, "stale", "stale"
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateLot(ctx, &sl) }), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateStay(ctx, &ss) }), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePass(ctx, &sp) }), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateWhitelist(ctx, &sw) }), park.EConflict)
	must(t, s.View(ctx, func(tx park.Tx) error {
		gl, err := tx.GetLot(ctx, "L1")
		if err != nil {
			return err
		}
		gs, err := tx.GetStay(ctx, "s1")
		if err != nil {
			return err
		}
		gp, err := tx.GetPass(ctx, "p1")
		if err != nil {
			return err
		}
		gw, err := tx.GetWhitelist(ctx, "w1")
		if err != nil {
			return err
		}
		if gl.Name != "new" || gs.Total != 100 || gp.HolderName != "B" || gw.Reason != "r" || gl.Version != 2 {
			return fmt.Errorf("a stale update changed data: %s %d %s %s v%d", gl.Name, gs.Total, gp.HolderName, gw.Reason, gl.Version)
		}
		return nil
	}))
	// Occupancy changes do not touch the version.
	must(t, update(t, s, func(tx park.Tx) error { return tx.AddOccupied(ctx, "L1", 1) }))
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateLot(ctx, l) }))
}

func testTimePrecision(t *testing.T, s park.Store) {
	ctx := context.Background()
	l := newLot("L1")
	l.CreatedAt = time.Date(2026, 3, 8, 2, 30, 0, 999999000, time.FixedZone("x", -5*3600))
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateLot(ctx, l) }))
	var got *park.Lot
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetLot(ctx, "L1"); return }))
	if !got.CreatedAt.Equal(l.CreatedAt) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("got %v, want %v in UTC", got.CreatedAt, l.CreatedAt)
	}
}
