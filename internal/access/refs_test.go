package access_test

import (
	"testing"

	"parkd/internal/access"
	"parkd/internal/park"
)

// TestUserCodeNamesOnePass: a user code names at most one pass of a lot,
// on creation and on update; the same code in another lot is free.
func TestUserCodeNamesOnePass(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	from, to := t0, t0.AddDate(0, 1, 0)
	first, err := a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "A", UserCode: "U1", Plates: []string{"京A11111"}, ValidFrom: from, ValidTo: to})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "B", UserCode: "U1", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to})
	wantField(t, err, park.EConflict, "user_code")
	second, err := a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "B", UserCode: "U2", Plates: []string{"京A22222"}, ValidFrom: from, ValidTo: to})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.UpdatePassBy(b.Ctx, "", b.Lot, access.PassRef{ID: second.ID}, func(p *park.Pass) error { p.UserCode = "U1"; return nil })
	wantField(t, err, park.EConflict, "user_code")
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	if _, err := a.CreatePass(b.Ctx, "", "OTHER", &park.Pass{HolderName: "C", UserCode: "U1", Plates: []string{"京A11111"}, ValidFrom: from, ValidTo: to}); err != nil {
		t.Fatalf("the code of another lot's pass: %v", err)
	}
	if p, err := a.FindPass(b.Ctx, b.Lot, access.PassRef{UserCode: "U1"}); err != nil || p.ID != first.ID {
		t.Fatalf("U1 names %+v, %v", p, err)
	}
}

// TestPassRefs: a pass is found and changed, or removed, by id, user code
// or plate in one call; what names nothing is not found, naming what was
// given.
func TestPassRefs(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	ps, err := a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "A", UserCode: "U1", Plates: []string{"京A11111", "京A22222"},
		ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for i, ref := range []access.PassRef{{ID: ps.ID}, {UserCode: "U1"}, {Plate: "京a22222"}} {
		out, err := a.UpdatePassBy(b.Ctx, "", b.Lot, ref, func(p *park.Pass) error { p.Spaces = 1 + i%2; return nil })
		if err != nil || out.ID != ps.ID || out.Spaces != 1+i%2 {
			t.Fatalf("update by %+v: %+v, %v", ref, out, err)
		}
	}
	for _, c := range []struct {
		ref   access.PassRef
		field string
	}{{access.PassRef{ID: "nope"}, "pass"}, {access.PassRef{UserCode: "U9"}, "user_code"}, {access.PassRef{Plate: "京A99999"}, "plate"}} {
		_, err := a.DeletePassBy(b.Ctx, "", b.Lot, c.ref)
		wantField(t, err, park.ENotFound, c.field)
	}
	_, err = a.DeletePassBy(b.Ctx, "", b.Lot, access.PassRef{})
	wantField(t, err, park.EInvalid, "pass")
	if del, err := a.DeletePassBy(b.Ctx, "", b.Lot, access.PassRef{Plate: "京A11111"}); err != nil || del.ID != ps.ID {
		t.Fatalf("delete %+v, %v", del, err)
	}
	_, err = a.FindPass(b.Ctx, b.Lot, access.PassRef{ID: ps.ID})
	wantField(t, err, park.ENotFound, "pass")
}

// TestPassForHolder: a plate discloses its pass only with the mobile the
// pass records (any mobile when it records none); a mismatch answers as
// no pass would.
func TestPassForHolder(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	for _, p := range []*park.Pass{
		{HolderName: "A", Mobile: "13800000000", Plates: []string{"京A11111"}, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)},
		{HolderName: "B", Plates: []string{"京A22222"}, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)},
	} {
		if _, err := a.CreatePass(b.Ctx, "", b.Lot, p); err != nil {
			t.Fatal(err)
		}
	}
	if p, err := a.PassForHolder(b.Ctx, "", b.Lot, "京A11111", "13800000000"); err != nil || p.HolderName != "A" {
		t.Fatalf("right mobile: %+v, %v", p, err)
	}
	_, err := a.PassForHolder(b.Ctx, "", b.Lot, "京A11111", "13900000000")
	wantField(t, err, park.ENotFound, "plate")
	_, err = a.PassForHolder(b.Ctx, "", b.Lot, "京A33333", "13900000000") // no pass: the same answer
	wantField(t, err, park.ENotFound, "plate")
	if p, err := a.PassForHolder(b.Ctx, "", b.Lot, "京A22222", "13900000000"); err != nil || p.HolderName != "B" {
		t.Fatalf("a pass without a mobile: %+v, %v", p, err)
	}
	_, err = a.PassForHolder(b.Ctx, "", b.Lot, "京A11111", "call me")
	wantField(t, err, park.EInvalid, "mobile")
}

// TestSlotPasses: a time-slot pass is created, or replaced in place when
// its reference (id, user code, else its first plate) names one; it takes
// its plan's slots; a whole-day pass or plan is never made one; deleting
// leaves whole-day passes alone.
func TestSlotPasses(t *testing.T) {
	b := setup(t)
	a := b.Sys.Access
	for _, pl := range []*park.Plan{
		{Code: "night", Name: "夜间", Price: 100, Slots: nightSlots},
		{Code: "std", Name: "标准", Price: 300},
	} {
		if _, err := a.CreatePlan(b.Ctx, b.Lot, pl); err != nil {
			t.Fatal(err)
		}
	}
	day, err := a.CreatePass(b.Ctx, "", b.Lot, &park.Pass{HolderName: "Day", Plates: []string{"京D11111"}, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	pass := func(code, plate string, months int) *park.Pass {
		return &park.Pass{HolderName: "N", UserCode: code, Plates: []string{plate}, Plan: "night", ValidFrom: t0, ValidTo: t0.AddDate(0, months, 0)}
	}
	first, created, err := a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{}, pass("N1", "京N11111", 1))
	if err != nil || !created || len(first.Slots) != 1 || first.Slots[0] != nightSlots[0] {
		t.Fatalf("create %+v, %v, %v", first, created, err)
	}
	// By its plate, without a user code: replaced, id and user code kept.
	again, created, err := a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{}, pass("", "京N11111", 2))
	if err != nil || created || again.ID != first.ID || again.UserCode != "N1" || !again.ValidTo.Equal(t0.AddDate(0, 2, 0)) {
		t.Fatalf("replace %+v, %v, %v", again, created, err)
	}
	_, _, err = a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{}, pass("", "京D11111", 1))
	wantField(t, err, park.EConflict, "plates")
	std := pass("", "京N22222", 1)
	std.Plan = "std"
	_, _, err = a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{}, std)
	wantField(t, err, park.EInvalid, "plan")
	std.Plan = "gold"
	_, _, err = a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{}, std)
	wantField(t, err, park.ENotFound, "plan")
	_, _, err = a.SaveSlotPass(b.Ctx, "", b.Lot, access.PassRef{ID: "nope"}, pass("", "京N22222", 1))
	wantField(t, err, park.ENotFound, "pass")

	// A whole-day pass is not deleted as a time-slot one, and answers
	// naming what the reference gave.
	_, err = a.DeleteSlotPass(b.Ctx, "", b.Lot, access.PassRef{Plate: "京D11111"})
	wantField(t, err, park.ENotFound, "plate")
	_, err = a.DeleteSlotPass(b.Ctx, "", b.Lot, access.PassRef{ID: day.ID})
	wantField(t, err, park.ENotFound, "pass")
	if _, err := a.GetPass(b.Ctx, b.Lot, day.ID); err != nil {
		t.Fatalf("the whole-day pass is gone: %v", err)
	}
	if del, err := a.DeleteSlotPass(b.Ctx, "", b.Lot, access.PassRef{UserCode: "N1"}); err != nil || del.ID != first.ID {
		t.Fatalf("delete %+v, %v", del, err)
	}
}
