package access_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

func TestSyncPasses(t *testing.T) {
	b := setup(t)
	from, to := t0, t0.AddDate(0, 1, 0)
	old, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "Old", UserCode: "U1", Plates: []string{"京A11111"}, ValidFrom: from, ValidTo: to})
	if err != nil {
		t.Fatal(err)
	}
	list := func() []*park.Pass {
		ps, err := b.Sys.Access.ListPasses(b.Ctx, "", b.Lot)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	// An invalid item (end before begin) refuses the whole call, naming it.
	_, err = b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, []*park.Pass{
		{HolderName: "New", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to},
		{HolderName: "Bad", UserCode: "U2", Plates: []string{"京A33333"}, ValidFrom: to, ValidTo: from},
	})
	if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != "passes[1].valid_to" {
		t.Fatalf("err = %#v, want invalid passes[1].valid_to", err)
	}
	// A plate held by another pass: conflict, nothing changed.
	if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "X", Plates: []string{"京A44444"}, ValidFrom: from, ValidTo: to}); err != nil {
		t.Fatal(err)
	}
	_, err = b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, []*park.Pass{
		{HolderName: "New", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to},
		{HolderName: "C", UserCode: "U3", Plates: []string{"京A44444"}, ValidFrom: from, ValidTo: to},
	})
	if !park.IsCode(err, park.EConflict) {
		t.Fatalf("err = %v, want conflict", err)
	}
	if p, err := b.Sys.Access.GetPass(b.Ctx, b.Lot, old.ID); err != nil || p.HolderName != "Old" || len(list()) != 2 {
		t.Fatalf("refused sync changed data: %+v %v", p, err)
	}
	// Upsert: U1 updated in place, U2 created.
	res, err := b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, []*park.Pass{
		{HolderName: "New", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to},
		{HolderName: "Two", UserCode: "U2", Plates: []string{"京A33333"}, ValidFrom: from, ValidTo: to},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Created || res[0].Pass.ID != old.ID || !res[1].Created {
		t.Fatalf("outcomes %+v %+v", res[0], res[1])
	}
	p, err := b.Sys.Access.PassByUserCode(b.Ctx, b.Lot, "U1")
	if err != nil || p.HolderName != "New" || p.Plates[0] != "京A22222" {
		t.Fatalf("U1 = %+v, %v", p, err)
	}
	if _, err := b.Sys.Access.PassByPlate(b.Ctx, b.Lot, "京A11111"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("old plate still holds a pass: %v", err)
	}
	if _, err := b.Sys.Access.PassByUserCode(b.Ctx, b.Lot, "nobody"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	// Duplicated or missing user codes are refused.
	for _, in := range [][]*park.Pass{
		{{HolderName: "A", Plates: []string{"京A55555"}, ValidFrom: from, ValidTo: to}},
		{{HolderName: "A", UserCode: "D", Plates: []string{"京A55555"}, ValidFrom: from, ValidTo: to},
			{HolderName: "B", UserCode: "D", Plates: []string{"京A66666"}, ValidFrom: from, ValidTo: to}},
	} {
		if _, err := b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, in); !park.IsCode(err, park.EInvalid) {
			t.Fatalf("err = %v, want invalid", err)
		}
	}
	if n := len(list()); n != 3 {
		t.Fatalf("%d passes, want 3", n)
	}
}

func TestWhitelistByPlate(t *testing.T) {
	b := setup(t)
	w, err := b.Sys.Access.CreateWhitelist(b.Ctx, b.Lot, &park.WhitelistEntry{Plate: "京A12345", Kind: park.AccessDeny,
		ValidFrom: t0, ValidTo: t0.Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Sys.Access.WhitelistByPlate(b.Ctx, b.Lot, "京a-12345")
	if err != nil || got.ID != w.ID {
		t.Fatalf("got %+v, %v", got, err)
	}
	if _, err := b.Sys.Access.WhitelistByPlate(b.Ctx, b.Lot, "京A54321"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("err = %v", err)
	}
	if _, err := b.Sys.Access.WhitelistByPlate(b.Ctx, b.Lot, "??"); !park.IsCode(err, park.EInvalid) {
		t.Fatalf("err = %v", err)
	}
}
