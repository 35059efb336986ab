package storetest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

func testChargers(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	hb := base.Add(987654321 * time.Nanosecond)
	c := &park.Charger{ID: "CP-2", LotCode: "L1", SpaceCode: "B1-001", Family: park.FamilyCar, Type: "ac-7kw", Connectors: 2,
		StandardID: 7, Availability: park.ChargerOperative, PasswordHash: "hash-1", Online: true, LastHeartbeat: &hb,
		Connection: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
		Firmware:   "1.0", Ports: []park.ConnectorState{{Connector: 1, Status: "Available", At: hb}},
		CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCharger(ctx, c) }))
	if c.Version != 1 {
		t.Fatalf("version %d after create, want 1", c.Version)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateCharger(ctx, &park.Charger{ID: "CP-2", LotCode: "L2"}) }), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.CreateCharger(ctx, &park.Charger{ID: "CP-9", LotCode: "nope"}) }), park.ENotFound)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateCharger(ctx, &park.Charger{ID: "CP-1", LotCode: "L2", Connectors: 10, CreatedAt: base, UpdatedAt: base})
	}))

	get := func(id string) *park.Charger {
		t.Helper()
		var got *park.Charger
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetCharger(ctx, id); return }))
		return got
	}
	got := get("CP-2")
	if got.PasswordHash != "hash-1" || got.Version != 1 || !got.LastHeartbeat.Equal(hb.Truncate(park.Precision)) ||
		got.LastHeartbeat.Location() != time.UTC || got.SpaceCode != "B1-001" || got.Connectors != 2 || got.StandardID != 7 ||
		len(got.Ports) != 1 || got.Ports[0].Status != "Available" {
		t.Fatalf("charger read back %+v", got)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("charger read back\n%+v\nwant what was written\n%+v", got, c)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetCharger(ctx, "nope"); return err }), park.ENotFound)

	// Versioned update: the stale writer loses.
	stale := *got
	got.Online, got.PasswordHash = false, "hash-2"
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCharger(ctx, got) }))
	if got.Version != 2 {
		t.Fatalf("version %d after update", got.Version)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateCharger(ctx, &stale) }), park.EConflict)
	if g := get("CP-2"); g.Online || g.PasswordHash != "hash-2" {
		t.Fatalf("after update %+v", g)
	}

	var all, l2 []*park.Charger
	must(t, s.View(ctx, func(tx park.Tx) (err error) { all, err = tx.ListChargers(ctx, ""); return }))
	must(t, s.View(ctx, func(tx park.Tx) (err error) { l2, err = tx.ListChargers(ctx, "L2"); return }))
	if len(all) != 2 || all[0].ID != "CP-1" || all[1].ID != "CP-2" || len(l2) != 1 || l2[0].ID != "CP-1" {
		t.Fatalf("lists %d %d", len(all), len(l2))
	}
}

// testSilentChargers: the chargers recorded online and last seen before a
// time, by id, in pages; offline and retired ones never, whatever their
// last heartbeat, and a charger seen again drops out.
func testSilentChargers(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	at := func(min int) *time.Time { v := base.Add(time.Duration(min) * time.Minute); return &v }
	for _, c := range []*park.Charger{
		{ID: "A-old", Online: true, LastHeartbeat: at(0)},
		{ID: "B-never", Online: true},
		{ID: "C-fresh", Online: true, LastHeartbeat: at(10)},
		{ID: "D-offline", LastHeartbeat: at(0)},
		{ID: "E-retired", Online: true, LastHeartbeat: at(0), Retired: at(1)},
		{ID: "F-old", Online: true, LastHeartbeat: at(4)},
	} {
		c.LotCode, c.CreatedAt, c.UpdatedAt = "L1", base, base
		must(t, update(t, s, func(tx park.Tx) error { return tx.CreateCharger(ctx, c) }))
	}
	silent := func(before time.Time, after string, limit int) string {
		t.Helper()
		var cs []*park.Charger
		must(t, s.View(ctx, func(tx park.Tx) (err error) { cs, err = tx.ListSilentChargers(ctx, before, after, limit); return }))
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return strings.Join(ids, " ")
	}
	if got := silent(*at(5), "", 10); got != "A-old B-never F-old" {
		t.Fatalf("silent before 5 min: %q", got)
	}
	if got := silent(*at(4), "", 10); got != "A-old B-never" {
		t.Fatalf("silent before 4 min (F seen at 4 is not): %q", got)
	}
	if got := silent(*at(5), "A-old", 1); got != "B-never" {
		t.Fatalf("the page after A-old: %q", got)
	}
	// Seen again, and another gone offline: neither is silent.
	var a, f *park.Charger
	must(t, update(t, s, func(tx park.Tx) (err error) {
		if a, err = tx.GetCharger(ctx, "A-old"); err != nil {
			return err
		}
		if f, err = tx.GetCharger(ctx, "F-old"); err != nil {
			return err
		}
		a.LastHeartbeat, f.Online = at(20), false
		if err := tx.UpdateCharger(ctx, a); err != nil {
			return err
		}
		return tx.UpdateCharger(ctx, f)
	}))
	if got := silent(*at(5), "", 10); got != "B-never" {
		t.Fatalf("silent after updates: %q", got)
	}
}

func testPriceStandards(t *testing.T, s park.Store) {
	ctx := context.Background()
	rules := park.ChargeRules{Kind: "time", MaxMinutes: 960, Payment: "prepaid", RefundTo: "payment",
		Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 240}}}
	seed := &park.PriceStandard{ID: 19464, Name: "固定金额-1元240分钟", Display: "time", Rules: rules, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePriceStandard(ctx, seed) }))
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreatePriceStandard(ctx, &park.PriceStandard{ID: 19464, Name: "again"})
	}), park.EConflict)
	car := &park.PriceStandard{Name: "car", Family: park.FamilyCar, Rules: park.ChargeRules{Kind: "energy"}, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePriceStandard(ctx, car) }))
	if car.ID != 19465 {
		t.Fatalf("next id %d, want 19465 (one above the highest)", car.ID)
	}
	var got *park.PriceStandard
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetPriceStandard(ctx, 19464); return }))
	if !reflect.DeepEqual(got, seed) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, seed)
	}
	list := func(f park.PriceStandardFilter) (ids []int64, n int) {
		t.Helper()
		must(t, s.View(ctx, func(tx park.Tx) error {
			ps, err := tx.ListPriceStandards(ctx, f)
			for _, p := range ps {
				ids = append(ids, p.ID)
			}
			if err == nil {
				n, err = tx.CountPriceStandards(ctx, f)
			}
			return err
		}))
		return
	}
	if ids, n := list(park.PriceStandardFilter{Family: -1, Limit: 10}); len(ids) != 2 || n != 2 || ids[0] != 19464 {
		t.Fatalf("all: %v %d", ids, n)
	}
	if ids, n := list(park.PriceStandardFilter{Family: 1, Limit: 10}); len(ids) != 1 || ids[0] != 19465 || n != 1 {
		t.Fatalf("cars: %v %d", ids, n)
	}
	if ids, n := list(park.PriceStandardFilter{Name: "固定金额-1元240分钟", Family: -1, Limit: 10}); len(ids) != 1 || n != 1 {
		t.Fatalf("by name: %v %d", ids, n)
	}
	if ids, n := list(park.PriceStandardFilter{Family: -1, AfterID: 19464, Limit: 1}); len(ids) != 1 || ids[0] != 19465 || n != 2 {
		t.Fatalf("page 2: %v %d", ids, n)
	}
	got.Name = "renamed"
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePriceStandard(ctx, got) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePriceStandard(ctx, seed) }), park.EConflict)
	// The version an update replaced is kept, as it was; the current one
	// is not a kept version.
	version := func(id, v int64) (*park.PriceStandard, error) {
		var p *park.PriceStandard
		err := s.View(ctx, func(tx park.Tx) (err error) { p, err = tx.GetPriceStandardVersion(ctx, id, v); return })
		return p, err
	}
	if v1, err := version(19464, 1); err != nil || !reflect.DeepEqual(v1, seed) {
		t.Fatalf("version 1: %+v, %v; want\n%+v", v1, err, seed)
	}
	_, err := version(19464, 2)
	wantCode(t, err, park.ENotFound)
	other := &park.PriceStandard{}
	must(t, s.View(ctx, func(tx park.Tx) (err error) { other, err = tx.GetPriceStandard(ctx, 19465); return }))
	other.Remark = "edited"
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdatePriceStandard(ctx, other) }))
	if _, err := version(19465, 1); err != nil {
		t.Fatal(err)
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeletePriceStandard(ctx, 19465) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeletePriceStandard(ctx, 19465) }), park.ENotFound)
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetPriceStandard(ctx, 19465); return err }), park.ENotFound)
	_, err = version(19465, 1) // a later standard with the id has none of its versions
	wantCode(t, err, park.ENotFound)
}

func testChargeSessions(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateCharger(ctx, &park.Charger{ID: "CP", LotCode: "L1", Connectors: 2, CreatedAt: base, UpdatedAt: base})
	}))
	started := base.Add(time.Minute)
	a := &park.ChargeSession{ID: "S1", ChargerID: "CP", Connector: 1, LotCode: "L1", StandardID: 1, Status: park.SessionPending,
		Source: park.SourcePartner, PartnerID: "p1", Prepaid: 300, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.InsertChargeSession(ctx, a) }))
	// One open session per connector.
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S2", ChargerID: "CP", Connector: 1, Status: park.SessionCharging, UpdatedAt: base})
	}), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S9", ChargerID: "nope", Connector: 1, Status: park.SessionPending, UpdatedAt: base})
	}), park.ENotFound)

	var open *park.ChargeSession
	must(t, s.View(ctx, func(tx park.Tx) (err error) { open, err = tx.OpenChargeSession(ctx, "CP", 1); return }))
	if open.ID != "S1" || open.Prepaid != 300 || open.PartnerID != "p1" {
		t.Fatalf("open %+v", open)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.OpenChargeSession(ctx, "CP", 2); return err }), park.ENotFound)

	open.Status, open.TransactionID, open.StartedAt, open.MeterStart = park.SessionCharging, 42, &started, 1000
	open.UpdatedAt = started
	// A reading a minute for 150 minutes, then one that comes late (a
	// charger's stored transaction data): in 61 calls of 1, 1 of 89
	// (more than a chunk holds) and 1 of 1; the fourth's time is kept to
	// the microsecond.
	var want []park.MeterReading
	for i := range 150 {
		want = append(want, park.MeterReading{At: started.Add(time.Duration(i+1) * time.Minute), EnergyWh: 1100 + int64(i)*10, PowerW: 6000 + int64(i)})
	}
	want[3].At = want[3].At.Add(1234567 * time.Nanosecond)
	late := park.MeterReading{At: started.Add(30 * time.Second), EnergyWh: 1050}
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.UpdateChargeSession(ctx, open); err != nil {
			return err
		}
		return tx.AddChargeReadings(ctx, "S1", want[:1])
	}))
	for i := 1; i < 61; i++ {
		must(t, update(t, s, func(tx park.Tx) error { return tx.AddChargeReadings(ctx, "S1", want[i:i+1]) }))
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.AddChargeReadings(ctx, "S1", want[61:]) }))
	must(t, update(t, s, func(tx park.Tx) error { return tx.AddChargeReadings(ctx, "S1", []park.MeterReading{late}) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.AddChargeReadings(ctx, "S404", []park.MeterReading{late}) }), park.ENotFound)
	want[3].At = want[3].At.Truncate(time.Microsecond)
	open.Readings = append([]park.MeterReading{late}, want...)
	var byTx *park.ChargeSession
	must(t, s.View(ctx, func(tx park.Tx) (err error) { byTx, err = tx.GetChargeSessionByTransaction(ctx, "CP", 42); return }))
	if !reflect.DeepEqual(byTx, open) {
		t.Fatalf("by transaction\n%+v\nwant\n%+v", byTx, open)
	}
	// Listed sessions hold their readings too.
	var listed []*park.ChargeSession
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		listed, err = tx.ListChargeSessions(ctx, park.ChargeSessionFilter{ChargerID: "CP", Limit: 10})
		return
	}))
	if len(listed) != 1 || !reflect.DeepEqual(listed[0].Readings, open.Readings) {
		t.Fatalf("listed %+v, want S1 with readings %+v", listed, open.Readings)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetChargeSessionByTransaction(ctx, "CP", 43); return err }), park.ENotFound)
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetChargeSessionByTransaction(ctx, "CP", 0); return err }), park.ENotFound)
	// A transaction id names one session of a charger.
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S3", ChargerID: "CP", Connector: 2, TransactionID: 42,
			Status: park.SessionCharging, UpdatedAt: base})
	}), park.EConflict)

	// Ended: the connector is free again.
	ended := started.Add(time.Hour)
	open.Status, open.EndedAt, open.UpdatedAt, open.EndReason = park.SessionEnded, &ended, ended, park.EndFull
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateChargeSession(ctx, open) }))
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S4", ChargerID: "CP", Connector: 1, Status: park.SessionPending,
			PartnerID: "p2", CreatedAt: ended, UpdatedAt: ended.Add(time.Second)})
	}))

	// By plate: S4 charged 粤B12345 in L1.
	must(t, update(t, s, func(tx park.Tx) error {
		x, err := tx.GetChargeSession(ctx, "S4")
		if err != nil {
			return err
		}
		x.Status, x.UpdatedAt = park.SessionFailed, ended.Add(2*time.Second)
		if err := tx.UpdateChargeSession(ctx, x); err != nil {
			return err
		}
		return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: "S5", ChargerID: "CP", Connector: 2, LotCode: "L1",
			PlateKey: "粤B12345", Status: park.SessionCharging, UpdatedAt: ended.Add(3 * time.Second)})
	}))
	var byPlate, other []*park.ChargeSession
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		byPlate, err = tx.ChargeSessionsOfPlate(ctx, "L1", "粤B12345", 10)
		return
	}))
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		other, err = tx.ChargeSessionsOfPlate(ctx, "L2", "粤B12345", 10)
		return
	}))
	if len(byPlate) != 1 || byPlate[0].ID != "S5" || byPlate[0].PlateKey != "粤B12345" || len(other) != 0 {
		t.Fatalf("by plate %d %d", len(byPlate), len(other))
	}

	list := func(f park.ChargeSessionFilter) (ids []string, n int) {
		t.Helper()
		must(t, s.View(ctx, func(tx park.Tx) error {
			ss, err := tx.ListChargeSessions(ctx, f)
			for _, x := range ss {
				ids = append(ids, x.ID)
			}
			if err == nil {
				n, err = tx.CountChargeSessions(ctx, f)
			}
			return err
		}))
		return
	}
	if ids, n := list(park.ChargeSessionFilter{Limit: 10}); len(ids) != 3 || ids[0] != "S1" || ids[1] != "S4" || n != 3 {
		t.Fatalf("all %v %d", ids, n)
	}
	if ids, n := list(park.ChargeSessionFilter{PartnerID: "p1", Limit: 10}); len(ids) != 1 || n != 1 {
		t.Fatalf("p1 %v %d", ids, n)
	}
	if ids, n := list(park.ChargeSessionFilter{Status: park.SessionFailed, Limit: 10}); len(ids) != 1 || ids[0] != "S4" || n != 1 {
		t.Fatalf("failed %v %d", ids, n)
	}
	// S1 ended with a full battery, S4 never started, S5 is charging.
	if ids, n := list(park.ChargeSessionFilter{Outcome: park.OutcomeNormal, Limit: 10}); len(ids) != 1 || ids[0] != "S1" || n != 1 {
		t.Fatalf("normal end %v %d", ids, n)
	}
	if ids, n := list(park.ChargeSessionFilter{Outcome: park.OutcomeAbnormal, Limit: 10}); len(ids) != 1 || ids[0] != "S4" || n != 1 {
		t.Fatalf("abnormal end %v %d", ids, n)
	}
	if ids, n := list(park.ChargeSessionFilter{UpdatedFrom: ended, UpdatedTo: ended.Add(time.Second), Limit: 10}); len(ids) != 1 || ids[0] != "S1" || n != 1 {
		t.Fatalf("window %v %d", ids, n)
	}
	if ids, _ := list(park.ChargeSessionFilter{AfterUpdated: ended, AfterID: "S1", Limit: 10}); len(ids) != 2 || ids[0] != "S4" {
		t.Fatalf("after cursor %v", ids)
	}
}

// OldChargers are charger rows as written before seen_online: online and
// seen at 10:00:00.123, online and never seen, offline, and retired.
const OldChargers = `INSERT INTO chargers (id, lot_code, password_hash, data) VALUES
 ('A', 'L1', '', '{"id":"A","online":true,"last_heartbeat":"2026-11-23T10:00:00.123Z"}'),
 ('B', 'L1', '', '{"id":"B","online":true}'),
 ('C', 'L1', '', '{"id":"C","online":false,"last_heartbeat":"2026-11-23T09:00:00Z"}'),
 ('D', 'L1', '', '{"id":"D","online":true,"last_heartbeat":"2026-11-23T09:00:00Z","retired":"2026-11-23T09:30:00Z"}')`

// CheckMigratedSilent checks that OldChargers' online chargers are found
// silent by the time they were last seen, and no others.
func CheckMigratedSilent(t *testing.T, s park.Store) {
	t.Helper()
	ctx := context.Background()
	seen := time.Date(2026, 11, 23, 10, 0, 0, 123000000, time.UTC)
	for _, c := range []struct {
		before time.Time
		want   string
	}{{seen, "B"}, {seen.Add(time.Microsecond), "A B"}} {
		var cs []*park.Charger
		must(t, s.View(ctx, func(tx park.Tx) (err error) { cs, err = tx.ListSilentChargers(ctx, c.before, "", 10); return }))
		var ids []string
		for _, ch := range cs {
			ids = append(ids, ch.ID)
		}
		if got := strings.Join(ids, " "); got != c.want {
			t.Errorf("silent before %v after the migration: %q, want %q", c.before, got, c.want)
		}
	}
}

// A charger's latest sessions come most recently changed first, a tie in
// that time by id, descending; another charger's are not among them.
func testLatestChargeSessions(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	for _, id := range []string{"CP", "CQ"} {
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateCharger(ctx, &park.Charger{ID: id, LotCode: "L1", Connectors: 1, CreatedAt: base, UpdatedAt: base})
		}))
	}
	// Inserted out of order: S1 oldest, S3 and S4 changed at the same time,
	// CQ's the newest of all.
	for _, x := range []struct {
		id, charger string
		min         int
	}{{"S3", "CP", 30}, {"S1", "CP", 10}, {"S4", "CP", 30}, {"S2", "CP", 20}, {"Q1", "CQ", 40}} {
		at := base.Add(time.Duration(x.min) * time.Minute)
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: x.id, ChargerID: x.charger, Connector: 1, LotCode: "L1",
				Status: park.SessionEnded, CreatedAt: at, UpdatedAt: at})
		}))
	}
	for _, c := range []struct {
		limit int
		want  []string
	}{{10, []string{"S4", "S3", "S2", "S1"}}, {3, []string{"S4", "S3", "S2"}}, {1, []string{"S4"}}} {
		var got []*park.ChargeSession
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.LatestChargeSessions(ctx, "CP", c.limit); return }))
		var ids []string
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("CP's latest %d: %v, want %v", c.limit, ids, c.want)
		}
	}
	var none []*park.ChargeSession
	must(t, s.View(ctx, func(tx park.Tx) (err error) { none, err = tx.LatestChargeSessions(ctx, "nope", 5); return }))
	if len(none) != 0 {
		t.Errorf("an unknown charger's latest: %d sessions, want none", len(none))
	}
}

// A lot's latest sessions, in one read: each of its chargers' newest
// (most recently changed first, a tie by id, descending), grouped by
// charger in id order; a charger without sessions adds none, and another
// lot's charger's are not among them however new.
func testLatestChargeSessionsOfLot(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	for _, c := range []struct{ id, lot string }{{"CA", "L1"}, {"CB", "L1"}, {"CC", "L1"}, {"CX", "L2"}} {
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateCharger(ctx, &park.Charger{ID: c.id, LotCode: c.lot, Connectors: 1, CreatedAt: base, UpdatedAt: base})
		}))
	}
	// Inserted out of order. CA has 8, A6 and A7 changed at the same
	// minute; CB has 2, its B2 the newest of L1; CC none; L2's CX has
	// sessions newer than all of L1's.
	for _, x := range []struct {
		id, charger, lot string
		min              int
	}{{"A3", "CA", "L1", 30}, {"A8", "CA", "L1", 70}, {"A1", "CA", "L1", 10}, {"A6", "CA", "L1", 60}, {"B2", "CB", "L1", 90},
		{"A5", "CA", "L1", 50}, {"A2", "CA", "L1", 20}, {"X1", "CX", "L2", 100}, {"A7", "CA", "L1", 60}, {"B1", "CB", "L1", 15},
		{"A4", "CA", "L1", 40}, {"X2", "CX", "L2", 5}, {"X3", "CX", "L2", 95}} {
		at := base.Add(time.Duration(x.min) * time.Minute)
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: x.id, ChargerID: x.charger, Connector: 1, LotCode: x.lot,
				Status: park.SessionEnded, CreatedAt: at, UpdatedAt: at})
		}))
	}
	for _, c := range []struct {
		lot   string
		limit int
		want  []string
	}{
		// CA: A8 (70), A7 and A6 (60, A7 first by id), A5 (50), A4 (40);
		// CB: B2 (90), B1 (15).
		{"L1", 5, []string{"A8", "A7", "A6", "A5", "A4", "B2", "B1"}},
		{"L1", 1, []string{"A8", "B2"}},
		{"L2", 5, []string{"X1", "X3", "X2"}},
		{"L3", 5, nil},
	} {
		var got []*park.ChargeSession
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.LatestChargeSessionsOfLot(ctx, c.lot, c.limit); return }))
		var ids []string
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if !slices.Equal(ids, c.want) {
			t.Errorf("%s's latest %d of each charger: %v, want %v", c.lot, c.limit, ids, c.want)
		}
	}
}

// Every list of sessions gives each session its own readings, oldest
// first, whatever the others hold: none, one, three (one of them added
// later but taken earlier) or 62 in two chunks.
func testListedSessionReadings(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	for _, id := range []string{"CA", "CB"} {
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.CreateCharger(ctx, &park.Charger{ID: id, LotCode: "L1", Connectors: 1, CreatedAt: base, UpdatedAt: base})
		}))
	}
	// Session n's readings are worth n*1000 + i Wh, so one session's
	// cannot pass for another's.
	reading := func(n, i int) park.MeterReading {
		return park.MeterReading{At: base.Add(time.Duration(i) * time.Minute), EnergyWh: int64(n*1000 + i), PowerW: int64(n)}
	}
	sessions := []struct {
		id, charger string
		n           int
		first       []int // the minutes of the readings inserted with it
		later       [][]int
		want        []int // the minutes listed, in order
	}{
		{"S0", "CA", 1, nil, nil, nil},
		{"S1", "CB", 2, []int{5}, nil, []int{5}},
		{"S3", "CA", 3, []int{2, 7}, [][]int{{1}}, []int{1, 2, 7}},
		{"S62", "CB", 4, nil, [][]int{seq(10, 70), {9}}, seq(9, 70)},
	}
	for i, x := range sessions {
		var rs []park.MeterReading
		for _, m := range x.first {
			rs = append(rs, reading(x.n, m))
		}
		at := base.Add(time.Duration(i) * time.Second)
		must(t, update(t, s, func(tx park.Tx) error {
			return tx.InsertChargeSession(ctx, &park.ChargeSession{ID: x.id, ChargerID: x.charger, Connector: 1, LotCode: "L1",
				PlateKey: "粤B12345", Status: park.SessionEnded, CreatedAt: at, UpdatedAt: at, Readings: rs})
		}))
		for _, ms := range x.later {
			var rs []park.MeterReading
			for _, m := range ms {
				rs = append(rs, reading(x.n, m))
			}
			must(t, update(t, s, func(tx park.Tx) error { return tx.AddChargeReadings(ctx, x.id, rs) }))
		}
	}
	lists := map[string]func(tx park.Tx) ([]*park.ChargeSession, error){
		"ListChargeSessions": func(tx park.Tx) ([]*park.ChargeSession, error) {
			return tx.ListChargeSessions(ctx, park.ChargeSessionFilter{Limit: 10})
		},
		"LatestChargeSessionsOfLot": func(tx park.Tx) ([]*park.ChargeSession, error) { return tx.LatestChargeSessionsOfLot(ctx, "L1", 10) },
		"ChargeSessionsOfPlate": func(tx park.Tx) ([]*park.ChargeSession, error) {
			return tx.ChargeSessionsOfPlate(ctx, "L1", "粤B12345", 10)
		},
		"LatestChargeSessions CA+CB": func(tx park.Tx) ([]*park.ChargeSession, error) {
			a, err := tx.LatestChargeSessions(ctx, "CA", 10)
			if err != nil {
				return nil, err
			}
			b, err := tx.LatestChargeSessions(ctx, "CB", 10)
			return append(a, b...), err
		},
	}
	for name, list := range lists {
		var got []*park.ChargeSession
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = list(tx); return }))
		if len(got) != len(sessions) {
			t.Errorf("%s: %d sessions, want %d", name, len(got), len(sessions))
		}
		for _, x := range sessions {
			i := slices.IndexFunc(got, func(g *park.ChargeSession) bool { return g.ID == x.id })
			if i < 0 {
				t.Errorf("%s: no %s", name, x.id)
				continue
			}
			var want []park.MeterReading
			for _, m := range x.want {
				want = append(want, reading(x.n, m))
			}
			if !reflect.DeepEqual(got[i].Readings, want) {
				t.Errorf("%s: %s's readings\n%+v\nwant\n%+v", name, x.id, got[i].Readings, want)
			}
		}
	}
}

// seq is from, from+1, ... to.
func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}
