package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

func testChargerCommands(t *testing.T, s park.Store) {
	ctx := context.Background()
	for i, id := range []string{"c2", "c1"} {
		c := &park.ChargerCommand{ID: id, ChargerID: "CP", Action: "Reset", Payload: []byte(`{"type":"Soft"}`),
			Status: park.CommandQueued, CreatedAt: base.Add(time.Duration(i) * time.Second), UpdatedAt: base}
		must(t, update(t, s, func(tx park.Tx) error { return tx.InsertChargerCommand(ctx, c) }))
	}
	var q []*park.ChargerCommand
	must(t, s.View(ctx, func(tx park.Tx) (err error) { q, err = tx.QueuedChargerCommands(ctx, 10); return }))
	if len(q) != 2 || q[0].ID != "c2" || string(q[0].Payload) != `{"type":"Soft"}` || !q[0].CreatedAt.Equal(base) {
		t.Fatalf("queued %+v", q)
	}
	// Two nodes claim c2: one wins.
	var first, second bool
	must(t, update(t, s, func(tx park.Tx) (err error) {
		first, err = tx.SetChargerCommand(ctx, "c2", park.CommandQueued, park.CommandSent, "", base.Add(time.Minute))
		return
	}))
	must(t, update(t, s, func(tx park.Tx) (err error) {
		second, err = tx.SetChargerCommand(ctx, "c2", park.CommandQueued, park.CommandSent, "", base.Add(time.Minute))
		return
	}))
	if !first || second {
		t.Fatalf("claims %v %v, want exactly the first", first, second)
	}
	must(t, update(t, s, func(tx park.Tx) error {
		_, err := tx.SetChargerCommand(ctx, "c2", park.CommandSent, park.CommandDone, "Accepted", base.Add(2*time.Minute))
		return err
	}))
	var c *park.ChargerCommand
	must(t, s.View(ctx, func(tx park.Tx) (err error) { c, err = tx.GetChargerCommand(ctx, "c2"); return }))
	if c.Status != park.CommandDone || c.Result != "Accepted" || !c.UpdatedAt.Equal(base.Add(2*time.Minute)) {
		t.Fatalf("done %+v", c)
	}
	must(t, s.View(ctx, func(tx park.Tx) (err error) { q, err = tx.QueuedChargerCommands(ctx, 10); return }))
	if len(q) != 1 || q[0].ID != "c1" {
		t.Fatalf("queued after the claim %+v", q)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetChargerCommand(ctx, "nope"); return err }), park.ENotFound)
	var n int
	must(t, update(t, s, func(tx park.Tx) (err error) { n, err = tx.DeleteChargerCommands(ctx, base.Add(time.Second)); return }))
	if n != 1 {
		t.Fatalf("deleted %d, want c1 (unchanged since base)", n)
	}
}
