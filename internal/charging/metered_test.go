package charging_test

import (
	"sync"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestMeteredAtOnceKeepsEveryReading sends twenty MeterValues of one
// session at once. Each is billed on a read and stored only if the
// session is unchanged since; the ones that lose that race are billed
// again in the write, so none is lost and the bill is the newest
// reading's.
func TestMeteredAtOnceKeepsEveryReading(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	r.Clock.Set(t0.Add(30 * time.Minute))
	var wg sync.WaitGroup
	for i := 1; i <= 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := t0.Add(time.Duration(i) * time.Minute)
			if err := metered(r.Ctx, r.cs, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: int64(i) * 100, PowerW: 7000}}, false); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := r.cs.Session(r.Ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Readings) != 20 {
		t.Fatalf("%d readings kept, want 20", len(got.Readings))
	}
	// The newest, 10:20, is 2 kWh in the flat period: 2 x 60 fen of
	// electricity and 2 x 40 of service; 800 of the 1,000 paid unused.
	wantBill(t, got, 200, 120, 800)
}
