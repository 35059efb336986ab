package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"parkd/internal/park"
)

// testDevices: the device registry. A serial is registered once, to an
// existing lot; devices list by lot; a device's last contact only moves
// forward; of two writers of the same online change, one hears it changed.
func testDevices(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	dev := func(serial, lot, lane string) *park.Device {
		return &park.Device{Serial: serial, LotCode: lot, Lane: lane, Kind: park.DeviceCamera, Protocol: "p-http",
			Direction: park.DirectionIn, Addr: "http://192.0.2.7", Username: "admin", Password: "pw", Since: base, CreatedAt: base}
	}
	create := func(d *park.Device) error {
		return update(t, s, func(tx park.Tx) error { return tx.CreateDevice(ctx, d) })
	}
	get := func(serial string) (*park.Device, error) {
		var d *park.Device
		err := s.View(ctx, func(tx park.Tx) (err error) { d, err = tx.GetDevice(ctx, serial); return })
		return d, err
	}
	list := func(lot string) []string {
		t.Helper()
		var ds []*park.Device
		must(t, s.View(ctx, func(tx park.Tx) (err error) { ds, err = tx.ListDevices(ctx, lot); return }))
		out := []string{}
		for _, d := range ds {
			out = append(out, d.Serial)
		}
		return out
	}

	t.Run("Create", func(t *testing.T) {
		a := dev("cam-b", "L1", "in-1")
		must(t, create(a))
		got, err := get("cam-b")
		must(t, err)
		if !reflect.DeepEqual(got, a) {
			t.Fatalf("read back %+v, want %+v", got, a)
		}
		wantCode(t, create(dev("cam-b", "L2", "in-2")), park.EConflict)
		wantCode(t, create(dev("cam-x", "nowhere", "in-1")), park.ENotFound)
		_, err = get("cam-unknown")
		wantCode(t, err, park.ENotFound)
	})

	t.Run("List", func(t *testing.T) {
		must(t, create(dev("cam-a", "L2", "out-1")))
		must(t, create(dev("cam-c", "L1", "out-1")))
		if got := list("L1"); !reflect.DeepEqual(got, []string{"cam-b", "cam-c"}) {
			t.Fatalf("L1 %v", got)
		}
		if got := list(""); !reflect.DeepEqual(got, []string{"cam-a", "cam-b", "cam-c"}) {
			t.Fatalf("all %v", got)
		}
		if got := list("L9"); len(got) != 0 {
			t.Fatalf("L9 %v", got)
		}
	})

	t.Run("Seen", func(t *testing.T) {
		seen := func(at time.Time) error {
			return update(t, s, func(tx park.Tx) error { return tx.MarkDeviceSeen(ctx, "cam-c", at) })
		}
		must(t, seen(base.Add(time.Minute)))
		must(t, seen(base.Add(30*time.Second))) // older: no change
		d, err := get("cam-c")
		must(t, err)
		if d.SeenAt == nil || !d.SeenAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("seen at %v, want %v", d.SeenAt, base.Add(time.Minute))
		}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.MarkDeviceSeen(ctx, "nobody", base) }), park.ENotFound)
	})

	t.Run("Online", func(t *testing.T) {
		set := func(on bool, at time.Time) bool {
			t.Helper()
			var changed bool
			must(t, update(t, s, func(tx park.Tx) (err error) {
				changed, err = tx.SetDeviceOnline(ctx, "cam-a", on, at)
				return
			}))
			return changed
		}
		if !set(true, base.Add(time.Hour)) {
			t.Fatal("offline -> online: not reported as a change")
		}
		if set(true, base.Add(2*time.Hour)) {
			t.Fatal("online -> online: reported as a change")
		}
		d, err := get("cam-a")
		must(t, err)
		if !d.Online || !d.Since.Equal(base.Add(time.Hour)) {
			t.Fatalf("%+v: want online since %v", d, base.Add(time.Hour))
		}
		if !set(false, base.Add(3*time.Hour)) {
			t.Fatal("online -> offline: not reported as a change")
		}
		err = update(t, s, func(tx park.Tx) error { _, err := tx.SetDeviceOnline(ctx, "nobody", true, base); return err })
		wantCode(t, err, park.ENotFound)
	})

	t.Run("Unanswered", func(t *testing.T) {
		set := func(at *time.Time) bool {
			t.Helper()
			var changed bool
			must(t, update(t, s, func(tx park.Tx) (err error) {
				changed, err = tx.SetDeviceUnanswered(ctx, "cam-a", at)
				return
			}))
			return changed
		}
		raised, later := base.Add(time.Hour), base.Add(2*time.Hour)
		if set(nil) {
			t.Fatal("clearing an alarm never raised: reported as a change")
		}
		if !set(&raised) || set(&later) {
			t.Fatal("raising: want a change once")
		}
		d, err := get("cam-a")
		must(t, err)
		if d.Unanswered == nil || !d.Unanswered.Equal(raised) {
			t.Fatalf("unanswered since %v, want the first raise %v", d.Unanswered, raised)
		}
		if !set(nil) || set(nil) {
			t.Fatal("clearing: want a change once")
		}
		if d, _ := get("cam-a"); d.Unanswered != nil {
			t.Fatalf("unanswered since %v after clearing", d.Unanswered)
		}
		err = update(t, s, func(tx park.Tx) error { _, err := tx.SetDeviceUnanswered(ctx, "nobody", nil); return err })
		wantCode(t, err, park.ENotFound)
	})

	t.Run("Delete", func(t *testing.T) {
		must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteDevice(ctx, "cam-b") }))
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteDevice(ctx, "cam-b") }), park.ENotFound)
		if got := list("L1"); !reflect.DeepEqual(got, []string{"cam-c"}) {
			t.Fatalf("L1 after delete %v", got)
		}
	})
}

// testLaneListChanges: changes noted for lanes list oldest first, and
// forgetting a lot's changes up to one leaves later ones and other lots'.
func testLaneListChanges(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	note := func(lot string, plates ...string) {
		t.Helper()
		must(t, update(t, s, func(tx park.Tx) error { return tx.NoteLaneListChange(ctx, lot, plates, base) }))
	}
	pending := func() []park.LaneListChange {
		t.Helper()
		var cs []park.LaneListChange
		must(t, s.View(ctx, func(tx park.Tx) (err error) { cs, err = tx.ListLaneListChanges(ctx, 10); return }))
		return cs
	}
	note("L1", "京A11111", "京A22222")
	note("L2", "京B11111")
	cs := pending()
	if len(cs) != 3 || cs[0].LotCode != "L1" || cs[0].Plate != "京A11111" || cs[1].Plate != "京A22222" ||
		cs[2].LotCode != "L2" || !cs[0].At.Equal(base) || cs[0].Seq >= cs[1].Seq || cs[1].Seq >= cs[2].Seq {
		t.Fatalf("pending changes: %+v", cs)
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteLaneListChanges(ctx, "L1", cs[0].Seq) }))
	cs = pending()
	if len(cs) != 2 || cs[0].Plate != "京A22222" || cs[1].Plate != "京B11111" {
		t.Fatalf("after forgetting L1's first change: %+v", cs)
	}
	t.Run("LimitPerLot", func(t *testing.T) {
		// L1's backlog does not hide L2's change.
		note("L1", "京A33333", "京A44444", "京A55555")
		note("L2", "京B22222")
		var cs []park.LaneListChange
		must(t, s.View(ctx, func(tx park.Tx) (err error) { cs, err = tx.ListLaneListChanges(ctx, 2); return }))
		var got []string
		for i, c := range cs {
			got = append(got, c.LotCode+" "+c.Plate)
			if i > 0 && c.Seq <= cs[i-1].Seq {
				t.Fatalf("%+v: not oldest first", cs)
			}
		}
		if want := []string{"L1 京A22222", "L2 京B11111", "L1 京A33333", "L2 京B22222"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("two a lot: %v, want %v", got, want)
		}
	})
	t.Run("ErrUnknownLot", func(t *testing.T) {
		err := update(t, s, func(tx park.Tx) error { return tx.NoteLaneListChange(ctx, "nope", []string{"京A1"}, base) })
		if err == nil {
			t.Fatal("a change noted for a lot that does not exist")
		}
	})
}
