package partners_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/plate"
	"parkd/internal/store/sqlite"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// BenchmarkLookupAcrossLots looks cars up by plate without naming a lot,
// as a partner registered for an operator's 300 lots does, with 20 cars
// inside each lot (6,000 in all) in one SQLite store. Every car owes
// money, so every lookup takes a quote in the single writer: the time of
// one lookup is the time it holds the writer. NamedLot is the floor:
// the same lookups naming the car's lot.
//
//	go test ./internal/partners -run XXX -bench LookupAcrossLots
func BenchmarkLookupAcrossLots(b *testing.B) {
	const lots, perLot = 300, 20
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "parkd.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC().Truncate(park.Precision)
	svc := system.New(system.Config{Store: st, Barriers: device.NewMemory(), Dialects: systemtest.Dialects,
		SignModes: systemtest.SignModes, Currencies: systemtest.Currencies})
	codes := make([]string, lots)
	for i := range codes {
		codes[i] = fmt.Sprintf("L%04d", i)
		if _, err := svc.Gate.CreateLot(ctx, &park.Lot{Code: codes[i], Name: "Lot " + codes[i], TimeZone: "Asia/Shanghai",
			Currency: "CNY", Capacity: 1000, ExitGraceMinutes: 15, QuoteTTLSeconds: 300,
			Tariff: json.RawMessage(systemtest.TestTariff)}); err != nil {
			b.Fatal(err)
		}
	}
	plates := make([]string, 0, lots*perLot)
	err = st.Update(ctx, func(tx park.Tx) error {
		for i := 0; i < lots*perLot; i++ {
			p, err := plate.Normalize(fmt.Sprintf("京A%05d", i))
			if err != nil {
				return err
			}
			plates = append(plates, p.Text)
			if err := tx.InsertStay(ctx, &park.Stay{ID: fmt.Sprintf("s%06d", i), LotCode: codes[i%lots], Plate: p.Text,
				PlateKey: p.Key, VehicleClass: park.ClassSmall, Locator: fmt.Sprintf("%08d", i),
				EntryAt: now.Add(-time.Duration(60+i%600) * time.Minute), EntryLane: "in-1",
				State: park.StayIn, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	p, err := svc.Partners.CreatePartner(ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: codes})
	if err != nil {
		b.Fatal(err)
	}
	for _, named := range []bool{false, true} {
		b.Run(map[bool]string{false: "AllLots", true: "NamedLot"}[named], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				n := i * 7919 % len(plates)
				q := partners.StayLookup{Plate: plates[n]}
				if named {
					q.Lot = codes[n%lots]
				}
				s, err := svc.Partners.LookupStay(ctx, p, q)
				if err != nil {
					b.Fatal(err)
				}
				if s.Due <= 0 {
					b.Fatalf("lookup %d: nothing due", i)
				}
			}
		})
	}
}
