package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

func testDeviceCommands(t *testing.T, s park.Store) {
	ctx := context.Background()
	add := func(id, serial string, created time.Time, expires time.Duration) {
		c := &park.DeviceCommand{ID: id, Serial: serial, Command: park.GateOpen, Payload: []byte(`{"voice":"hi"}`),
			Status: park.DeviceCommandQueued, ExpiresAt: created.Add(expires), CreatedAt: created, UpdatedAt: created}
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertDeviceCommand(ctx, c) }))
	}
	add("d2", "CAM", base, 3*time.Second)
	add("d1", "CAM", base.Add(time.Second), 3*time.Second)
	add("old", "CAM", base.Add(-time.Minute), 3*time.Second) // expired
	add("other", "CAM2", base, 3*time.Second)
	now := base.Add(2 * time.Second)
	pending := func() []*park.DeviceCommand {
		var q []*park.DeviceCommand
		must(t, s.View(ctx, func(tx park.Tx) (err error) { q, err = tx.PendingDeviceCommands(ctx, "CAM", now, 10); return }))
		return q
	}
	q := pending()
	if len(q) != 2 || q[0].ID != "d2" || q[1].ID != "d1" || string(q[0].Payload) != `{"voice":"hi"}` ||
		q[0].Command != park.GateOpen || !q[0].ExpiresAt.Equal(base.Add(3*time.Second)) {
		t.Fatalf("pending %+v", q)
	}
	take := func(id string, at time.Time) (ok bool) {
		must(t, update(t, s, func(tx park.Tx) (err error) { ok, err = tx.TakeDeviceCommand(ctx, id, at); return }))
		return ok
	}
	// Two nodes' heartbeats take d2: one wins.
	if first, second := take("d2", now), take("d2", now); !first || second {
		t.Fatalf("takes %v %v, want exactly the first", first, second)
	}
	if take("old", now) {
		t.Fatal("took an expired command")
	}
	var withdrawn bool
	must(t, update(t, s, func(tx park.Tx) (err error) { withdrawn, err = tx.WithdrawDeviceCommand(ctx, "d2", now); return }))
	if withdrawn {
		t.Fatal("withdrew a taken command")
	}
	must(t, update(t, s, func(tx park.Tx) (err error) { withdrawn, err = tx.WithdrawDeviceCommand(ctx, "d1", now); return }))
	if !withdrawn || take("d1", now) {
		t.Fatalf("withdrawn %v, then taken", withdrawn)
	}
	if q := pending(); len(q) != 0 {
		t.Fatalf("pending after take and withdrawal %+v", q)
	}
	var c *park.DeviceCommand
	must(t, s.View(ctx, func(tx park.Tx) (err error) { c, err = tx.GetDeviceCommand(ctx, "d2"); return }))
	if c.Status != park.DeviceCommandTaken || !c.UpdatedAt.Equal(now) || c.Serial != "CAM" {
		t.Fatalf("taken %+v", c)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetDeviceCommand(ctx, "nope"); return err }), park.ENotFound)
	wantCode(t, s.Update(ctx, func(tx park.Tx) error {
		return tx.InsertDeviceCommand(ctx, &park.DeviceCommand{ID: "d2", Serial: "CAM", Command: park.GateOpen, Payload: []byte(`{}`),
			Status: park.DeviceCommandQueued, ExpiresAt: now, CreatedAt: now, UpdatedAt: now})
	}), park.EConflict)
	var n int
	must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.DeleteDeviceCommands(ctx, base.Add(time.Second)); return }))
	if n != 2 {
		t.Fatalf("deleted %d, want old and other (unchanged since they were queued)", n)
	}
}
