package service_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

func TestSyncPasses(t *testing.T) {
	b := setup(t)
	from, to := t0, t0.AddDate(0, 1, 0)
	old, err := b.svc.CreatePass(b.ctx, b.lot, &park.Pass{HolderName: "Old", UserCode: "U1", Plates: []string{"京A11111"}, ValidFrom: from, ValidTo: to})
	if err != nil {
		t.Fatal(err)
	}
	list := func() []*park.Pass {
		ps, err := b.svc.ListPasses(b.ctx, b.lot)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	// An invalid item (end before begin) refuses the whole call, naming it.
	_, err = b.svc.SyncPasses(b.ctx, b.lot, []*park.Pass{
		{HolderName: "New", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to},
		{HolderName: "Bad", UserCode: "U2", Plates: []string{"京A33333"}, ValidFrom: to, ValidTo: from},
	})
	if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != "passes[1].valid_to" {
		t.Fatalf("err = %#v, want invalid passes[1].valid_to", err)
	}
	// A plate held by another pass: conflict, nothing changed.
	if _, err := b.svc.CreatePass(b.ctx, b.lot, &park.Pass{HolderName: "X", Plates: []string{"京A44444"}, ValidFrom: from, ValidTo: to}); err != nil {
		t.Fatal(err)
	}
	_, err = b.svc.SyncPasses(b.ctx, b.lot, []*park.Pass{
		{HolderName: "New", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to},
		{HolderName: "C", UserCode: "U3", Plates: []string{"京A44444"}, ValidFrom: from, ValidTo: to},
	})
	if !park.IsCode(err, park.EConflict) {
		t.Fatalf("err = %v, want conflict", err)
	}
	if p, err := b.svc.GetPass(b.ctx, b.lot, old.ID); err != nil || p.HolderName != "Old" || len(list()) != 2 {
		t.Fatalf("refused sync changed data: %+v %v", p, err)
	}
	// Upsert: U1 updated in place, U2 created.
	res, err := b.svc.SyncPasses(b.ctx, b.lot, []*park.Pass{
		{HolderName: "New", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to},
		{HolderName: "Two", UserCode: "U2", Plates: []string{"京A33333"}, ValidFrom: from, ValidTo: to},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Created || res[0].Pass.ID != old.ID || !res[1].Created {
		t.Fatalf("outcomes %+v %+v", res[0], res[1])
	}
	p, err := b.svc.PassByUserCode(b.ctx, b.lot, "U1")
	if err != nil || p.HolderName != "New" || p.Plates[0] != "京A22222" {
		t.Fatalf("U1 = %+v, %v", p, err)
	}
	if _, err := b.svc.PassByPlate(b.ctx, b.lot, "京A11111"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("old plate still holds a pass: %v", err)
	}
	if _, err := b.svc.PassByUserCode(b.ctx, b.lot, "nobody"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	// Duplicated or missing user codes are refused.
	for _, in := range [][]*park.Pass{
		{{HolderName: "A", Plates: []string{"京A55555"}, ValidFrom: from, ValidTo: to}},
		{{HolderName: "A", UserCode: "D", Plates: []string{"京A55555"}, ValidFrom: from, ValidTo: to},
			{HolderName: "B", UserCode: "D", Plates: []string{"京A66666"}, ValidFrom: from, ValidTo: to}},
	} {
		if _, err := b.svc.SyncPasses(b.ctx, b.lot, in); !park.IsCode(err, park.EInvalid) {
			t.Fatalf("err = %v, want invalid", err)
		}
	}
	if n := len(list()); n != 3 {
		t.Fatalf("%d passes, want 3", n)
	}
}

func TestWhitelistByPlate(t *testing.T) {
	b := setup(t)
	w, err := b.svc.CreateWhitelist(b.ctx, b.lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessDeny,
		ValidFrom: t0, ValidTo: t0.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.svc.WhitelistByPlate(b.ctx, b.lot, "京a-12345")
	if err != nil || got.ID != w.ID {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := b.svc.WhitelistByPlate(b.ctx, b.lot, "京A54321"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("err = %v", err)
	}
	if _, err := b.svc.WhitelistByPlate(b.ctx, b.lot, "??"); !park.IsCode(err, park.EInvalid) {
		t.Fatalf("err = %v", err)
	}
}
