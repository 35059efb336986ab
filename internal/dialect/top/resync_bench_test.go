package top_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"parkd/internal/deliveries"
	"parkd/internal/dialect/top"
	"parkd/internal/dialect/top/toptest"
	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// BenchmarkResync pushes a channel's whole catalogue to a local gateway
// that checks every signature: PARKD_BENCH_RESYNC_STORES stores (default
// 100) of 20 models each, at PARKD_BENCH_RESYNC_RATE calls a second
// (default 1000). It reports the calls, the seconds from the resync's
// start to the gateway's last call, and the calls a second; it fails if
// a call was refused or the rate limit was beaten. See BENCHMARKS.md.
func BenchmarkResync(b *testing.B) {
	stores := envInt("PARKD_BENCH_RESYNC_STORES", 100)
	rate := envInt("PARKD_BENCH_RESYNC_RATE", 1000)
	const models = 20
	for range b.N {
		runResync(b, stores, models, rate)
	}
}

func envInt(k string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(k)); err == nil && n > 0 {
		return n
	}
	return def
}

func runResync(b *testing.B, stores, models, rate int) {
	b.StopTimer()
	st := teststore.Open(b)
	// A real clock: deliveries handed back by a busy lane come due again
	// as time passes.
	sys := system.New(system.Config{Store: st, Now: time.Now, RentalDialect: top.Name,
		Formats:    map[string]deliveries.Formatter{top.Name: top.Reports{}},
		Deliveries: deliveries.Options{AllowPrivate: true, Poll: 10 * time.Millisecond}})
	gw := toptest.New(b, time.Now, "12345678", "helloworld-secret")
	r, ctx := sys.Rental, context.Background()
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: "L1", Name: "L1", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 10,
		MissedEntry: park.MissedEntryHold}); err != nil {
		b.Fatal(err)
	}
	codes := make([]string, stores)
	for i := range codes {
		codes[i] = fmt.Sprintf("S%05d", i)
		if _, err := r.PutStore(ctx, park.RentalStore{Code: codes[i], Kind: park.RentalStoreKind, Name: codes[i], Address: "a", Latitude: 30.27, Longitude: 120.15,
			City: "330100", Opens: "08:00", Closes: "20:00", Active: true, LotCode: "L1"}); err != nil {
			b.Fatal(err)
		}
	}
	for m := range models {
		if _, err := r.PutModel(ctx, park.VehicleModel{Code: fmt.Sprintf("M%02d", m), Name: "m", Seats: 5, Fuel: "petrol",
			Transmission: "automatic"}); err != nil {
			b.Fatal(err)
		}
	}
	for _, s := range codes {
		for m := range models {
			if _, err := r.PutStoreModel(ctx, park.StoreModel{StoreCode: s, ModelCode: fmt.Sprintf("M%02d", m), MileageLimited: true,
				MileageLimit: 300, OverMileageFee: 100, DailyRate: 20000}); err != nil {
				b.Fatal(err)
			}
		}
	}
	// The channel connects after the catalogue exists: the resync is all
	// it hears.
	if _, err := r.PutChannel(ctx, rental.ChannelInput{AppKey: "12345678", Name: "c", Secret: "helloworld-secret", SignMethod: top.SignMD5,
		GatewayURL: gw.Router(), Stores: codes, RateLimit: rate}); err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = sys.Deliveries.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	b.StartTimer()
	start := time.Now()
	sum, err := r.Resync(ctx, "12345678", nil)
	if err != nil {
		b.Fatal(err)
	}
	queued := time.Since(start)
	want := sum.Calls()
	deadline := time.Now().Add(10 * time.Minute)
	for len(gw.Calls()) < want {
		if time.Now().After(deadline) {
			b.Fatalf("the gateway got %d of %d calls in 10 minutes", len(gw.Calls()), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	b.StopTimer()
	calls := gw.Calls()
	for _, c := range calls {
		if c.Refused != "" {
			b.Fatalf("call %d refused: %s", c.Seq, c.Refused)
		}
	}
	if len(calls) != want {
		b.Fatalf("the gateway got %d calls, want %d (each once)", len(calls), want)
	}
	// The limiter lets a burst of rate through, then rate a second.
	if min := time.Duration(float64(want-rate) / float64(rate) * float64(time.Second)); took < min {
		b.Fatalf("%d calls in %s: faster than %d a second allows (%s)", want, took, rate, min)
	}
	b.ReportMetric(float64(want), "calls")
	b.ReportMetric(queued.Seconds(), "s-queue")
	b.ReportMetric(took.Seconds(), "s-total")
	b.ReportMetric(float64(want)/took.Seconds(), "calls/s")
}
