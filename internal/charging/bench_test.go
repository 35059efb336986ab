package charging_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/device"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// BenchmarkMeteredLongSession is one more MeterValues of a session that
// already holds 960 readings (16 hours at one a minute), billed by energy
// in real time: what each reading of a long session costs.
func BenchmarkMeteredLongSession(b *testing.B) {
	ctx := context.Background()
	cs, std := benchCharging(b, park.FamilyCar)
	if _, err := cs.RegisterCharger(ctx, charging.ChargerInput{ID: "CP1", LotCode: "BENCH", Family: park.FamilyCar, Connectors: 1,
		StandardID: std.ID, Password: "0123456789abcdef"}); err != nil {
		b.Fatal(err)
	}
	sess, err := cs.StartSession(ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 1_000_000, Source: park.SourceNative})
	if err != nil {
		b.Fatal(err)
	}
	// Started ten minutes ago (a charger's clock within 15 minutes is
	// believed), with readings 100 ms apart: up to 6,000 distinct readings
	// at times the session has reached.
	start := time.Now().UTC().Add(-10 * time.Minute)
	txID, ok, err := cs.ChargerStarted(ctx, charging.Started{ChargerID: "CP1", Connector: 1, IDTag: sess.IDTag, At: start})
	if err != nil || ok.Status != charging.TagAccepted {
		b.Fatalf("start: %v, %v", ok, err)
	}
	n := 0
	read := func() {
		n++
		at := start.Add(time.Duration(n) * 100 * time.Millisecond)
		if err := metered(ctx, cs, "CP1", txID, []park.MeterReading{{At: at, EnergyWh: int64(n) * 10, PowerW: 7000}}, false); err != nil {
			b.Fatal(err)
		}
	}
	for range 960 {
		read()
	}
	b.ResetTimer()
	if b.N > 5000 {
		b.Fatalf("%d readings would pass the session's ten minutes", b.N)
	}
	for range b.N {
		read()
	}
	got, err := cs.Session(ctx, sess.ID)
	if err != nil {
		b.Fatal(err)
	}
	if len(got.Readings) != 960+b.N {
		b.Fatalf("%d readings kept, want %d", len(got.Readings), 960+b.N)
	}
}

// BenchmarkSweepNothingDue is one sweep over 2,000 charging sessions
// (100 cabinets of 20 ports, each session a few readings in) that none of
// its rules acts on yet: what every node pays every few seconds beside
// the chargers' own messages.
func BenchmarkSweepNothingDue(b *testing.B) {
	ctx := context.Background()
	cs, std := benchCharging(b, park.FamilyTwoWheeler)
	start := time.Now().UTC().Add(-10 * time.Minute)
	for c := range 100 {
		id := fmt.Sprintf("CAB%03d", c)
		if _, err := cs.RegisterCharger(ctx, charging.ChargerInput{ID: id, LotCode: "BENCH", Family: park.FamilyTwoWheeler, Connectors: 20,
			StandardID: std.ID, Password: "0123456789abcdef"}); err != nil {
			b.Fatal(err)
		}
		for port := 1; port <= 20; port++ {
			sess, err := cs.StartSession(ctx, charging.StartInput{ChargerID: id, Connector: port, Prepaid: 1_000_000, Source: park.SourceNative})
			if err != nil {
				b.Fatal(err)
			}
			txID, ok, err := cs.ChargerStarted(ctx, charging.Started{ChargerID: id, Connector: port, IDTag: sess.IDTag, At: start})
			if err != nil || ok.Status != charging.TagAccepted {
				b.Fatalf("start: %v, %v", ok, err)
			}
			for n := 1; n <= 3; n++ {
				at := start.Add(time.Duration(n) * time.Minute)
				if err := metered(ctx, cs, id, txID, []park.MeterReading{{At: at, EnergyWh: int64(n) * 10, PowerW: 300}}, false); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := cs.Sweep(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	page, err := cs.Sessions(ctx, park.ChargeSessionFilter{Status: park.SessionCharging, Limit: 1}, 0)
	if err != nil || page.Total != 2000 {
		b.Fatalf("sessions still charging after the sweeps: %+v, %v", page, err)
	}
}

// benchCharging is a core on a fresh store with one lot, BENCH, and one
// price standard of family, priced by energy.
func benchCharging(b *testing.B, family int) (*charging.Service, *park.PriceStandard) {
	ctx := context.Background()
	sys := system.New(system.Config{Store: teststore.Open(b), Barriers: device.NewMemory()})
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: "BENCH", Name: "Bench", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 100, MissedEntry: park.MissedEntryHold}); err != nil {
		b.Fatal(err)
	}
	std, err := sys.Charging.CreateStandard(ctx, charging.StandardInput{Name: "bench", Family: family, Rules: energyRules})
	if err != nil {
		b.Fatal(err)
	}
	return sys.Charging, std
}
