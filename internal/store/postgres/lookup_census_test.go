package postgres_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"parkd/internal/billing"
	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/system"
)

// TestLookupCensus counts the statements (BEGIN and COMMIT included) and
// round trips of a partner's look-ups by plate, BENCHMARKS.md's census
// ("PostgreSQL statements per gate event", its last paragraph): in one
// lot (Ebopark's fee query) of a car inside that owes, taking a quote,
// and of a plate not inside; in every lot of the partner (Linkc's).
func TestLookupCensus(t *testing.T) {
	const lot = "140199002"
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	sys, _, c := censusSystem(t, lot, func() time.Time { return now }, "api-one")
	p, err := sys.Partners.CreatePartner(ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{lot}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lot, ID: "in", Type: park.EventEntry,
		Plate: "京A12345", Lane: "in-1", At: now.Add(-130 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	// 2 h 10 min is 5 started half hours: 5 × 2.00 = 10.00 due.
	owes := func(st *billing.StayStatus, err error) error {
		if err == nil && (st.Due != 1000 || st.Quote == nil) {
			err = fmt.Errorf("%d due, quote %v; want 1000 and a quote", st.Due, st.Quote)
		}
		return err
	}
	absent := func(_ *billing.StayStatus, err error) error {
		if !park.IsCode(err, park.ENotFound) {
			return fmt.Errorf("%v, want not found", err)
		}
		return nil
	}
	steps := []struct {
		name              string
		statements, trips int
		q                 partners.StayLookup
		want              func(*billing.StayStatus, error) error
	}{
		// The lot and the plate's records are one statement (LotAndPlate),
		// and a plate with no stay open is not looked for (FindInside):
		// before, 7 in 5, 5 in 4, 6 in 4 and 3 in 2 (GetLotSettings, then
		// FindInside, then PlateRecords for the price). The open stay
		// comes with them too: in the lot, a car inside is 6 − 1 = 5
		// statements in 4 − 1 = 3 round trips (FindInside not sent).
		{"in the lot, inside", 5, 3, partners.StayLookup{Lot: lot, Plate: "京A12345"}, owes},
		{"in the lot, not inside", 4, 3, partners.StayLookup{Lot: lot, Plate: "京B99999"}, absent},
		{"in every lot, inside", 5, 3, partners.StayLookup{Plate: "京A12345"}, owes},
		{"in every lot, not inside", 3, 2, partners.StayLookup{Plate: "京B99999"}, absent},
	}
	for _, st := range steps {
		for n := 0; n <= 3; n++ { // the first warm the prepared statements
			c.start()
			err := st.want(sys.Partners.LookupStay(ctx, p, st.q))
			trips, sql, _ := c.stop()
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if n < 3 {
				continue
			}
			t.Logf("%s: %d statements in %d round trips", st.name, len(sql), trips)
			for _, q := range sql {
				t.Logf("    %s", first(q))
			}
			if len(sql) != st.statements || trips != st.trips {
				t.Errorf("%s: %d statements in %d round trips, want %d in %d", st.name, len(sql), trips, st.statements, st.trips)
			}
		}
	}
}

// censusSystem is a system on a fresh schema whose one connection the
// census traces, with lot made (2.00 a started half hour after 15 free
// minutes, 15 minutes to leave once paid).
func censusSystem(t *testing.T, lot string, clock func() time.Time, dialects ...string) (*system.System, *postgres.Store, *census) {
	t.Helper()
	url, schema := pgtest.Schema(t)
	c := &census{}
	s, err := postgres.OpenWith(ctx, url, postgres.Options{Schema: schema, MaxConns: 1}, func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = c
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sys := system.New(system.Config{Store: s, Now: clock, Barriers: device.NewMemory(), Dialects: dialects})
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: lot, Name: "census", TimeZone: "Asia/Shanghai",
		Currency: "CNY", Capacity: 100, ExitGraceMinutes: 15,
		Tariff: json.RawMessage(`{"grace_minutes":15,"every":{"minutes":30,"price":200}}`)}); err != nil {
		t.Fatal(err)
	}
	return sys, s, c
}
