package access_test

import (
	"fmt"
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

// TestSyncPassesAnyOrder: a sync that moves plates between the lot's
// passes gives the same passes whatever the order of its list; a list
// naming one plate on two items is refused, naming the later item, and
// changes nothing.
func TestSyncPassesAnyOrder(t *testing.T) {
	from, to := t0, t0.AddDate(0, 1, 0)
	item := func(code string, plates ...string) *park.Pass {
		return &park.Pass{HolderName: "H " + code, UserCode: code, Plates: plates, ValidFrom: from, ValidTo: to}
	}
	// before: U1 holds 京A00001 and 京A00002, U2 holds 京A00003, U3
	// holds 京A00004. The list moves 京A00002 from U1 to U2, swaps
	// 京A00003 and 京A00004 between U2 and U3, and gives U4 (new) no
	// plate of another: after it U1 has 京A00001, U2 京A00004 and
	// 京A00002, U3 京A00003, U4 京A00005.
	before := func(b *bundle) {
		for _, p := range []*park.Pass{item("U1", "京A00001", "京A00002"), item("U2", "京A00003"), item("U3", "京A00004")} {
			if _, err := b.Sys.Access.CreatePass(b.Ctx, "", b.Lot, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	list := func() []*park.Pass {
		return []*park.Pass{item("U1", "京A00001"), item("U2", "京A00004", "京A00002"), item("U3", "京A00003"), item("U4", "京A00005")}
	}
	want := map[string]string{"U1": "[京A00001]", "U2": "[京A00004 京A00002]", "U3": "[京A00003]", "U4": "[京A00005]"}
	plates := func(b *bundle) map[string]string {
		ps, err := b.Sys.Access.ListPasses(b.Ctx, "", b.Lot)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, p := range ps {
			out[p.UserCode] = fmt.Sprint(p.Plates)
		}
		return out
	}
	for _, order := range [][]int{{0, 1, 2, 3}, {1, 0, 2, 3}, {3, 2, 1, 0}, {2, 3, 0, 1}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			b := setup(t)
			before(b)
			ids := map[string]string{}
			for _, code := range []string{"U1", "U2", "U3"} {
				p, err := b.Sys.Access.PassByUserCode(b.Ctx, b.Lot, code)
				if err != nil {
					t.Fatal(err)
				}
				ids[code] = p.ID
			}
			// 京A00002's car is inside on U1's space, entered an hour ago.
			entry := b.Clock.Now().Add(-time.Hour)
			inside := b.Event(t, park.EventEntry, "京A00002", entry)
			if st := b.Stay(t, inside.StayID); st.PassID != ids["U1"] {
				t.Fatalf("the car entered on pass %q, want U1's", st.PassID)
			}
			all := list()
			in := make([]*park.Pass, len(order))
			for i, j := range order {
				in[i] = all[j]
			}
			res, err := b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, in)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				code := in[i].UserCode
				if r.Pass.UserCode != code || r.Created != (code == "U4") || (!r.Created && r.Pass.ID != ids[code]) {
					t.Errorf("outcome %d: %+v, want %s, created only for U4, the same id otherwise", i, r, code)
				}
			}
			if got := plates(b); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("passes %v, want %v", got, want)
			}
			// The car moved with its plate: U1's free time (its whole stay
			// so far) is kept, and from now it holds one of U2's 2 spaces.
			st := b.Stay(t, inside.StayID)
			if st.PassID != ids["U2"] || fmt.Sprint(st.KeptFree) != fmt.Sprint([]park.Period{{From: entry, To: b.Clock.Now()}}) {
				t.Errorf("the car inside: pass %q, kept %v, want U2's and an hour kept", st.PassID, st.KeptFree)
			}
			for plate, code := range map[string]string{"京A00002": "U2", "京A00003": "U3", "京A00004": "U2"} {
				if p, err := b.Sys.Access.PassByPlate(b.Ctx, b.Lot, plate); err != nil || p.UserCode != code {
					t.Errorf("%s: %+v, %v, want the pass of %s", plate, p, err, code)
				}
			}
		})
	}
	t.Run("PlateOnTwoItems", func(t *testing.T) {
		b := setup(t)
		before(b)
		was := plates(b)
		for _, in := range [][]*park.Pass{
			{item("U1", "京A00001"), item("U2", "京A00003", "京A00001")},
			{item("U2", "京A00003", "京A00001"), item("U1", "京A00001")},
			// the same plate written another way is the same plate
			{item("U5", "京A00009"), item("U6", "京a-00009")},
		} {
			_, err := b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, in)
			if pe, ok := err.(*park.Error); !ok || pe.Code != park.EInvalid || pe.Field != "passes[1].plates" {
				t.Fatalf("err = %#v, want invalid passes[1].plates", err)
			}
			if got := plates(b); fmt.Sprint(got) != fmt.Sprint(was) {
				t.Fatalf("a refused sync changed the passes: %v, was %v", got, was)
			}
		}
	})
	t.Run("PlateOfAPassNotListed", func(t *testing.T) {
		// U3 is not in the list: its plate stays its own, whatever the order.
		b := setup(t)
		before(b)
		was := plates(b)
		for _, in := range [][]*park.Pass{
			{item("U1", "京A00001", "京A00004"), item("U2", "京A00003", "京A00002")},
			{item("U2", "京A00003", "京A00002"), item("U1", "京A00001", "京A00004")},
		} {
			_, err := b.Sys.Access.SyncPasses(b.Ctx, "", b.Lot, in)
			if !park.IsCode(err, park.EConflict) {
				t.Fatalf("err = %v, want conflict", err)
			}
			if got := plates(b); fmt.Sprint(got) != fmt.Sprint(was) {
				t.Fatalf("a refused sync changed the passes: %v, was %v", got, was)
			}
		}
	})
}
