package storetest

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// OldSessionData is a charging session as parkd stored it before its
// readings had rows: times in UTC with zero, one and six fractional
// digits, and a reading without power.
const OldSessionData = `{"id":"S1","charger_id":"CP","connector":1,"transaction_id":7,"status":"charging","meter_start":1000,` +
	`"readings":[{"at":"2026-12-04T08:03:00.123456Z","energy_wh":1300,"power_w":0},` +
	`{"at":"2026-12-04T08:01:00Z","energy_wh":1100,"power_w":6000},{"at":"2026-12-04T08:02:00.5Z","energy_wh":1200,"power_w":6100}],` +
	`"created_at":"2026-12-04T08:00:00Z","updated_at":"2026-12-04T08:03:00Z"}`

// OldLongSessionData is an ended session as parkd stored it before its
// readings had rows, with 130 readings ten seconds apart: more than two
// chunks.
var OldLongSessionData = func() string {
	var b strings.Builder
	b.WriteString(`{"id":"S3","charger_id":"CP","connector":1,"transaction_id":9,"status":"ended","readings":[`)
	for i := range 130 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"at":"%s","energy_wh":%d,"power_w":7000}`, longStart.Add(time.Duration(i)*10*time.Second).Format(time.RFC3339Nano), 1000+i)
	}
	b.WriteString(`]}`)
	return b.String()
}()

var longStart = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

// CheckMigratedReadings checks that the sessions S1 (OldSessionData), S2
// (no readings) and S3 (OldLongSessionData), stored before the readings'
// migration, read back from st with their readings.
func CheckMigratedReadings(t *testing.T, st park.Store) {
	t.Helper()
	ctx := context.Background()
	var s1, s2, s3 *park.ChargeSession
	if err := st.View(ctx, func(tx park.Tx) (err error) {
		if s1, err = tx.GetChargeSession(ctx, "S1"); err != nil {
			return err
		}
		if s3, err = tx.GetChargeSession(ctx, "S3"); err != nil {
			return err
		}
		s2, err = tx.GetChargeSession(ctx, "S2")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(s3.Readings) != 130 {
		t.Fatalf("S3 has %d readings, want 130", len(s3.Readings))
	}
	for i, r := range s3.Readings {
		if w := (park.MeterReading{At: longStart.Add(time.Duration(i) * 10 * time.Second), EnergyWh: 1000 + int64(i), PowerW: 7000}); r != w {
			t.Fatalf("S3's reading %d is %+v, want %+v", i, r, w)
		}
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v }
	want := []park.MeterReading{{At: at("2026-12-04T08:01:00Z"), EnergyWh: 1100, PowerW: 6000},
		{At: at("2026-12-04T08:02:00.5Z"), EnergyWh: 1200, PowerW: 6100},
		{At: at("2026-12-04T08:03:00.123456Z"), EnergyWh: 1300}}
	if !reflect.DeepEqual(s1.Readings, want) {
		t.Errorf("S1's readings\n%+v\nwant\n%+v", s1.Readings, want)
	}
	if s1.MeterStart != 1000 || s1.TransactionID != 7 {
		t.Errorf("S1 read back as %+v", s1)
	}
	if len(s2.Readings) != 0 {
		t.Errorf("S2 had no readings, has %+v", s2.Readings)
	}
}

// MigrationVersions is the sorted versions of the migration files in dir,
// read from their names (00109_x.sql is 109), as a store's tests see them.
func MigrationVersions(t *testing.T, dir string) []int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil || len(files) < 3 {
		t.Fatalf("migrations in %s: %d files (%v)", dir, len(files), err)
	}
	var vs []int64
	for _, f := range files {
		n, _, _ := strings.Cut(filepath.Base(f), "_")
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil {
			t.Fatalf("migration %s: %v", f, err)
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return vs
}

// macProtocol and otherProtocol are two lane device protocols as stored:
// migration 00114 rewrites the serials of the first, whose serial is the
// camera's MAC, and must leave the second's alone.
const (
	macProtocol   = "hikvision-isapi"
	otherProtocol = "vzenith-http"
)

// OldMACDevices are the devices of lot L1 a parkd before serials
// had one form may have stored, as (serial, lane, protocol, created_at
// order): MACs as printed on labels, one camera registered again since in
// the one form, and one MAC registered twice in two forms.
var OldMACDevices = [][3]string{
	{"AA:BB:CC:DD:EE:01", "in-1", macProtocol},
	{" AA-BB-CC-DD-EE-02 ", "in-2", macProtocol},
	{"AABB.CCDD.EE03", "in-3", macProtocol},
	{"AA:BB:CC:DD:EE:04", "in-4-old", macProtocol},
	{"aa:bb:cc:dd:ee:04", "in-4-new", macProtocol},
	{"AA:BB:CC:DD:EE:05", "in-5-first", macProtocol},
	{"AA-BB-CC-DD-EE-05", "in-5-second", macProtocol},
	{"AA:BB:CC:DD:EE:06", "in-6", otherProtocol},
	{"DV-1 ", "in-7", macProtocol},
}

// CheckMigratedSerials checks that the OldMACDevices, after the
// serials' migration, are found under each one's serial in its one form
// (the form a push of that protocol is looked up by), a taken form being kept by
// the row already in it or the one registered first, and that a serial of
// another protocol is left as it was.
func CheckMigratedSerials(t *testing.T, st park.Store) {
	t.Helper()
	ctx := context.Background()
	want := map[string]string{ // serial -> lane
		"aa:bb:cc:dd:ee:01": "in-1",
		"aa:bb:cc:dd:ee:02": "in-2",
		"aa:bb:cc:dd:ee:03": "in-3",
		"aa:bb:cc:dd:ee:04": "in-4-new",
		"AA:BB:CC:DD:EE:04": "in-4-old",
		"aa:bb:cc:dd:ee:05": "in-5-first",
		"AA-BB-CC-DD-EE-05": "in-5-second",
		"AA:BB:CC:DD:EE:06": "in-6",
		"DV-1":              "in-7",
	}
	if err := st.View(ctx, func(tx park.Tx) error {
		ds, err := tx.ListDevices(ctx, "L1")
		if err != nil {
			return err
		}
		if len(ds) != len(want) {
			t.Errorf("%d devices after the migration, want %d (none lost)", len(ds), len(want))
		}
		for serial, lane := range want {
			d, err := tx.GetDevice(ctx, serial)
			if err != nil {
				t.Errorf("device %q: %v, want the one of lane %s", serial, err, lane)
				continue
			}
			if d.Lane != lane {
				t.Errorf("device %q is lane %s's, want %s's", serial, d.Lane, lane)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// PlateAtReported is when the spaces a parkd before 00115 stored were
// last reported: A1 with the plate 粤B12345, A2 occupied by a car nobody
// read, A3 never.
var PlateAtReported = time.Date(2026, 3, 1, 2, 10, 0, 0, time.UTC)

// CheckMigratedPlateAt checks that migration 00115 dates the plate a
// space held at its last report (the best it knows) and gives a space
// without a plate no plate time.
func CheckMigratedPlateAt(t *testing.T, st park.Store) {
	t.Helper()
	ctx := context.Background()
	err := st.View(ctx, func(tx park.Tx) error {
		for code, want := range map[string]*time.Time{"A1": &PlateAtReported, "A2": nil, "A3": nil} {
			sp, err := tx.GetSpace(ctx, "L1", code)
			if err != nil {
				return err
			}
			if (want == nil) != (sp.PlateAt == nil) || want != nil && !sp.PlateAt.Equal(*want) {
				t.Errorf("space %s plate_at %v, want %v", code, sp.PlateAt, want)
			}
		}
		loc, err := tx.LocateCar(ctx, "L1", "粤B12345", PlateAtReported.Add(-time.Hour))
		if err != nil || loc == nil || loc.Code != "A1" {
			t.Errorf("located %+v (%v), want A1", loc, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
